"""WhatsApp through Twilio, end to end: signed form posts in, Twilio API calls out."""
from __future__ import annotations

import urllib.parse

import pytest

from tests.channels.webhooks import (
    conversation_url,
    first_paragraphs,
    post,
    twilio_form,
    twilio_signature,
    unique_digits,
    user_texts,
)
from tests.fakes import TWILIO_ACCOUNT_SID, TWILIO_WHATSAPP_NUMBER
from tests.helpers import http, response_texts

pytestmark = pytest.mark.servers

MESSAGES_PATH = f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
CONSENT_CHOICES = "\n\n1. Yes, I agree\n2. No, thanks\nReply with a number."


def new_number() -> str:
    return f"whatsapp:+1555{unique_digits(7)}"


def send(assistant, sender: str, text: str, signature: str | None = None) -> int:
    """Post a WhatsApp message as Twilio does, signed unless another signature is given."""
    form = twilio_form(sender, text)
    headers = {"X-Twilio-Signature": twilio_signature(form) if signature is None else signature}
    status, body = post(f"{assistant.rasa_url}/webhooks/twilio/webhook",
                        urllib.parse.urlencode(form).encode(),
                        "application/x-www-form-urlencoded", headers)
    assert status in (204, 403), f"Twilio webhook answered {status}: {body}"
    return status


def to(number: str):
    """Selects the Twilio API calls that send a message to this WhatsApp number."""
    return lambda call: call.path == MESSAGES_PATH and call.form.get("To") == number


def bodies_to(twilio, number: str, after: int = 0) -> list[str]:
    """What the assistant sent to this WhatsApp number through the Twilio API, in order."""
    calls = twilio.calls(to(number), after)
    for call in calls:
        assert call.form["From"] == TWILIO_WHATSAPP_NUMBER
    return [call.form["Body"] for call in calls]


def say(assistant, twilio, number: str, text: str) -> list[str]:
    """Send a message; the messages the assistant sent back."""
    mark = twilio.mark()
    assert send(assistant, number, text) == 204
    twilio.wait_for(to(number), mark)
    return bodies_to(twilio, number, mark)


def test_a_question_gets_its_answer_and_numbered_next_steps(assistant, fake_apis):
    number = new_number()
    sent = say(assistant, fake_apis.twilio, number, "what is the price of cik therapy")
    assert sent[0] in first_paragraphs("utter_faq/cost"), sent
    assert sent[-1].endswith("1. Could CIK fit my case?\n2. Talk to a coordinator\n"
                             "3. Ask another question\nReply with a number."), sent[-1]
    assert not any("/check_eligibility" in body or "/human_handoff" in body for body in sent)


def test_consent_buttons_are_numbered_and_1_agrees(assistant, fake_apis):
    number = new_number()
    consent = say(assistant, fake_apis.twilio, number, "could CIK fit my case?")
    assert len(consent) == 1, "the question and its choices must be one message"
    assert consent[0] == response_texts("utter_ask_consent")[0] + CONSENT_CHOICES

    after = say(assistant, fake_apis.twilio, number, " 1 ")
    assert user_texts(assistant, number)[-1] == "/affirm"
    assert any(after[-1].startswith(text) for text in response_texts("utter_ask_respondent")), after
    assert after[-1].endswith("\n\n1. I'm the patient\n2. I'm asking for someone else\n"
                              "Reply with a number.")


def test_a_number_that_chooses_nothing_stays_as_written(assistant, fake_apis):
    number = new_number()
    say(assistant, fake_apis.twilio, number, "7")                       # nothing to choose from
    say(assistant, fake_apis.twilio, number, "could CIK fit my case?")  # two choices
    say(assistant, fake_apis.twilio, number, "3.")                      # out of range
    texts = user_texts(assistant, number)
    assert texts[0] == "7" and texts[-1] == "3."


def test_an_emergency_gets_the_emergency_answer_first(assistant, fake_apis):
    number = new_number()
    sent = say(assistant, fake_apis.twilio, number, "I'm coughing up blood")
    assert sent[0] == response_texts("utter_red_flag_bleeding")[0]


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"], ids=["missing", "wrong"])
def test_a_post_without_a_valid_signature_is_refused(assistant, fake_apis, signature):
    number = new_number()
    assert send(assistant, number, "what is the price of cik therapy", signature) == 403
    assert user_texts(assistant, number) == [], "an unsigned message reached the assistant"
    assert bodies_to(fake_apis.twilio, number) == []


def test_a_coordinator_message_reaches_the_patient_through_the_http_api(assistant, fake_apis):
    number = new_number()
    say(assistant, fake_apis.twilio, number, "hello")
    note = "Hello, this is Anna from the CancerFax team. I will call you tomorrow at 10."
    status, body = http(
        "POST",
        f"{conversation_url(assistant, number)}/tracker/events"
        f"?output_channel=latest&execute_side_effects=true&token={assistant.token}",
        {"event": "bot", "text": note},
    )
    assert status == 200, body
    fake_apis.twilio.wait_for(lambda call: to(number)(call) and call.form["Body"] == note)
