"""Telegram end to end: Bot API updates in, Bot API calls out."""
from __future__ import annotations

import json

import pytest

from tests.channels.webhooks import (
    first_paragraphs,
    telegram_button_press,
    telegram_message,
    unique_digits,
    user_texts,
)
from tests.fakes import PUBLIC_URL, TELEGRAM_SECRET_TOKEN, TELEGRAM_TOKEN
from tests.helpers import http, response_texts

pytestmark = pytest.mark.servers

SEND_MESSAGE = f"/bot{TELEGRAM_TOKEN}/sendMessage"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def new_chat() -> int:
    return int(unique_digits(10))


def to(chat_id: int):
    """Selects the sendMessage calls to this chat."""
    return lambda call: call.path == SEND_MESSAGE and call.form.get("chat_id") == str(chat_id)


def post_update(assistant, update: dict, secret: str | None = TELEGRAM_SECRET_TOKEN) -> tuple[int, object]:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return http("POST", f"{assistant.rasa_url}/webhooks/telegram/webhook", update, headers)


def exchange(assistant, telegram, chat_id: int, update: dict) -> list[dict]:
    """Post an update; the messages (text, reply_markup) the assistant sent to the chat."""
    mark = telegram.mark()
    status, body = post_update(assistant, update)
    assert status == 200, f"Telegram webhook answered {status}: {body}"
    telegram.wait_for(to(chat_id), mark)
    return [call.form for call in telegram.calls(to(chat_id), mark)]


def keyboard(message: dict) -> list[list[dict]]:
    return json.loads(message["reply_markup"])["inline_keyboard"]


def test_the_webhook_is_registered_at_start_with_the_secret_token(assistant, fake_apis):
    call = fake_apis.telegram.wait_for(lambda call: call.path == f"/bot{TELEGRAM_TOKEN}/setWebhook")
    assert call.form == {"url": f"{PUBLIC_URL}/webhooks/telegram/webhook",
                         "secret_token": TELEGRAM_SECRET_TOKEN}


def test_a_question_gets_its_answer_and_next_steps_as_buttons(assistant, fake_apis):
    chat = new_chat()
    sent = exchange(assistant, fake_apis.telegram, chat,
                    telegram_message(chat, "what is the price of cik therapy"))
    assert sent[0]["text"] in first_paragraphs("utter_faq/cost"), sent
    rows = keyboard(sent[-1])
    assert all(len(row) == 1 for row in rows), "one button per row"
    assert [row[0]["callback_data"] for row in rows] == [
        "/check_eligibility", "/human_handoff", "/ask_another"]
    assert [row[0]["text"] for row in rows] == [
        "Could CIK fit my case?", "Talk to a coordinator", "Ask another question"]


def test_pressing_a_button_answers_as_the_button_says(assistant, fake_apis):
    chat = new_chat()
    sent = exchange(assistant, fake_apis.telegram, chat,
                    telegram_button_press(chat, "/check_eligibility"))
    assert sent[-1]["text"] == response_texts("utter_ask_consent")[0]
    assert [row[0]["callback_data"] for row in keyboard(sent[-1])] == ["/affirm", "/deny"]


@pytest.mark.parametrize("secret", [None, "not-the-secret"], ids=["missing", "wrong"])
def test_an_update_without_the_secret_token_is_refused(assistant, fake_apis, secret):
    chat = new_chat()
    mark = fake_apis.telegram.mark()
    status, body = post_update(assistant, telegram_message(chat, "hello"), secret)
    assert status == 403, body
    assert "X-Telegram-Bot-Api-Secret-Token" in body["error"]
    assert user_texts(assistant, str(chat)) == [], "a refused update reached the assistant"
    assert fake_apis.telegram.calls(to(chat), mark) == []
