"""Read a free-text answer to one intake question as a contract value.

Clinical values come from the spaCy extraction (`bot.nlp.extract`), so the
same rules serve whole sentences and one-word answers. What only makes sense
as the answer to a question ("67" when asked the age, "Kenya" when asked the
country) is read here.
"""
from __future__ import annotations

import re
from typing import Any, Optional, Tuple

from bot.eligibility.schema import is_unknown, values_of
from bot.intake.flow import UNKNOWN
from bot.nlp import extract
from bot.nlp.spelling import corrected_text
from bot.nlp.treatment import revise

Reading = Tuple[Optional[Any], Optional[str]]

_NUMBER = re.compile(r"^\s*(?:about|around|roughly|approx\.?)?\s*(\d{1,3}(?:\.\d+)?)\s*(%|percent|years?(?: old)?|yo)?\s*\.?\s*$", re.I)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_NAME_PREFIX = re.compile(r"^\s*(?:my name is|my name's|i am|i'm|im|it's|its|this is|call me|name:?)\s+", re.I)
_NAME = re.compile(r"^[^\W\d_]+(?:[ '.-][^\W\d_]+){0,5}$")
_RELATIVE = (r"dad|daddy|father|papa|mum|mom|mummy|mommy|mother|mama|husband|wife|partner|son|daughter|brother|"
             r"sister|grand\w+|uncle|aunt|auntie|friend|family|parent|fiance\w*|cousin|neighbou?r|"
             r"nephew|niece|in-law|boyfriend|girlfriend|relative|colleague|boss")
_CAREGIVER = re.compile(
    r"\b(my|our|his|her|their|a)\s+(" + _RELATIVE + r")\b|\b(caregiver|care giver|carer|someone else|"
    r"somebody else|on behalf|for (?:a|my|our) (?:" + _RELATIVE + r"))\b|"
    r"\bi'?m\s+(?:his|her|their)\b|\bi am\s+(?:his|her|their)\b", re.I)
_PATIENT = re.compile(r"^\s*(me|myself|i am|i'm|im|it'?s me|it is me|patient)\b|\bthe patient is me\b|"
                      r"\bfor myself\b|\bmy own\b|\bi am the patient\b|\bi'?m the patient\b|\bmine\b", re.I)
_UNSURE = re.compile(r"\b(don'?t|do not|dont|not|no)\s+(know|sure|remember|recall|idea)\b|\bno idea\b|"
                     r"\bnot sure\b|\bunsure\b|\bforgot\b|\bcan'?t remember\b|\bpending\b|\bwaiting for\b", re.I)
# Answers to "has an EGFR (ALK) test been done?" that do not repeat the marker's name.
_ANSWER_POSITIVE = re.compile(
    r"^\W*(?:yes\W+)?(?:it(?:'s| is| was)\s+|they found\s+(?:a\s+|an?\s+)?|(?:a\s+)?)?"
    r"(positive|pos|\+|\+ve|mutated|mutant|mutation (?:found|detected|present)|fusion|rearranged|rearrangement|"
    r"translocation|detected|present)\b"
    r"|\b(?:has|have|with|found|showed|shows)\s+(?:a|an|the)?\s*(?:\w+\s+)?(mutation|fusion|rearrangement|translocation)\b"
    r"|\b(positive)\b", re.I)
_ANSWER_NEGATIVE = re.compile(
    r"\b(negative|neg|-ve|wild[- ]?type|wt|not detected|not found|no (?:mutations?|fusion|rearrangement|"
    r"translocation)(?: (?:was |were )?(?:found|detected|seen))?|nothing (?:was )?found|normal|none found)\b", re.I)
_ANSWER_NOT_TESTED = re.compile(
    r"\b(?:never|not|wasn'?t|weren'?t|hasn'?t|haven'?t|didn'?t|did not|no)\b.{0,25}?"
    r"\b(?:tested|test|testing|checked|check|done|ordered|performed|sent)\b|\buntested\b|\bnot (?:yet )?done\b", re.I)
_WORD_NUMBER_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                      "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                      "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                      "nineteen": 19}
_WORD_NUMBER_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
                     "seventy": 70, "eighty": 80, "ninety": 90}
_AGE_IN_WORDS = re.compile(r"\b(" + "|".join(_WORD_NUMBER_TENS) + r")(?:[\s-]+(" +
                           "|".join(list(_WORD_NUMBER_UNITS)[1:10]) + r"))?\b|\b(" +
                           "|".join(_WORD_NUMBER_UNITS) + r")\b", re.I)
_HUNDREDS_IN_WORDS = re.compile(r"\b(?:(" + "|".join(list(_WORD_NUMBER_UNITS)[1:10]) + r")|an?|one)\s+hundred"
                                r"(?:\s+(?:and\s+)?([a-z -]+))?", re.I)
_INTEGER = re.compile(r"(?<![\d.,])(\d{1,3})(?![\d.,]*\s*(?:%|percent|kg|cm|mm|days?|weeks?|months?|cycles?|"
                      r"times|am|pm|o'clock|children|kids|grandchildren)\b)(?!\d)", re.I)
_PDL1_LEVEL = re.compile(r"\b(high|low|negative|positive|strong|weak|strongly positive|weakly positive)\b", re.I)
_PDL1_LEVELS = {"high": "high", "low": "low", "negative": "negative", "positive": "high", "strong": "high",
                "weak": "low", "strongly positive": "high", "weakly positive": "low"}
_BELOW_ONE = re.compile(r"(<|less than|under|below)\s*1\s*(%|percent)?", re.I)


def _found(field: str, text: str) -> Optional[Any]:
    values = [finding.value for finding in extract(text) if finding.field == field]
    return values[-1] if values else None


def _number(text: str) -> Optional[float]:
    match = _NUMBER.match(text)
    return float(match.group(1)) if match else None


def _age_in_text(text: str) -> Optional[int]:
    """One age said inside a sentence: "he turned 71 in may", "she is fifty eight"."""
    numbers = [int(n) for n in _INTEGER.findall(text)]
    if len(numbers) == 1:
        return numbers[0]
    if not numbers:
        hundreds = _HUNDREDS_IN_WORDS.search(text)
        if hundreds:  # "a hundred and five" is 105, "two hundred" is 200 (then out of range)
            count, rest = hundreds.groups()
            below = _age_in_text(rest) if rest else 0
            return _WORD_NUMBER_UNITS.get((count or "one").lower(), 1) * 100 + (below or 0)
        words = _AGE_IN_WORDS.search(text)
        if words:
            tens, unit, alone = words.groups()
            if alone:
                return _WORD_NUMBER_UNITS[alone.lower()]
            return _WORD_NUMBER_TENS[tens.lower()] + (_WORD_NUMBER_UNITS[unit.lower()] if unit else 0)
    return None


def _biomarker_answer(text: str) -> Optional[str]:
    """EGFR or ALK, answered without naming it: positive, negative, never tested, not known."""
    text = corrected_text(text)
    if _ANSWER_NOT_TESTED.search(text) and not _ANSWER_NEGATIVE.search(text):
        return "not_tested"
    if _UNSURE.search(text):
        return "unknown"
    if _ANSWER_NEGATIVE.search(text):
        return "negative"
    if _ANSWER_POSITIVE.search(text):
        return "positive"
    return None


def revised_setting(previous: Any, text: str) -> Optional[list]:
    """The treatment list after `text`, when a list is already known and `text` changes it
    (`bot.nlp.treatment.revise`: a drug stopped, a line changed, a treatment added)."""
    if is_unknown(previous):
        return None
    return revise(list(values_of(previous)), text)


def parse_answer(field: str, text: str) -> Reading:
    """(value, None) when the answer is understood, (None, reason) when not."""
    text = (text or "").strip()
    if not text:
        return None, "empty"
    found = _found(field, text)

    if field == "respondent":
        if _CAREGIVER.search(text):
            return "caregiver", None
        if _PATIENT.search(text):
            return "patient", None
        return None, "not_understood"
    if field == "age":
        value = found if found is not None else _number(text)
        if value is None:
            value = _age_in_text(text)
        if value is None:
            return None, "not_a_number"
        return (int(value), None) if 0 <= value <= 120 and value == int(value) else (None, "out_of_range")
    if field == "ecog":
        value = found if found is not None else _number(text)
        if value is None:
            return None, "not_understood"
        return (int(value), None) if value in (0, 1, 2, 3, 4) else (None, "out_of_range")
    if field == "pdl1":
        if found is not None:
            return found, None
        if _BELOW_ONE.search(text):
            return "negative", None  # under 1% is reported as PD-L1 negative
        if _ANSWER_NOT_TESTED.search(text):
            return "not_tested", None
        if _UNSURE.search(text):
            return "unknown", None
        level = _PDL1_LEVEL.search(text)
        if level:
            return _PDL1_LEVELS[level.group(1).lower()], None
        value = _number(text)
        if value is None:
            numbers = [int(n) for n in _INTEGER.findall(text)]
            value = numbers[0] if len(numbers) == 1 else None
        if value is not None and 0 <= value <= 100:
            return (int(value) if value == int(value) else value), None
        return None, "not_understood"
    if field == "contact_email":
        value = found or (text if _EMAIL.match(text) else None)
        return (value, None) if value else (None, "invalid_email")
    if field == "contact_phone":
        if found:
            return found, None
        digits = re.sub(r"\D", "", text)
        valid = 7 <= len(digits) <= 15 and re.fullmatch(r"[+\d\s().-]+", text)
        return (text, None) if valid else (None, "invalid_phone")
    if field == "contact_name":
        name = _NAME_PREFIX.sub("", text).strip(" .!")
        return (name, None) if _NAME.match(name) else (None, "not_a_name")
    if field == "country":
        if found:
            return found, None
        name = text.strip(" .!")
        name = re.sub(r"^(we live in|we're in|we are in|i live in|from|in)\s+", "", name, flags=re.I)
        return (name, None) if _NAME.match(name) and len(name) >= 2 else (None, "not_understood")
    if field in ("egfr", "alk") and found is None:
        found = _biomarker_answer(text)
    if field in ("diagnosis", "histology", "stage", "setting") and found is None and _UNSURE.search(text):
        found = UNKNOWN
    if field == "stage" and found is None:
        found = _found("stage", "stage " + text)  # "4", "iv", "three b" as the answer
    return (found, None) if found is not None else (None, "not_understood")
