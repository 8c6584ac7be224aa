"""Buttons as numbered choices, and a reply of "2" read as the second button.

WhatsApp (through Twilio) cannot show buttons, and Messenger and Telegram
cannot show some: the text then ends with "1. Yes, I agree / 2. No, thanks /
Reply with a number.", and a reply that is just a number is read as the
payload of that button. The numbers always refer to the buttons of the
assistant's last message in the conversation, found in its stored events, so
an old or out-of-range number is left as the patient wrote it.

A button (or quick reply) is a mapping with "title" and "payload", as Rasa
stores them; events are mappings as Rasa's `Event.as_dict()` gives them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

import yaml

Choice = Mapping[str, str]

CHOICES_FILE = Path(__file__).with_name("choices.yml")
# Telegram refuses a message whose inline button carries more than 64 bytes of data.
TELEGRAM_CALLBACK_DATA_BYTES = 64
# Messenger shows at most 13 quick replies and cuts titles after 20 characters.
MESSENGER_QUICK_REPLIES = 13
MESSENGER_TITLE_CHARS = 20

# "2", "2.", " 2 ", "2)", "#2", "option 2", "no. 2", "2️⃣"
_NUMBER_REPLY = re.compile(
    r"^\s*(?:(?:option|choice|number|no\.?|nr\.?|#)\s*)?(\d{1,2})\s*(?:\ufe0f?\u20e3)?\s*[.)]?\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _wording() -> dict:
    return yaml.safe_load(CHOICES_FILE.read_text(encoding="utf-8"))


def numbered_text(text: str, choices: Sequence[Choice]) -> str:
    """The message text followed by one numbered line per choice and the prompt."""
    lines = [f"{number}. {choice['title']}" for number, choice in enumerate(choices, start=1)]
    listing = "\n".join([*lines, _wording()["prompt"]])
    return f"{text.rstrip()}\n\n{listing}" if text and text.strip() else listing


def choice_number(reply: Optional[str]) -> Optional[int]:
    """The number a reply consists of ("2", "2.", "option 2"), or None."""
    match = _NUMBER_REPLY.match(reply or "")
    return int(match.group(1)) if match else None


def resolve_reply(reply: str, choices: Sequence[Choice]) -> str:
    """The payload of the chosen button, or the reply unchanged if it chooses none."""
    number = choice_number(reply)
    if number is None or not 1 <= number <= len(choices):
        return reply
    return choices[number - 1]["payload"]


def last_bot_choices(events_newest_first: Iterable[Mapping]) -> list[Choice]:
    """The buttons of the assistant's last message, if the patient has not written since.

    Only the very last message counts: a later message without buttons (a
    coordinator's note, say) means no choice is pending any more.
    """
    for event in events_newest_first:
        kind = event.get("event")
        if kind == "user":
            return []
        if kind == "bot":
            data = event.get("data") or {}
            return list(data.get("buttons") or data.get("quick_replies") or [])
    return []


def telegram_shows_buttons(choices: Sequence[Choice]) -> bool:
    """Whether Telegram can carry every payload as inline-button data."""
    return all(
        len(choice["payload"].encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_BYTES for choice in choices
    )


def messenger_shows_titles(choices: Sequence[Choice]) -> bool:
    """Whether Messenger can show the choices as quick replies with their own titles."""
    return len(choices) <= MESSENGER_QUICK_REPLIES and all(
        len(choice["title"]) <= MESSENGER_TITLE_CHARS for choice in choices
    )
