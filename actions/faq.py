"""Give the FAQ answer the response selector chose, if it is in scope."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import (
    ACTION_ANSWER_FAQ,
    RETRIEVAL_INTENT,
    SLOT_CIK_CONTEXT,
    UTTER_NEXT_STEPS,
    UTTER_NOT_SURE,
)
from bot.faq_scope import faq_answer_in_scope


def chosen_answer(latest_message: Dict[Text, Any]) -> Text | None:
    """`faq/<topic>` as picked by the ResponseSelector, or None."""
    selected = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return (selected.get("response") or {}).get("intent_response_key")


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return ACTION_ANSWER_FAQ

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        key = chosen_answer(tracker.latest_message)
        in_scope = key is not None and faq_answer_in_scope(
            tracker.latest_message.get("text") or "",
            conversation_about_cik=bool(tracker.get_slot(SLOT_CIK_CONTEXT)),
        )
        if not in_scope:
            dispatcher.utter_message(response=UTTER_NOT_SURE)
            return []
        dispatcher.utter_message(response=f"utter_{key}")
        dispatcher.utter_message(response=UTTER_NEXT_STEPS)
        return [SlotSet(SLOT_CIK_CONTEXT, True)]
