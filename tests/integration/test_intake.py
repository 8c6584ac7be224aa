"""A whole intake through the running REST channel, ending in the database."""
import json
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import response_texts

pytestmark = pytest.mark.servers


def texts(replies):
    return [reply.get("text") or "" for reply in replies]


def test_free_text_intake_ends_with_the_result_in_the_database(assistant):
    sender = f"intake-{uuid.uuid4().hex[:10]}"
    say = lambda message: texts(assistant.say(sender, message))  # noqa: E731

    # Details given before the intake are used after consent, not stored before it.
    # The intake is offered with one tap: thanks and an offer, or its consent question.
    offer = say("my dad has stage 3b squamous lung cancer, he is on chemo and radiation together")
    assert offer[0] in response_texts("utter_offer_intake") + response_texts("utter_ask_consent")
    # Asking to check the case while the consent question is open carries on with it.
    assert say("could cik fit his case?")[-1] in response_texts("utter_ask_consent")
    engine = create_engine(assistant.database_url)
    with engine.connect() as db:
        assert db.execute(text("select count(*) from intake where conversation_id = :c"),
                          {"c": sender}).scalar() == 0

    assert "patient" in say("yes, I agree")[0]                    # who is answering?
    replies = say("I'm asking for my father")
    # diagnosis, histology, stage and setting were understood from the first message
    assert replies[-1] in response_texts("utter_ask_egfr")
    assert say("egfr negative")[-1] in response_texts("utter_ask_alk")
    assert say("no idea")[-1] in response_texts("utter_ask_pdl1")
    assert say("TPS 60%")[-1] in response_texts("utter_ask_ecog")
    replies = say("he is up and about more than half the day but can't work")
    assert replies[-1] in response_texts("utter_ask_age")
    replies = say("two hundred")                                   # bad age: one clear re-ask
    assert len(replies) == 1 and replies[0] in response_texts("utter_invalid_age")
    assert say("he's 67")[-1] in response_texts("utter_ask_country")
    assert say("Kenya")[-1] in response_texts("utter_ask_contact_name")
    assert say("Amina Otieno")[-1] in response_texts("utter_ask_contact_email")
    replies = say("amina at example dot com")                      # no @: re-ask
    assert replies[0] in response_texts("utter_invalid_contact_email")
    assert say("amina.otieno@example.com")[-1] in response_texts("utter_ask_contact_phone")
    summary = say("+254 700 000 000")[-1]
    assert "Stage: IIIB" in summary and "squamous" in summary and "ECOG 2" in summary

    result = say("yes that's right")
    assert "strong evidence" in result[0]
    assert "only the treating centre decides" in result[0]
    assert "eligible" not in " ".join(result).lower()

    with engine.connect() as db:
        row = db.execute(text("select * from intake where conversation_id = :c"),
                         {"c": sender}).mappings().one()
    assert row["consent"] and row["consent_text_version"]
    assert (row["diagnosis"], row["histology"], row["stage"]) == ("nsclc", "squamous", "IIIB")
    assert json.loads(row["setting"]) == ["concurrent_chemoradiotherapy"]  # a list (contract section 1)
    assert (row["egfr"], row["ecog"], row["age"], row["respondent"]) == ("negative", 2, 67, "caregiver")
    assert row["contact_email"] == "amina.otieno@example.com"
    assert row["tier"] == "strong_evidence" and row["status"] == "completed"


def start_intake(assistant, consent: str = "/affirm") -> str:
    """A new conversation that has started the intake and answered consent."""
    sender = f"intake-{uuid.uuid4().hex[:10]}"
    assistant.say(sender, "/check_eligibility")
    assistant.say(sender, consent)
    return sender


def test_declining_consent_stores_nothing(assistant):
    sender = f"intake-{uuid.uuid4().hex[:10]}"
    assistant.say(sender, "/check_eligibility")
    replies = texts(assistant.say(sender, "/deny"))
    assert replies[0] == response_texts("utter_consent_declined")[0]
    with create_engine(assistant.database_url).connect() as db:
        assert db.execute(text("select count(*) from intake where conversation_id = :c"),
                          {"c": sender}).scalar() == 0


def test_stop_leaves_cleanly_and_says_what_was_kept(assistant):
    sender = start_intake(assistant)
    assistant.say(sender, "/respondent_patient")
    replies = texts(assistant.say(sender, "stop"))
    assert replies[0] == response_texts("utter_intake_stopped")[0]
    # the assistant answers questions again
    assert texts(assistant.say(sender, "what is cik therapy?"))[0] in response_texts("utter_faq/what_is_cik")


def test_a_question_mid_intake_is_answered_and_the_intake_goes_on(assistant):
    sender = start_intake(assistant)
    assistant.say(sender, "/respondent_patient")
    replies = texts(assistant.say(sender, "wait, how many cycles of cik are usually needed?"))
    assert replies[0] in response_texts("utter_faq/infusions_cycles")
    assert replies[-1] in response_texts("utter_ask_diagnosis")


def test_red_flag_interrupts_the_intake(assistant):
    sender = start_intake(assistant)
    replies = texts(assistant.say(sender, "he can't breathe"))
    assert replies[0] == response_texts("utter_red_flag_breathlessness")[0], "the emergency answer comes first"
    assert replies[-1] == response_texts("utter_handoff_urgent")[0], "then the team is alerted"
    assert not any(reply in response_texts("utter_ask_diagnosis") for reply in replies)
