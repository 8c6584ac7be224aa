"""Understanding what patients write: sentence encoder, classifier, decision, context."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).with_name("topics.yml")


@lru_cache(maxsize=1)
def topic_choices() -> dict[str, dict[str, str]]:
    """label -> {"title", "question"}: what a "Did you mean...?" button shows and sends."""
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def clarifying_buttons(labels) -> list[dict[str, str]]:
    """One button per label the assistant knows how to offer, best first."""
    choices = topic_choices()
    return [{"title": choices[label]["title"], "payload": choices[label]["question"]}
            for label in labels if label in choices]


# A plain request for a person, whatever else the message says ("stage 4
# adeno, I need to talk to a person"): the words are unambiguous, so no
# classifier has to be sure of them.
_PERSON_REQUEST = re.compile(
    r"\b(?:talk|speak|chat|get through|connect me|put me through|be put through)\b(?:\s+\w+){0,3}?\s+(?:to|with)\s+"
    r"(?:a |an |the |your |one of your |some )?(?:real |actual |live )?(?:person|human|someone|somebody|coordinator|"
    r"agent|staff|people|team|member of staff|representative)\b", re.IGNORECASE)


def asks_for_a_person(text: str) -> bool:
    return bool(_PERSON_REQUEST.search(text or ""))


def _normalised(text: str) -> str:
    return " ".join((text or "").lower().split()).rstrip("?!. ")


@lru_cache(maxsize=1)
def _labels_by_question() -> dict[str, str]:
    return {_normalised(choice["question"]): label for label, choice in topic_choices().items()}


def label_of_question(text: str) -> str | None:
    """The label whose "Did you mean...?" button sends exactly this text, if any."""
    return _labels_by_question().get(_normalised(text))
