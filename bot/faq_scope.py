"""Whether a FAQ answer may be given: is the message about our subject?

The classifier maps "how much does it cost to park downtown" to the cost
answer as readily as "how much does CIK cost". A CIK answer is therefore
given only when the conversation is already about CIK (an earlier answer was
given) or the message itself names the subject (`faq_scope.yml`). Otherwise
the assistant says it is unsure and names what it can help with.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

SCOPE_FILE = Path(__file__).with_name("faq_scope.yml")


@lru_cache(maxsize=1)
def _anchor_pattern(path: Path = SCOPE_FILE) -> re.Pattern:
    anchors = yaml.safe_load(path.read_text(encoding="utf-8"))["anchors"]
    return re.compile(r"\b(?:" + "|".join(f"(?:{a})" for a in anchors) + r")\b", re.IGNORECASE)


def mentions_subject(text: str) -> bool:
    """True when the message names CIK, cancer care or this service."""
    return bool(text) and _anchor_pattern().search(text) is not None


def faq_answer_in_scope(text: str, *, conversation_about_cik: bool) -> bool:
    return conversation_about_cik or mentions_subject(text)
