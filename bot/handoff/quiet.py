"""When the assistant keeps quiet because a coordinator has the conversation.

Rasa's `ConversationPaused` would drop the patient's messages; instead the
messages are logged as usual and the dialogue policy
(`components.handoff_policy`) answers each one with "listen", so they reach the
coordinator's transcript and nobody but the coordinator replies. Safety still
comes first: a red flag is answered at once, and the coordinators' own
signals (EXTERNAL_ intents) always run.
"""
from __future__ import annotations

from typing import Optional

SLOT_HANDOFF_ACTIVE = "handoff_active"
# Red flags are answered even while a coordinator has the conversation.
ALWAYS_ANSWERED = frozenset({"emergency", "self_harm", "red_flag_unclear", "red_flag_now", "red_flag_not_now"})
EXTERNAL_PREFIX = "EXTERNAL_"


def assistant_stays_quiet(handoff_active: Optional[bool], latest_intent: Optional[str],
                          just_heard_patient: bool) -> bool:
    """True when the next step must be to listen again: a coordinator answers this patient.

    `just_heard_patient`: the patient's message is the newest thing in the
    conversation (no action has run since).
    """
    if handoff_active is not True or not just_heard_patient:
        return False
    intent = latest_intent or ""
    return intent not in ALWAYS_ANSWERED and not intent.startswith(EXTERNAL_PREFIX)


def patient_text(text: Optional[str]) -> Optional[str]:
    """A patient's message, unable to pass itself off as one of the console's signals.

    Rasa reads "/intent" as that intent; "/EXTERNAL_handoff_closed" typed by a
    patient must stay plain text, so the leading slash goes.
    """
    if text and text.lstrip().upper().startswith("/" + EXTERNAL_PREFIX):
        return text.lstrip()[1:]
    return text
