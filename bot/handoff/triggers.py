"""Why a conversation goes to a person, read from its events (Rasa's tracker JSON).

Four triggers: the end of the intake when the patient agrees, "talk to a
human" at any time, two messages in a row the assistant could not understand,
and any red flag (urgent, after the emergency answer).
"""
from __future__ import annotations

from typing import Iterable, Optional

# "red_flag_now": yes, the red flag asked about is happening now.
RED_FLAG_INTENTS = frozenset({"emergency", "self_harm", "red_flag_now"})
NOT_UNDERSTOOD = "nlu_fallback"
INTAKE_RESULT_ACTION = "action_intake_result"
LISTEN = "action_listen"


def user_intents(events: Iterable[dict]) -> list[str]:
    """The intent of every patient message, oldest first."""
    return [((e.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            for e in events if e.get("event") == "user"]


def action_before_latest_message(events: list[dict]) -> Optional[str]:
    """The last thing the assistant did before the patient's newest message."""
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != LISTEN:
            return event.get("name")
    return None


def _not_understood(parse_data: dict) -> bool:
    """Not understood at all; a "did you mean...?" question is not a miss."""
    return ((parse_data.get("intent") or {}).get("name") == NOT_UNDERSTOOD
            and (parse_data.get("understanding") or {}).get("decision") != "ask")


def misunderstood_twice(events: list[dict]) -> bool:
    """The patient's last two messages were both beyond the assistant."""
    messages = [e.get("parse_data") or {} for e in events if e.get("event") == "user"]
    return len(messages) >= 2 and _not_understood(messages[-1]) and _not_understood(messages[-2])


def reason_for(latest_intent: Optional[str], events: list[dict]) -> str:
    if latest_intent in RED_FLAG_INTENTS:
        return "red_flag"
    if latest_intent == NOT_UNDERSTOOD:
        return "not_understood"
    if action_before_latest_message(events) == INTAKE_RESULT_ACTION:
        return "intake_complete"
    return "patient_request"
