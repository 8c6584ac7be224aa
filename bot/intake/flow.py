"""Which intake questions are asked, in which order, and what the engine gets."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

# Version of the consent text shown to the patient (domain.yml, utter_ask_consent).
# Change both together; the version is stored with every consent.
CONSENT_VERSION = "2026-11-1"

# Contract §1 fields the engine reads, in the order they are asked.
PROFILE_FIELDS = (
    "diagnosis", "histology", "stage", "setting", "egfr", "alk", "pdl1",
    "ecog", "age", "country", "contact_name", "contact_email", "contact_phone",
)
# Asked only for non-small cell lung cancer (or when the type is not known).
NSCLC_ONLY = {"histology", "egfr", "alk", "pdl1"}
# The form's slots: consent first, then who is answering, the profile, and
# the "is this summary right?" step.
FORM_SLOTS = ("consent", "respondent", *PROFILE_FIELDS, "confirmed")

UNKNOWN = "unknown"
# Free text: "unknown" (skipped) is simply not given.
FREE_TEXT = {"country", "contact_name", "contact_email", "contact_phone"}


def next_questions(slots: Mapping[str, Any]) -> list[str]:
    """The form's required slots for the answers so far.

    Nothing is asked before consent; a "no" to consent ends the form.
    """
    if slots.get("consent") is False:
        return []
    if slots.get("consent") is not True:
        return ["consent"]
    wanted = [name for name in FORM_SLOTS if name != "consent"]
    if slots.get("diagnosis") == "sclc":
        wanted = [name for name in wanted if name not in NSCLC_ONLY]
    return ["consent", *wanted]


def profile_from_slots(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The contract profile: only fields that were answered; "unknown" kept,
    except for the numbers (ECOG, age), where it becomes null, and free text,
    where it is left out."""
    profile: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = slots.get(name)
        if value is None or (value == UNKNOWN and name in FREE_TEXT):
            continue
        if name in ("ecog", "age"):
            value = None if value == UNKNOWN else int(value)
        profile[name] = value
    if slots.get("respondent"):
        profile["respondent"] = slots["respondent"]
    return profile


@lru_cache(maxsize=1)
def reask_offer_buttons() -> list[dict]:
    """The skip and coordinator buttons of a second re-ask (`reask.yml`)."""
    return yaml.safe_load(Path(__file__).with_name("reask.yml").read_text(encoding="utf-8"))
