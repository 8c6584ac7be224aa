"""Typos in clinical words ("sqamous", "adenocarcenoma", "keytrud"), read as meant.

spaCy 3.4's Matcher has no fuzzy matching, so the words of a message are
compared with a short list of long, distinctive clinical words by edit
distance (RapidFuzz, Levenshtein), and the patterns run on the corrected
words. Short and everyday words are never changed, nor the ordinary words a
list names as near misses ("painted" is not "fainted").

Two lists use this: the clinical words of the extraction (`spelling.txt`
here) and the red-flag words of the safety net (`bot/safety/spelling.txt`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rapidfuzz import distance, process

WORDS_FILE = Path(__file__).with_name("spelling.txt")
MIN_LENGTH = 6  # shorter words are left as they are
_WORD = re.compile(r"[A-Za-z]+")


class Speller:
    """Corrects near misses of the words of one list.

    The list file has one word a line; `#` starts a comment; a line
    `keep: word` names an ordinary word that must never be "corrected".
    `max_edits(length)` is how many edits a word of that length may be from
    a listed word.
    """

    def __init__(self, words_file: Path, min_length: int = MIN_LENGTH, long_word: int = 9) -> None:
        words, keep = [], set()
        for line in Path(words_file).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("keep:"):
                keep.add(line.split(":", 1)[1].strip().lower())
            else:
                words.append(line.lower())
        self._words = tuple(words)
        self._known = frozenset(words) | keep
        self._min_length = min_length
        self._long_word = long_word
        self.corrected = lru_cache(maxsize=8192)(self._corrected)

    def _max_edits(self, word: str) -> int:
        return 2 if len(word) >= self._long_word else 1

    def _corrected(self, word: str) -> Optional[str]:
        """The listed word meant by `word`, when it is a near miss of one; else None."""
        lower = word.lower()
        if len(lower) < self._min_length or not lower.isalpha() or lower in self._known:
            return None
        match = process.extractOne(lower, self._words, scorer=distance.Levenshtein.distance,
                                   score_cutoff=self._max_edits(lower))
        if match is None:
            return None
        word_meant, edits, _ = match
        return word_meant if edits <= self._max_edits(word_meant) else None

    def corrected_text(self, text: str) -> str:
        """`text` with every near miss corrected, everything else unchanged."""
        return _WORD.sub(lambda match: self.corrected(match.group()) or match.group(), text)


@lru_cache(maxsize=1)
def clinical_speller() -> Speller:
    return Speller(WORDS_FILE)


def corrected(word: str) -> Optional[str]:
    """The clinical word meant by `word`, when it is a near miss of one; else None."""
    return clinical_speller().corrected(word)


def corrected_text(text: str) -> str:
    """`text` with every clinical near miss corrected, everything else unchanged."""
    return clinical_speller().corrected_text(text)
