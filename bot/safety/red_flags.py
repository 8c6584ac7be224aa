"""Pattern safety net for emergencies and crises.

The intent classifier may misread an emergency. Every message therefore also
goes through a spaCy Matcher built on `spacy.blank("en")` from the patterns in
`red_flag_patterns.jsonl`. A match overrides whatever the classifier said: a
false alarm costs the patient one extra sentence, a miss could cost a life.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import spacy
from spacy.matcher import Matcher

PATTERNS_FILE = Path(__file__).with_name("red_flag_patterns.jsonl")

# Which answer each kind of red flag gets: a medical emergency or a crisis line.
CATEGORY_INTENT = {
    "bleeding": "emergency",
    "breathing": "emergency",
    "chest_pain": "emergency",
    "collapse": "emergency",
    "self_harm": "self_harm",
}
# When both kinds appear in one message, the crisis answer also names
# emergency services, so it goes first.
_PRIORITY = ("self_harm", "emergency")
_NEGATIONS = {"not", "n't", "nt", "never", "dont", "no"}


@dataclass(frozen=True)
class RedFlag:
    """One detected red flag: its category, the intent it maps to, the words."""

    category: str
    intent: str
    text: str


def _load_patterns(path: Path) -> list[dict]:
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry.get("label") not in CATEGORY_INTENT:
            raise ValueError(f"{path.name}:{number}: unknown label {entry.get('label')!r}")
        patterns.append(entry)
    return patterns


class RedFlagDetector:
    """Finds red flags in free text with a rule-based spaCy Matcher."""

    def __init__(self, patterns: Iterable[dict]) -> None:
        self._nlp = spacy.blank("en")
        self._matcher = Matcher(self._nlp.vocab, validate=True)
        self._negatable: set[str] = set()
        for index, entry in enumerate(patterns):
            key = f"{entry['label']}#{index}"
            self._matcher.add(key, [entry["pattern"]])
            if entry.get("negatable"):
                self._negatable.add(key)

    @classmethod
    def from_file(cls, path: Path = PATTERNS_FILE) -> "RedFlagDetector":
        return cls(_load_patterns(path))

    def detect(self, text: str) -> RedFlag | None:
        """The most urgent red flag in `text`, or None."""
        if not text or not text.strip():
            return None
        doc = self._nlp(text)
        found: list[RedFlag] = []
        for match_id, start, end in self._matcher(doc):
            key = self._nlp.vocab.strings[match_id]
            if key in self._negatable and self._negated(doc, start):
                continue
            category = key.split("#", 1)[0]
            found.append(RedFlag(category, CATEGORY_INTENT[category], doc[start:end].text))
        if not found:
            return None
        return min(found, key=lambda flag: _PRIORITY.index(flag.intent))

    @staticmethod
    def _negated(doc, start: int) -> bool:
        """'I don't want to die' is fear, not a wish: look three words back."""
        window = doc[max(0, start - 3) : start]
        return any(token.lower_ in _NEGATIONS for token in window)


@lru_cache(maxsize=1)
def _default_detector() -> RedFlagDetector:
    return RedFlagDetector.from_file()


def detect_red_flag(text: str) -> RedFlag | None:
    """Module-level convenience over one shared detector (built on first use)."""
    return _default_detector().detect(text)
