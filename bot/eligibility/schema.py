"""The patient profile of the intake contract (section 1): allowed values and validation.

`validate_profile` takes what the conversation (or the command line) collected and
returns a normalised copy, or raises `ProfileError` naming the first bad field.

Decisions worth knowing:

- Every field may be absent or null; the copy keeps exactly the keys it was given,
  so "never asked" (absent) and "asked, no answer" (null) stay apart.
- Field names outside the contract are refused, so a misspelt slot cannot be lost.
- Values are checked field by field; the profile is not checked for consistency
  between fields (e.g. histology with SCLC): that is for the coordinator.
- Words are normalised: case, surrounding spaces, and "-" or spaces for "_"
  ("First-line chemotherapy" -> "first_line_chemotherapy"); stages are written
  many ways ("stage 3b", "IIIb", "three B" -> "IIIB"; "stage 4", "metastatic" -> "IV").
- `setting` is a list (every current or planned treatment); a single string is
  read as a one-item list. The list is given in the contract's order, without
  repeats; "unknown" beside a known treatment adds nothing and is dropped.
- Numbers: booleans are never numbers; 2.0 and "2" are read as 2; 2.5 is refused.
  For `ecog` and `age` the word "unknown" is read as null.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Mapping

DIAGNOSES = ("nsclc", "sclc", "unknown")
HISTOLOGIES = ("adenocarcinoma", "squamous", "large_cell", "other", "unknown")
NSCLC_STAGES = ("I", "II", "IIIA", "IIIB", "IIIC", "IV")
SCLC_STAGES = ("limited", "extensive")
STAGES = NSCLC_STAGES + SCLC_STAGES + ("unknown",)
SETTINGS = (
    "first_line_chemotherapy",
    "later_line_chemotherapy",
    "concurrent_chemoradiotherapy",
    "post_resection",
    "targeted_therapy",
    "immunotherapy",
    "consolidation",
    "none",
    "other",
    "unknown",
)
BIOMARKER_RESULTS = ("positive", "negative", "not_tested", "unknown")
PDL1_LEVELS = ("high", "low", "negative", "not_tested", "unknown")
RESPONDENTS = ("patient", "caregiver")
ECOG_RANGE = (0, 4)
AGE_RANGE = (0, 120)

UNKNOWN = "unknown"

# Clinical fields first, in the contract's order: the engine reports missing
# fields in this order.
CLINICAL_FIELDS = ("diagnosis", "histology", "stage", "setting", "ecog", "egfr", "alk", "pdl1")
PROFILE_FIELDS = CLINICAL_FIELDS + (
    "age",
    "country",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent",
    "respondent",
)

# Fields whose allowed values form a closed list (the engine may try each).
ENUMERATED_VALUES: dict[str, tuple] = {
    "diagnosis": DIAGNOSES,
    "histology": HISTOLOGIES,
    "stage": STAGES,
    "setting": SETTINGS,
    "ecog": tuple(range(ECOG_RANGE[0], ECOG_RANGE[1] + 1)),
    "egfr": BIOMARKER_RESULTS,
    "alk": BIOMARKER_RESULTS,
    "pdl1": PDL1_LEVELS,
    "respondent": RESPONDENTS,
}

_MAX_TEXT = 200
_MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_SEPARATORS = re.compile(r"[\s\-]+")


class ProfileError(ValueError):
    """A profile value outside the contract. `field` names the field ("input" for the whole)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def show(value: Any, limit: int = 60) -> str:
    """A value as JSON on one line, shortened: for error messages."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value).replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_unknown(value: Any) -> bool:
    """True for a value that says nothing: null, "unknown", or a list of only that."""
    return value is None or value == UNKNOWN or value == [UNKNOWN] or value == []


def values_of(value: Any) -> tuple:
    """The values of a field: the items of a list (`setting`), or the one value."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


# --- one validator per kind of field ------------------------------------------------


def _word(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _SEPARATORS.sub("_", value.strip().lower())


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], Any]:
    listed = ", ".join(allowed)

    def check(value: Any) -> Any:
        word = _word(value)
        if word not in allowed:
            raise ValueError(f"must be one of {listed} or null, got {show(value)}")
        return word

    return check


def _whole_number(value: Any) -> int | None:
    """An int from an int, an integral float or a string of digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,3}\s*", value):
        return int(value)
    return None


def _bounded_int(low: int, high: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == UNKNOWN:
            return None
        number = _whole_number(value)
        if number is None or not low <= number <= high:
            raise ValueError(f"must be an integer {low}-{high} or null, got {show(value)}")
        return number

    return check


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "one": 1, "two": 2, "three": 3, "four": 4}
_ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
_STAGE_WORDS = {
    "metastatic": "IV", "metastatic_disease": "IV", "metastasised": "IV", "metastasized": "IV",
    "limited": "limited", "limited_disease": "limited",
    "extensive": "extensive", "extensive_disease": "extensive",
    "unknown": "unknown",
}
_STAGE_FORM = re.compile(r"^(i{1,3}|iv|[1-4]|one|two|three|four)_?([abc])?$")


def _stage(value: Any) -> str:
    bad = f"must be one of {', '.join(STAGES)} or null, got {show(value)}"
    if isinstance(value, int) and not isinstance(value, bool):
        value_text = str(value)
    else:
        value_text = value
    word = _word(value_text)
    if word is None:
        raise ValueError(bad)
    word = re.sub(r"^stage_?|_?stage$", "", word).strip("_")
    if word in _STAGE_WORDS:
        return _STAGE_WORDS[word]
    form = _STAGE_FORM.match(word)
    if not form:
        raise ValueError(bad)
    number, letter = _ROMAN[form.group(1)], form.group(2)
    if number == 3:
        if not letter:
            raise ValueError(f"stage III must be given as IIIA, IIIB or IIIC (or unknown), got {show(value)}")
        return "III" + letter.upper()
    if letter == "c":
        raise ValueError(bad)
    # Sub-stages of I, II and IV (IA, IIB, IVA...) fall into the table's I, II, IV.
    return _ROMAN_OUT[number]


def _list_of(allowed: tuple[str, ...]) -> Callable[[Any], Any]:
    """A list of choices (a single string is a one-item list), in `allowed`'s order."""
    one = _choice(allowed)

    def check(value: Any) -> Any:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not items:
            raise ValueError(f"must be a non-empty list of {', '.join(allowed)}, or null, got {show(value)}")
        chosen = {one(item) for item in items}
        if len(chosen) > 1:
            chosen.discard(UNKNOWN)
        return [name for name in allowed if name in chosen]

    return check


def _pdl1(value: Any) -> Any:
    bad = f"must be high, low, negative, unknown, a percentage 0-100 or null, got {show(value)}"
    if isinstance(value, bool):
        raise ValueError(bad)
    if isinstance(value, str):
        word = _word(value)
        if word in PDL1_LEVELS:
            return word
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*", value)
        if not match:
            raise ValueError(bad)
        value = float(match.group(1))
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 100:
        raise ValueError(bad)
    return int(value) if float(value).is_integer() else float(value)


def _text(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"must be text or null, got {show(value)}")
        text = " ".join(value.split())
        if len(text) > limit:
            raise ValueError(f"must be at most {limit} characters, got {len(text)}")
        return text or None

    return check


def _email(value: Any) -> Any:
    text = _text(_MAX_EMAIL)(value)
    if text is not None and not _EMAIL.match(text):
        raise ValueError(f"must be an email address like name@example.org, got {show(value)}")
    return text


def _phone(value: Any) -> Any:
    text = _text(40)(value)
    if text is None:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 6 <= digits <= 15:
        raise ValueError(f"must be a phone number of 6-15 digits, got {show(value)}")
    return text


def _consent(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError(f"must be true, false or null, got {show(value)}")
    return value


VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "diagnosis": _choice(DIAGNOSES),
    "histology": _choice(HISTOLOGIES),
    "stage": _stage,
    "setting": _list_of(SETTINGS),
    "ecog": _bounded_int(*ECOG_RANGE),
    "egfr": _choice(BIOMARKER_RESULTS),
    "alk": _choice(BIOMARKER_RESULTS),
    "pdl1": _pdl1,
    "age": _bounded_int(*AGE_RANGE),
    "country": _text(_MAX_TEXT),
    "contact_name": _text(_MAX_TEXT),
    "contact_email": _email,
    "contact_phone": _phone,
    "consent": _consent,
    "respondent": _choice(RESPONDENTS),
}
assert tuple(VALIDATORS) == PROFILE_FIELDS


def validate_value(field: str, value: Any) -> Any:
    """One field's value, normalised; raises ProfileError. None stays None."""
    if field not in VALIDATORS:
        raise ProfileError(field, f"is not a profile field (known fields: {', '.join(PROFILE_FIELDS)})")
    if value is None:
        return None
    try:
        return VALIDATORS[field](value)
    except ValueError as exc:
        raise ProfileError(field, str(exc)) from None


# Fields whose value is a list; `validate_item` checks one of their items.
LIST_FIELDS = ("setting",)
_ITEM_VALIDATORS = {"setting": _choice(SETTINGS)}


def validate_item(field: str, value: Any) -> Any:
    """One value of a field, even of a list field (a rule lists single values)."""
    if field not in _ITEM_VALIDATORS:
        return validate_value(field, value)
    try:
        return _ITEM_VALIDATORS[field](value)
    except ValueError as exc:
        raise ProfileError(field, str(exc)) from None


def validate_profile(data: Mapping) -> dict:
    """A normalised copy of `data`, or ProfileError naming the first bad field."""
    if not isinstance(data, Mapping):
        raise ProfileError("input", f"must be an object of profile fields, got {type(data).__name__}")
    for key in data:
        if not isinstance(key, str) or key not in VALIDATORS:
            raise ProfileError(str(key), f"is not a profile field (known fields: {', '.join(PROFILE_FIELDS)})")
    return {field: validate_value(field, data[field]) for field in PROFILE_FIELDS if field in data}
