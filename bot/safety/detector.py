"""The red-flag safety net: emergencies as patients describe them, and only real ones.

Every message is read three ways:

1. **Rules** (`concepts.yml`, `categories.yml`): the words that name a sign
   ("coughing", "blood"), after typos in red-flag words are corrected
   (`spelling.txt`), combined by category ("blood" within seven words of
   "cough"; thirst with vomiting; an opioid with deep sleepiness).
2. **Meaning**, when a sentence vector is given: its similarity to each
   category's examples and a classifier over the vectors
   (`bot.safety.semantic`), for emergencies the rules have no words for
   ("like an elephant on his chest").
3. **Time, person and intent** of each mention (`bot.safety.context`): a past
   or resolved event, a definition, a question about side effects, someone
   else's story or a clinician's instruction is not an emergency; a mention
   with nothing to say whether it is happening now gets one question.

`assess(text)` returns an `Assessment`: `urgent` (the emergency reply now),
`ask` ("Is this happening now?") or neither. Where neither reader is sure but
the classifier gives self-harm at least `SELF_HARM_ASK`, the message gets the
question rather than silence. A suicidal statement is never
hidden by negation: "no, I just want it all to end" is a crisis.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

import yaml

from bot.nlp.spelling import Speller
from bot.safety import context as ctx
from bot.safety.semantic import MIN_WORDS

HERE = Path(__file__).resolve().parent
CONCEPTS_FILE = HERE / "concepts.yml"
CATEGORIES_FILE = HERE / "categories.yml"
SPELLING_FILE = HERE / "spelling.txt"

URGENT, ASK, NONE = "urgent", "ask", "none"
_PRONOUNS = r"(?:his|her|my|their|your|the|our)"
_GAP = re.compile(r"\s*W\{0,(\d+)\}\s*")
_NEGATION_WORD = re.compile(r"\b(?:no|not|never|without|nothing|none)\b|n'?t\b")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})


def _compile(pattern: str) -> re.Pattern:
    pattern = pattern.replace("PRON", _PRONOUNS)
    pattern = _GAP.sub(lambda m: r"\W+(?:(?!(?:no|not|never|without|isn'?t|isnt|aren'?t|arent)\b)[\w']+\W+){0,%s}" % m.group(1), pattern)
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    concept: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """One category found in the words, with where it is and how it is placed in time."""

    category: str
    start: int
    end: int
    trigger: str
    timing: str = ctx.NOW
    reason: Optional[str] = None
    source: str = "rules"
    score: float = 1.0


@dataclass(frozen=True)
class Category:
    name: str
    intent: str
    response: str
    rules: tuple


@dataclass(frozen=True)
class Assessment:
    """What the safety net makes of one message."""

    action: str  # URGENT, ASK or NONE
    category: Optional[str] = None
    intent: Optional[str] = None
    trigger: str = ""
    timing: Optional[str] = None
    reason: Optional[str] = None
    source: Optional[str] = None
    score: float = 0.0
    mentions: tuple = field(default=(), compare=False)

    @property
    def urgent(self) -> bool:
        return self.action == URGENT

    @property
    def ask(self) -> bool:
        return self.action == ASK

    def as_dict(self) -> dict:
        return {"action": self.action, "category": self.category, "intent": self.intent,
                "text": self.trigger, "timing": self.timing, "reason": self.reason,
                "source": self.source, "score": round(self.score, 4)}


class Lexicon:
    """concepts.yml: compiled patterns, and the phrases that never count."""

    def __init__(self, data: dict) -> None:
        self.ignore = [_compile(p) for p in data.get("ignore") or []]
        self.concepts = {name: [_compile(p) for p in patterns]
                         for name, patterns in (data.get("concepts") or {}).items()}

    def spans(self, text: str) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = {}
        for name, patterns in self.concepts.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    if match.end() > match.start():
                        found.setdefault(name, []).append(Span(name, match.start(), match.end()))
        return found

    def blank_ignored(self, text: str) -> str:
        for pattern in self.ignore:
            text = pattern.sub(lambda m: " " * len(m.group()), text)
        return text


def _load_categories(data: dict, concepts: Iterable[str]) -> list[Category]:
    known = set(concepts)
    categories = []
    for name, entry in (data.get("categories") or {}).items():
        rules = tuple(entry.get("rules") or ())
        for rule in rules:
            named = [c for key in ("any", "all", "near", "count", "unless", "requires") for c in rule.get(key, [])]
            unknown = sorted(set(named) - known)
            if unknown:
                raise ValueError(f"categories.yml: {name} names unknown concepts {unknown}")
            if not any(key in rule for key in ("any", "all", "near", "count")):
                raise ValueError(f"categories.yml: a rule of {name} has no any/all/near/count")
        if entry.get("intent") not in ("emergency", "self_harm"):
            raise ValueError(f"categories.yml: {name} has intent {entry.get('intent')!r}")
        categories.append(Category(name, entry["intent"], entry["response"], rules))
    return categories


def _word_index(text: str) -> list[int]:
    """The number of words before each character of `text`."""
    index, words, inside = [], 0, False
    for char in text:
        is_word = char.isalnum() or char == "'"
        if is_word and not inside:
            words += 1
        inside = is_word
        index.append(words)
    index.append(words)
    return index


class Normaliser:
    """Lower case, straight quotes, red-flag typos corrected; offsets kept to the original."""

    def __init__(self, speller: Speller) -> None:
        self._speller = speller

    def __call__(self, text: str) -> tuple[str, list[int]]:
        text = (text or "").translate(_QUOTES)
        out: list[str] = []
        origin: list[int] = []
        position = 0
        for match in re.finditer(r"[A-Za-z]+", text):
            for i in range(position, match.start()):
                out.append(text[i].lower())
                origin.append(i)
            word = match.group()
            fixed = self._speller.corrected(word) or word.lower()
            for k, char in enumerate(fixed):
                out.append(char)
                origin.append(match.start() + min(k, len(word) - 1))
            position = match.end()
        for i in range(position, len(text)):
            out.append(text[i].lower())
            origin.append(i)
        origin.append(len(text))
        return "".join(out), origin


SimilarityFn = Callable[[Sequence[float]], dict]


class RedFlagDetector:
    """Rules, meaning and context together (see the module docstring)."""

    def __init__(self, lexicon: Lexicon, categories: list[Category], speller: Speller,
                 semantic=None) -> None:
        self._lexicon = lexicon
        self.categories = {category.name: category for category in categories}
        self._order = [category.name for category in categories]
        self._normalise = Normaliser(speller)
        self.semantic = semantic

    @classmethod
    def from_files(cls, concepts: Path = CONCEPTS_FILE, categories: Path = CATEGORIES_FILE,
                   spelling: Path = SPELLING_FILE, semantic=None) -> "RedFlagDetector":
        lexicon = Lexicon(yaml.safe_load(concepts.read_text(encoding="utf-8")))
        cats = _load_categories(yaml.safe_load(categories.read_text(encoding="utf-8")), lexicon.concepts)
        return cls(lexicon, cats, Speller(spelling), semantic)

    # --- reading ---------------------------------------------------------------------

    def mentions(self, text: str, vector=None) -> list[Mention]:
        """Every category the message names, each placed in time."""
        if not text or not text.strip():
            return []
        normal, origin = self._normalise(text)
        unblanked = normal
        normal = self._lexicon.blank_ignored(normal)
        spans, softened = {}, False
        for name, found_spans in self._lexicon.spans(normal).items():
            kept = [span for span in found_spans if ctx.softened(normal, span.start, name, span.end) is None]
            softened = softened or len(kept) < len(found_spans)
            if kept:
                spans[name] = kept
        words = _word_index(normal)
        found: list[Mention] = []
        for name in self._order:
            for start, end in self._category_spans(self.categories[name], spans, words):
                trigger = text[origin[start]:origin[end - 1] + 1] if end > start else ""
                timing, reason = ctx.read_timing(normal, start, end, name)
                found.append(Mention(name, start, end, trigger.strip(), timing, reason))
        # The meaning, where the rules found nothing happening now. Not where a
        # word denies, softens or turns a sign into a figure of speech: the
        # encoder does not see "no" ("no fever" sits next to "fever").
        if (self.semantic is not None and vector is not None and normal == unblanked and not softened
                and len(normal.split()) >= MIN_WORDS and not any(m.timing == ctx.NOW for m in found)):
            found += self._meaning(text, normal, vector, found)
        return found

    def _meaning(self, text: str, normal: str, vector, found: Sequence[Mention] = ()) -> list[Mention]:
        """A category the rules missed, when the message means one of them."""
        best = self.semantic.best(vector)
        if best is None:
            p = self.semantic.probabilities(vector).get("self_harm", 0.0)
            if p < SELF_HARM_ASK or any(mention.category == "self_harm" for mention in found):
                return []
            # Not sure, but it may be a suicidal thought: ask rather than stay silent.
            timing, reason = ctx.whole_message_timing(normal, "self_harm")
            if timing != ctx.NOW:
                return []
            return [Mention("self_harm", 0, len(normal), text.strip()[:80], ctx.UNCLEAR, "meaning_unsure", "meaning", p)]
        name, score = best
        if name != "self_harm" and _NEGATION_WORD.search(normal):
            return []
        # The rules found this category's own words and placed them in time
        # ("they asked if I'd thought about killing myself - no, never"): the
        # meaning, which cannot see time, does not overrule that reading.
        if any(mention.category == name for mention in found):
            return []
        timing, reason = ctx.whole_message_timing(normal, name)
        return [Mention(name, 0, len(normal), text.strip()[:80], timing, reason, "meaning", score)]

    @staticmethod
    def _category_spans(category: Category, spans: dict[str, list[Span]], words: list[int]):
        """(start, end) of each place where one of the category's rules holds."""
        for rule in category.rules:
            if any(spans.get(name) for name in rule.get("unless", [])):
                continue
            if "any" in rule:
                for name in rule["any"]:
                    for span in spans.get(name, []):
                        yield span.start, span.end
            elif "all" in rule:
                if all(spans.get(name) for name in rule["all"]):
                    parts = [spans[name][0] for name in rule["all"]]
                    yield min(p.start for p in parts), max(p.end for p in parts)
            elif "near" in rule:
                first, second = rule["near"]
                window = int(rule.get("window", 5))
                for a in spans.get(first, []):
                    for b in spans.get(second, []):
                        if a.start == b.start and a.end == b.end:
                            continue
                        gap = words[max(a.start, b.start)] - words[min(a.end, b.end)]
                        if gap <= window:
                            yield min(a.start, b.start), max(a.end, b.end)
            elif "count" in rule:
                present = [name for name in rule["count"] if spans.get(name)]
                requires = rule.get("requires") or present
                if len(present) >= int(rule.get("at_least", 2)) and any(n in present for n in requires):
                    parts = [spans[name][0] for name in present]
                    yield min(p.start for p in parts), max(p.end for p in parts)

    # --- deciding ----------------------------------------------------------------------

    def assess(self, text: str, vector=None) -> Assessment:
        """Urgent now, ask whether it is happening now, or nothing."""
        found = self.mentions(text, vector)
        return self.decide(found)

    def decide(self, found: list[Mention]) -> Assessment:
        for timing, action in ((ctx.NOW, URGENT), (ctx.UNCLEAR, ASK)):
            chosen = [m for m in found if m.timing == timing]
            if chosen:
                best = min(chosen, key=lambda m: (self._order.index(m.category), m.source != "rules"))
                category = self.categories[best.category]
                return Assessment(action, best.category, category.intent, best.trigger, best.timing,
                                  best.reason, best.source, best.score, tuple(found))
        reason = found[0].reason if found else None
        return Assessment(NONE, reason=reason, mentions=tuple(found))

    def response_of(self, category: str) -> str:
        return self.categories[category].response

    def intent_of(self, category: str) -> str:
        return self.categories[category].intent


# Below the classifier's threshold, a self-harm probability of at least this
# gets the question "Is this happening now?" instead of silence.
SELF_HARM_ASK = 0.4


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    return RedFlagDetector.from_files()


def assess(text: str, vector=None) -> Assessment:
    """The shared detector (rules only unless a vector and semantic bank are given)."""
    return default_detector().assess(text, vector)


# Answers to "Is this happening now?" that say no; anything else escalates.
_NOT_NOW_ANSWER = re.compile(
    r"^\W*(?:no+|nope|nah|not (?:now|right now|at the moment|anymore|any more|today)|it (?:has |'s )?(?:stopped|passed|settled|gone)|"
    r"it was (?:earlier|yesterday|last|before|a while)|that was|(?:it )?happened (?:earlier|yesterday|last|before)|"
    r"(?:earlier|yesterday|last (?:week|month|year|night))\b)", re.IGNORECASE)


def pending_answer(text: str) -> Optional[bool]:
    """The answer to "Is this happening now?": False for a clear no, True for yes, None otherwise.

    Only a clear no stands down; the caller escalates on True and on None.
    """
    from bot.intake.yesno import read_yes_no

    text = (text or "").strip()
    if not text:
        return None
    if _NOT_NOW_ANSWER.search(text):
        return False
    return read_yes_no(text)
