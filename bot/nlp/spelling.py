"""Typos in clinical words ("sqamous", "adenocarcenoma", "keytrud"), read as meant.

spaCy 3.4's Matcher has no fuzzy matching, so the words of a message are
compared with a short list of long, distinctive clinical words
(`spelling.txt`) by edit distance (RapidFuzz, Levenshtein), and the patterns
run on the corrected words. Short and everyday words are never changed.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rapidfuzz import distance, process

WORDS_FILE = Path(__file__).with_name("spelling.txt")
MIN_LENGTH = 6  # shorter words are left as they are


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _allowed_edits(word: str) -> int:
    return 2 if len(word) >= 9 else 1


@lru_cache(maxsize=4096)
def corrected(word: str) -> Optional[str]:
    """The clinical word meant by `word`, when it is a near miss of one; else None."""
    lower = word.lower()
    if len(lower) < MIN_LENGTH or not lower.isalpha() or lower in _vocabulary():
        return None
    match = process.extractOne(lower, _vocabulary(), scorer=distance.Levenshtein.distance,
                               score_cutoff=_allowed_edits(lower))
    if match is None:
        return None
    word_meant, edits, _ = match
    return word_meant if edits <= _allowed_edits(word_meant) else None


_WORD = re.compile(r"[A-Za-z]+")


def corrected_text(text: str) -> str:
    """`text` with every clinical near miss corrected, everything else unchanged."""
    return _WORD.sub(lambda match: corrected(match.group()) or match.group(), text)
