"""Give the FAQ answer that the understanding decision chose."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import ACTION_ANSWER_FAQ, RETRIEVAL_INTENT, UTTER_NEXT_STEPS, UTTER_NOT_SURE


def chosen_answer(latest_message: Dict[Text, Any]) -> Text | None:
    """`faq/<topic>` as chosen in the NLU pipeline (components.understanding), or None."""
    selected = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return (selected.get("response") or {}).get("intent_response_key")


DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@lru_cache(maxsize=1)
def known_answers() -> frozenset:
    """The FAQ answers of domain.yml, read once. Rasa does not send this action the
    domain (selective domain, endpoints.yml): building it costs ~20 ms a turn."""
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8")).get("responses") or {}
    return frozenset(name for name in responses if name.startswith("utter_faq/"))


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
        if key is None or f"utter_{key}" not in known_answers():
            dispatcher.utter_message(response=UTTER_NOT_SURE)
            return []
        dispatcher.utter_message(response=f"utter_{key}")
        if tracker.active_loop_name is None:  # during the intake, its next question comes instead
            dispatcher.utter_message(response=UTTER_NEXT_STEPS)
        return []
