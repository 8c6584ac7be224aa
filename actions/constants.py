"""Names of actions, slots and responses that Python code refers to."""

ACTION_ANSWER_FAQ = "action_answer_faq"
ACTION_HANDOFF = "action_handoff"
ACTION_NOT_UNDERSTOOD = "action_not_understood"
ACTION_COORDINATOR_JOINED = "action_coordinator_joined"
ACTION_COORDINATOR_LEFT = "action_coordinator_left"

RETRIEVAL_INTENT = "faq"
UTTER_HANDOFF_DONE = "utter_handoff_done"
UTTER_HANDOFF_ALREADY = "utter_handoff_already"
UTTER_HANDOFF_URGENT = "utter_handoff_urgent"
UTTER_HANDOFF_NOT_UNDERSTOOD = "utter_handoff_not_understood"
UTTER_HANDOFF_SAVED = "utter_handoff_saved"
UTTER_HANDOFF_FAILED = "utter_handoff_failed"
UTTER_COORDINATOR_JOINED = "utter_coordinator_joined"
UTTER_COORDINATOR_LEFT = "utter_coordinator_left"
UTTER_NEXT_STEPS = "utter_next_steps"
UTTER_NOT_SURE = "utter_not_sure"
UTTER_ASK_WHICH = "utter_ask_which"
UTTER_ASK_WHICH_ONE = "utter_ask_which_one"
ASK_ANOTHER = "ask_another"

FORM_INTAKE = "intake_form"
ACTION_VALIDATE_INTAKE = "validate_intake_form"
ACTION_ASK_CONFIRMED = "action_ask_confirmed"
ACTION_INTAKE_RESULT = "action_intake_result"
ACTION_STOP_INTAKE = "action_stop_intake"

SLOT_REQUESTED = "requested_slot"
SLOT_RETRIES = "intake_retries"
SLOT_CORRECTING = "intake_correcting"

UTTER_INTAKE_SUMMARY = "utter_intake_summary"
UTTER_INTAKE_RESULT = "utter_intake_result"
UTTER_INTAKE_NEXT_STEPS = "utter_intake_next_steps"
UTTER_INTAKE_NOT_SAVED = "utter_intake_not_saved"
UTTER_INTAKE_STOPPED = "utter_intake_stopped"
UTTER_CONSENT_DECLINED = "utter_consent_declined"
UTTER_WHAT_TO_CHANGE = "utter_what_to_change"
UTTER_CHANGE_NOT_UNDERSTOOD = "utter_change_not_understood"
UTTER_REASK_OFFER = "utter_reask_offer"
UTTER_REASK_OFFER_YES_NO = "utter_reask_offer_yes_no"
SLOT_REASKED = "intake_reasked"
# Questions answered with yes or no: never skipped.
YES_NO_FIELDS = frozenset({"consent", "confirmed"})
# The responses that ask each yes/no question (the question, its re-asks).
YES_NO_QUESTIONS = {
    "consent": frozenset({"utter_ask_consent", "utter_invalid_consent", "utter_reask_offer_yes_no"}),
    "confirmed": frozenset({"utter_intake_summary", "utter_invalid_confirmed", "utter_reask_offer_yes_no",
                           "utter_what_to_change", "utter_change_not_understood"}),
}
# Where a question's buttons are, when not in utter_ask_<field>.
QUESTION_RESPONSE = {"confirmed": "utter_intake_summary"}
UTTER_INVALID_PREFIX = "utter_invalid_"

# Re-ask this many times, then offer to skip or talk to a coordinator.
MAX_FAILED_ANSWERS = 2

# Red flags (actions/safety.py, components/red_flags.py).
ACTION_RED_FLAG = "action_red_flag"
ACTION_ASK_HAPPENING_NOW = "action_ask_happening_now"
ACTION_RED_FLAG_NOT_NOW = "action_red_flag_not_now"
ACTION_RED_FLAG_NO_ANSWER = "action_red_flag_no_answer"
SLOT_RED_FLAG = "red_flag"
SLOT_RED_FLAG_PENDING = "red_flag_pending"
RED_FLAG_RESPONSE_PREFIX = "utter_red_flag_"
UTTER_EMERGENCY = "utter_emergency"
UTTER_SELF_HARM = "utter_self_harm"
UTTER_ASK_HAPPENING_NOW = "utter_ask_happening_now"
UTTER_RED_FLAG_NOT_NOW = "utter_red_flag_not_now"
UTTER_RED_FLAG_NO_ANSWER = "utter_red_flag_no_answer"
INTENT_RED_FLAG_NO_ANSWER = "EXTERNAL_red_flag_no_answer"
