"""How one message is read during the intake.

A message can answer the question asked, add other details ("stage 3b
squamous, on chemo and radiation" answers three), correct an earlier answer,
say "I don't know", or be something else entirely (a question, "stop", an
emergency), which the conversation handles instead of the form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Tuple

from bot.intake.flow import PROFILE_FIELDS, UNKNOWN
from bot.intake.yesno import read_yes_no

# Intents that are not answers: the form steps aside and the conversation
# handles them (a question is answered, "stop" stops, a red flag is urgent).
INTERRUPTIONS = frozenset({
    "faq", "emergency", "self_harm", "red_flag_unclear", "red_flag_now", "red_flag_not_now", "stop_intake", "human_handoff", "bot_challenge",
    "goodbye", "ask_capabilities", "greet", "thank", "check_eligibility", "ask_another",
    # The console's signals: a coordinator took or handed back the conversation.
    "EXTERNAL_handoff_claimed", "EXTERNAL_handoff_closed",
})
# Never read as an answer, whatever the words: the conversation handles these first.
SAFETY_FIRST = frozenset({"emergency", "self_harm", "red_flag_unclear", "red_flag_now", "red_flag_not_now",
                          "EXTERNAL_handoff_claimed", "EXTERNAL_handoff_closed"})
# Intents that mean yes or no to a yes/no question, besides affirm and deny.
YES_BY_INTENT = {"consent": frozenset(), "confirmed": frozenset()}
NO_BY_INTENT = {"consent": frozenset({"stop_intake"}), "confirmed": frozenset({"change_answer"})}
DONT_KNOW = frozenset({"dont_know", "skip_question"})
# Free text that is only read as the answer to its own question ("Jordan"
# is a name as often as a country).
ASK_ONLY = frozenset({"country", "contact_name"})
RESPONDENT_INTENTS = {"respondent_patient": "patient", "respondent_caregiver": "caregiver"}

# parse(field, text) -> (value, None) when understood, (None, reason) when not.
Parser = Callable[[str, str], Tuple[Optional[Any], Optional[str]]]


@dataclass(frozen=True)
class Turn:
    requested: Optional[str]
    text: str
    intent: str
    findings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Interpretation:
    updates: dict
    problem: Optional[str] = None  # the field whose answer could not be read
    reason: Optional[str] = None  # why, for the re-ask
    is_answer: bool = True  # False: not for the form; let the conversation handle it


def interpret(turn: Turn, parse: Parser) -> Interpretation:
    """Read one message against the question that was asked."""
    asked = turn.requested
    updates = {name: value for name, value in turn.findings.items()
               if name in PROFILE_FIELDS and (name not in ASK_ONLY or name == asked)}
    if asked is None or asked in updates:
        return Interpretation(updates)
    if asked in ("consent", "confirmed") and turn.intent not in SAFETY_FIRST:
        return _yes_or_no(turn, asked, updates)
    if turn.intent in INTERRUPTIONS:
        return Interpretation(updates, is_answer=bool(updates))

    if asked == "respondent":
        if turn.intent in RESPONDENT_INTENTS:
            return Interpretation({**updates, asked: RESPONDENT_INTENTS[turn.intent]})
        value, reason = parse(asked, turn.text)
        if value is not None:
            return Interpretation({**updates, asked: value})
        return Interpretation(updates, problem=asked, reason=reason)

    value, reason = parse(asked, turn.text)
    if value is not None:  # "they never tested for it" is an answer (not_tested), not "I don't know"
        return Interpretation({**updates, asked: value})
    if turn.intent in DONT_KNOW:
        return Interpretation({**updates, asked: UNKNOWN})
    if updates:  # other details (or a correction) instead of this answer: ask again plainly
        return Interpretation(updates)
    return Interpretation(updates, problem=asked, reason=reason or "not_understood")


def _yes_or_no(turn: Turn, asked: str, updates: dict) -> Interpretation:
    """Consent, or "is this summary right?": yes and no in people's own words."""
    if asked == "confirmed" and updates:  # "no, the stage is IV": the correction itself
        return Interpretation(updates)
    answer = read_yes_no(turn.text, turn.intent)
    if answer is None and turn.intent in YES_BY_INTENT[asked]:
        answer = True
    if answer is None and turn.intent in NO_BY_INTENT[asked]:
        answer = False
    if answer is True and turn.intent == "faq" and turn.text.rstrip().endswith("?"):
        answer = None  # "ok, but how long does it take?": a question first
    if answer is not None:
        return Interpretation({**updates, asked: answer})
    if turn.intent in INTERRUPTIONS:
        return Interpretation(updates, is_answer=bool(updates))
    return Interpretation(updates, problem=asked, reason="yes_or_no")
