"""What the messaging-app channels share (Telegram, WhatsApp, Messenger).

Each is on when its settings are set (`bot/messaging/settings.py`); when off,
its webhook answers 503 with a JSON reason and nothing calls the app. Posts
that are not signed by the app are refused with 403 before Rasa sees them. A
reply of "2" is read as the second numbered choice the patient was shown,
looked up in the conversation's stored events.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional, Sequence

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.quiet import patient_text
from bot.messaging.choices import Choice, choice_number, last_bot_choices, resolve_reply
from bot.messaging.settings import AppSettings

logger = logging.getLogger(__name__)

# Timeout of every call to an app's API, in seconds.
REQUEST_TIMEOUT_SECONDS = 15

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def refusal(status: int, channel: str, message: str, **details: Any) -> HTTPResponse:
    """A JSON refusal that says what is wrong."""
    return response.json({"error": message, "channel": channel, **details}, status=status)


def not_configured_blueprint(channel: str, settings: AppSettings) -> Blueprint:
    """The routes of a channel that is off: every call gets 503 and the reason."""
    if settings.untouched:
        logger.info("%s is off: its settings are not set (docs/messaging-apps.md).", settings.app)
    else:
        logger.warning("%s is off: %s.", settings.app, "; ".join(settings.problems()))
    blueprint = Blueprint(f"{channel}_not_configured", __name__)

    async def not_configured(_request: Request) -> HTTPResponse:
        return refusal(503, channel, f"{settings.app} is not configured on this server",
                       problems=settings.problems())

    for path, name in (("/", "root"), ("/webhook", "webhook")):
        blueprint.add_route(not_configured, path, methods=["GET", "POST"], name=f"{channel}_off_{name}")
    return blueprint


def refuse_unsigned_posts(
    blueprint: Blueprint, channel: str, authentic: Callable[[Request], bool], proof: str
) -> None:
    """Answer 403 to every POST on the blueprint that `authentic` rejects."""

    async def check(request: Request) -> Optional[HTTPResponse]:
        if request.method == "POST" and not authentic(request):
            logger.warning("%s: refused a POST from %s without a valid %s.", channel, request.ip, proof)
            return refusal(403, channel, f"missing or invalid {proof}")
        return None

    blueprint.middleware(check, "request")


class NumberedReplies:
    """Reads a reply of "2" as the second choice of the assistant's last message.

    Only where that message's choices were shown as numbers (`shown_as_numbers`);
    the choices come from the tracker store, so this survives a restart.
    """

    def __init__(self, shown_as_numbers: Callable[[Sequence[Choice]], bool]) -> None:
        self._shown_as_numbers = shown_as_numbers
        self._app: Optional[Sanic] = None

    def attach(self, blueprint: Blueprint) -> None:
        """Remember the Rasa app the blueprint serves, for its tracker store."""

        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        blueprint.listener(remember_app, "before_server_start")

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        """`on_new_message`, with a chosen number replaced by the choice's payload."""

        async def handle(message: UserMessage) -> Any:
            message.text = patient_text(await self.understood(message.sender_id, message.text))
            return await on_new_message(message)

        return handle

    async def understood(self, sender_id: str, text: Optional[str]) -> Optional[str]:
        """The payload a numbered reply chooses, or the text as it was."""
        if choice_number(text) is None:
            return text
        choices = await self._pending_choices(sender_id)
        if not choices or not self._shown_as_numbers(choices):
            return text
        understood = resolve_reply(text, choices)
        logger.debug("Reply %r from %s read as %r.", text, sender_id, understood)
        return understood

    async def _pending_choices(self, sender_id: str) -> list[Choice]:
        tracker = await self._app.ctx.agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return []
        return last_bot_choices(event.as_dict() for event in reversed(tracker.events))
