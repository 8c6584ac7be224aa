"""Facebook Messenger end to end: signed page webhooks in, Send API calls out."""
from __future__ import annotations

import hashlib
import hmac
import urllib.parse

import pytest

from tests.channels.webhooks import (
    first_paragraphs,
    get,
    messenger_event,
    meta_signature,
    post,
    unique_digits,
    user_texts,
)
from tests.fakes import FACEBOOK_APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN, FACEBOOK_VERIFY_TOKEN
from tests.helpers import response_texts

pytestmark = pytest.mark.servers

NEXT_STEPS = "1. Could CIK fit my case?\n2. Talk to a coordinator\n3. Ask another question"


def new_psid() -> str:
    return unique_digits(16)


def messages_to(psid: str):
    """Selects the Send API calls that carry a message (not a typing action) to this person."""
    return lambda call: (call.path.endswith("/me/messages") and "message" in call.json
                         and call.json["recipient"]["id"] == psid)


def deliver(assistant, body: bytes, headers: dict) -> tuple[int, str]:
    return post(f"{assistant.rasa_url}/webhooks/facebook/webhook", body, "application/json", headers)


def exchange(assistant, graph, psid: str, text: str, quick_reply: str | None = None,
             algorithm: str = "sha256") -> list[dict]:
    """Deliver a signed message; the messages the assistant sent back."""
    body = messenger_event(psid, text, quick_reply)
    header = "X-Hub-Signature-256" if algorithm == "sha256" else "X-Hub-Signature"
    mark = graph.mark()
    status, answer = deliver(assistant, body, {header: meta_signature(body, algorithm)})
    assert status == 200, f"Messenger webhook answered {status}: {answer}"
    graph.wait_for(messages_to(psid), mark)
    return [call.json["message"] for call in graph.calls(messages_to(psid), mark)]


def verify(assistant, token: str) -> tuple[int, str]:
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": token,
                                    "hub.challenge": "1158201444"})
    return get(f"{assistant.rasa_url}/webhooks/facebook/webhook?{query}")


def test_the_subscription_check_echoes_the_challenge_for_the_right_token(assistant):
    assert verify(assistant, FACEBOOK_VERIFY_TOKEN) == (200, "1158201444")
    status, body = verify(assistant, "guess")
    assert status == 403 and "1158201444" not in body


def test_a_question_gets_its_answer_and_numbered_quick_replies(assistant, fake_apis):
    psid = new_psid()
    sent = exchange(assistant, fake_apis.graph, psid, "what is the price of cik therapy")
    assert sent[0]["text"] in first_paragraphs("utter_faq/cost"), sent
    # "Could CIK fit my case?" is longer than Messenger's 20-character titles.
    assert sent[-1]["text"].endswith(NEXT_STEPS + "\nReply with a number.")
    assert [(reply["title"], reply["payload"]) for reply in sent[-1]["quick_replies"]] == [
        ("1", "/check_eligibility"), ("2", "/human_handoff"), ("3", "/ask_another")]
    proof = hmac.new(FACEBOOK_APP_SECRET.encode(), FACEBOOK_PAGE_ACCESS_TOKEN.encode(),
                     hashlib.sha256).hexdigest()
    sends = fake_apis.graph.calls(messages_to(psid))
    assert all(call.query == {"access_token": [FACEBOOK_PAGE_ACCESS_TOKEN],
                              "appsecret_proof": [proof]} for call in sends)
    actions = [call.json["sender_action"] for call in fake_apis.graph.calls(
        lambda call: call.json.get("recipient", {}).get("id") == psid and "sender_action" in call.json)]
    assert actions == ["mark_seen", "typing_on", "typing_off"]


def test_a_typed_number_chooses_from_the_numbered_quick_replies(assistant, fake_apis):
    psid = new_psid()
    exchange(assistant, fake_apis.graph, psid, "what is the price of cik therapy")
    sent = exchange(assistant, fake_apis.graph, psid, "1")
    assert user_texts(assistant, psid)[-1] == "/check_eligibility"
    assert sent[-1]["text"] == response_texts("utter_ask_consent")[0]


def test_short_choices_keep_their_titles_and_a_tap_sends_the_payload(assistant, fake_apis):
    psid = new_psid()
    sent = exchange(assistant, fake_apis.graph, psid, "Could CIK fit my case?",
                    quick_reply="/check_eligibility", algorithm="sha1")
    assert sent[-1]["text"] == response_texts("utter_ask_consent")[0]
    assert [(reply["title"], reply["payload"]) for reply in sent[-1]["quick_replies"]] == [
        ("Yes, I agree", "/affirm"), ("No, thanks", "/deny")]
    assert user_texts(assistant, psid) == ["/check_eligibility"]


@pytest.mark.parametrize("header", ["X-Hub-Signature-256", "X-Hub-Signature", None])
def test_a_post_without_a_valid_signature_is_refused(assistant, fake_apis, header):
    psid = new_psid()
    body = messenger_event(psid, "what is the price of cik therapy")
    forged = meta_signature(body, "sha256" if header != "X-Hub-Signature" else "sha1",
                            secret="not-the-app-secret")
    mark = fake_apis.graph.mark()
    status, answer = deliver(assistant, body, {header: forged} if header else {})
    assert status == 403, answer
    assert user_texts(assistant, psid) == [], "a refused post reached the assistant"
    assert fake_apis.graph.calls(lambda call: psid in call.body.decode(), mark) == []
