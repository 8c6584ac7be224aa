"""Incoming messages shaped as each app sends them, and a look into the assistant's trackers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Optional

from tests.fakes import FACEBOOK_APP_SECRET, TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL
from tests.helpers import http, response_texts


def post(url: str, body: bytes, content_type: str, headers: Optional[dict] = None) -> tuple[int, str]:
    """POST raw bytes; the status and the body as text."""
    return _send(urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type, **(headers or {})}))


def get(url: str) -> tuple[int, str]:
    """GET; the status and the body as text."""
    return _send(urllib.request.Request(url))


def _send(request: urllib.request.Request) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def unique_digits(count: int) -> str:
    return str(uuid.uuid4().int)[:count]


# Telegram: updates as the Bot API posts them.
def telegram_message(chat_id: int, text: str) -> dict:
    person = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
    return {"update_id": int(unique_digits(9)), "message": {
        "message_id": int(unique_digits(6)), "date": int(time.time()), "from": person,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ana"}, "text": text}}


def telegram_button_press(chat_id: int, data: str) -> dict:
    person = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
    return {"update_id": int(unique_digits(9)), "callback_query": {
        "id": unique_digits(12), "from": person, "chat_instance": unique_digits(12), "data": data,
        "message": {"message_id": int(unique_digits(6)), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "text": "(an earlier question)"}}}


# Twilio: a WhatsApp message as a signed form post.
def twilio_form(sender: str, text: str) -> dict[str, str]:
    return {"SmsMessageSid": "SM" + uuid.uuid4().hex, "NumMedia": "0", "ProfileName": "Ana",
            "WaId": sender.removeprefix("whatsapp:+"), "Body": text, "To": "whatsapp:+14155238886",
            "From": sender, "AccountSid": "AC" + uuid.uuid4().hex, "ApiVersion": "2010-04-01"}


def twilio_signature(form: dict[str, str], url: str = TWILIO_WEBHOOK_URL,
                     auth_token: str = TWILIO_AUTH_TOKEN) -> str:
    """What Twilio puts in X-Twilio-Signature: HMAC-SHA1 of the URL and the sorted fields."""
    signed = url + "".join(name + form[name] for name in sorted(form))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Messenger: a page webhook batch, signed with the app secret.
def messenger_event(psid: str, text: str, quick_reply: Optional[str] = None) -> bytes:
    message = {"mid": "m_" + uuid.uuid4().hex, "text": text}
    if quick_reply:
        message["quick_reply"] = {"payload": quick_reply}
    now = int(time.time() * 1000)
    return json.dumps({"object": "page", "entry": [{"id": "1234", "time": now, "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "1234"}, "timestamp": now, "message": message}]}]}
    ).encode()


def meta_signature(body: bytes, algorithm: str = "sha256", secret: str = FACEBOOK_APP_SECRET) -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


# What the assistant recorded and said.
def conversation_url(assistant, sender: str) -> str:
    """Rasa's HTTP API does not percent-decode conversation ids: "whatsapp:+1..." goes in raw."""
    return f"{assistant.rasa_url}/conversations/{urllib.parse.quote(sender, safe=':+')}"


def user_texts(assistant, sender: str) -> list[str]:
    """The texts of the patient's messages as the assistant understood them (tracker)."""
    status, tracker = http("GET", f"{conversation_url(assistant, sender)}/tracker"
                                  f"?token={assistant.token}")
    assert status == 200, f"tracker of {sender}: {status} {tracker}"
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def first_paragraphs(response: str) -> set[str]:
    """The first paragraph of each variant: the apps send a text's paragraphs one by one."""
    return {text.strip().split("\n\n")[0] for text in response_texts(response)}
