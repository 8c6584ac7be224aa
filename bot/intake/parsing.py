"""Read a free-text answer to one intake question as a contract value.

Clinical values come from the spaCy extraction (`bot.nlp.extract`), so the
same rules serve whole sentences and one-word answers. What only makes sense
as the answer to a question ("67" when asked the age, "Kenya" when asked the
country) is read here.
"""
from __future__ import annotations

import re
from typing import Any, Optional, Tuple

from bot.nlp import extract

Reading = Tuple[Optional[Any], Optional[str]]

_NUMBER = re.compile(r"^\s*(?:about|around|roughly|approx\.?)?\s*(\d{1,3}(?:\.\d+)?)\s*(%|percent|years?(?: old)?|yo)?\s*\.?\s*$", re.I)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_NAME_PREFIX = re.compile(r"^\s*(?:my name is|my name's|i am|i'm|im|it's|its|this is|call me|name:?)\s+", re.I)
_NAME = re.compile(r"^[^\W\d_]+(?:[ '.-][^\W\d_]+){0,5}$")
_CAREGIVER = re.compile(
    r"\b(my|our|his|her)\s+(dad|father|mum|mom|mother|husband|wife|partner|son|daughter|brother|sister|"
    r"grand\w+|uncle|aunt|friend|family|parent|fiance\w*)\b|\b(caregiver|carer|someone else|on behalf)\b", re.I)
_PATIENT = re.compile(r"^\s*(me|myself|i am|i'm|im)\b|\bthe patient is me\b|\bfor myself\b|\bmy own\b", re.I)


def _found(field: str, text: str) -> Optional[Any]:
    values = [finding.value for finding in extract(text) if finding.field == field]
    return values[-1] if values else None


def _number(text: str) -> Optional[float]:
    match = _NUMBER.match(text)
    return float(match.group(1)) if match else None


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
        value = _number(text)
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
    if field == "stage" and found is None:
        found = _found("stage", "stage " + text)  # "4", "iv", "three b" as the answer
    return (found, None) if found is not None else (None, "not_understood")
