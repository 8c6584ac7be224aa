"""What the conversation was about just before this message.

A short message right after an answer ("is it painful?", "and for small
cell?") leans on that answer. The conversation's events (Rasa's tracker events
as dicts, oldest first) tell which FAQ topic was answered after the previous
user message, and what that message said.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

FAQ_RESPONSE_PREFIX = "utter_faq/"


@dataclass(frozen=True)
class PreviousAnswer:
    topic: str  # the FAQ topic answered, e.g. "side_effects"
    question: str  # what the patient wrote before that answer


def previous_answer(events_newest_first: Iterable[Mapping[str, Any]]) -> Optional[PreviousAnswer]:
    """The FAQ answer given to the patient's previous message, if there was one.

    Reads back from the newest event to the previous user message; an FAQ
    answer must have been uttered after it.
    """
    topic = None
    for event in events_newest_first:
        kind = event.get("event")
        if kind == "bot" and topic is None:
            action = (event.get("metadata") or {}).get("utter_action") or ""
            if action.startswith(FAQ_RESPONSE_PREFIX):
                topic = action[len(FAQ_RESPONSE_PREFIX):]
        elif kind == "user":
            text = (event.get("text") or "").strip()
            if topic is None or not text or text.startswith("/"):
                return None
            return PreviousAnswer(topic, text)
    return None
