"""A conversation's history as the chat widget shows it, from Rasa tracker events.

The widget renders the same shapes live (socket.io ``bot_uttered``) and from
here after a reload, so both paths must agree: a bot text is split on blank
lines into bubbles, quick replies hang on the last bubble, and they are offered
only while they are the conversation's last word. A button press is stored by
Rasa as its payload (``/inform{"stage":"IIIB"}``); the patient saw and pressed
a title, so the history shows the title.
"""
from __future__ import annotations

from typing import Any, Iterable

# Payloads the widget sends on its own (never typed by the patient): not shown.
SILENT_PAYLOADS = frozenset({"/greet", "/session_start"})


def _bubbles(text: str) -> list[str]:
    parts = [part for part in text.strip().split("\n\n") if part.strip()]
    return parts or [text.strip()]


def _is_console_signal(event: dict) -> bool:
    """The console's trigger_intent events (EXTERNAL_...) are stored as user events; no one said them."""
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    return bool((event.get("metadata") or {}).get("is_external")) or intent.startswith("EXTERNAL_")


def _shown_user_text(text: str, offered: list[dict]) -> str | None:
    """What the patient saw themselves say: a button's title, or their own words."""
    for button in offered:
        if button.get("payload") == text:
            return str(button.get("title") or text)
    if text in SILENT_PAYLOADS:
        return None
    return text


def _sender(event: dict) -> str:
    """Who wrote a bot event: the assistant, or a coordinator (metadata.sender)."""
    metadata = event.get("metadata") or {}
    return "coordinator" if metadata.get("sender") == "coordinator" else "assistant"


def transcript(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages in order: ``{role, text, ts, quick_replies?, client_id?}``.

    ``role`` is ``user``, ``assistant`` or ``coordinator``. Quick replies stay
    on the bubble they came with until the patient next says something; after
    that they are spent and no longer offered.
    """
    messages: list[dict[str, Any]] = []
    offered: list[dict] = []
    offered_at: int | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user" and _is_console_signal(event):
            continue
        if kind == "user":
            shown = _shown_user_text(str(event.get("text") or ""), offered)
            offered, offered_at = [], None
            if shown is None:
                continue
            message = {"role": "user", "text": shown, "ts": event.get("timestamp")}
            client_id = (event.get("metadata") or {}).get("client_id")
            if isinstance(client_id, str):
                message["client_id"] = client_id
            messages.append(message)
        elif kind == "bot" and (event.get("text") or "").strip():
            role = _sender(event)
            for part in _bubbles(event["text"]):
                message = {"role": role, "text": part, "ts": event.get("timestamp")}
                if role == "coordinator":
                    message["name"] = str((event.get("metadata") or {}).get("name") or "")
                messages.append(message)
            buttons = list((event.get("data") or {}).get("buttons") or [])
            if buttons:
                offered, offered_at = buttons, len(messages) - 1
    if offered_at is not None:
        messages[offered_at]["quick_replies"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in offered
        ]
    return messages
