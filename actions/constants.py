"""Names of actions, slots and responses that Python code refers to."""

ACTION_CONTACT_TEAM = "action_contact_team"
ACTION_ANSWER_FAQ = "action_answer_faq"

SLOT_CIK_CONTEXT = "cik_context"

RETRIEVAL_INTENT = "faq"
UTTER_CONTACT_TEAM = "utter_contact_team"
UTTER_NEXT_STEPS = "utter_next_steps"
UTTER_NOT_SURE = "utter_not_sure"
