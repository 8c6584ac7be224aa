"""The intake conversation's logic: which question comes next, how an answer
is read, what the summary shows. Pure Python; `actions/intake.py` adapts it."""
from bot.intake.answers import Interpretation, Turn, interpret
from bot.intake.flow import CONSENT_VERSION, FORM_SLOTS, PROFILE_FIELDS, next_questions, profile_from_slots

__all__ = [
    "CONSENT_VERSION", "FORM_SLOTS", "PROFILE_FIELDS", "Interpretation", "Turn",
    "interpret", "next_questions", "profile_from_slots",
]
