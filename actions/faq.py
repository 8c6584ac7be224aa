"""Give the FAQ answer that the understanding decision chose."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import ACTION_ANSWER_FAQ, RETRIEVAL_INTENT, UTTER_NEXT_STEPS, UTTER_NOT_SURE


def chosen_answer(latest_message: Dict[Text, Any]) -> Text | None:
    """`faq/<topic>` as chosen in the NLU pipeline (components.understanding), or None."""
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
        if key is None or f"utter_{key}" not in (domain.get("responses") or {}):
            dispatcher.utter_message(response=UTTER_NOT_SURE)
            return []
        dispatcher.utter_message(response=f"utter_{key}")
        if tracker.active_loop_name is None:  # during the intake, its next question comes instead
            dispatcher.utter_message(response=UTTER_NEXT_STEPS)
        return []
