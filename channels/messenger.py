"""Facebook Messenger through Rasa's connector, switched on by the FACEBOOK_* settings.

What differs from Rasa's `FacebookInput`: the settings come from the
environment; a post without a valid signature (X-Hub-Signature-256, or the
older X-Hub-Signature) and a wrong verify token get 403 instead of a 200 that
hides the problem; every event of a batch is handled (Rasa's stops after the
first); buttons become quick replies, numbered in the text when their titles
are too long for Messenger (20 characters), and a typed "2" is then read as
the second choice.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.messaging.choices import MESSENGER_QUICK_REPLIES, messenger_shows_titles, numbered_text
from bot.messaging.settings import MessengerSettings
from bot.messaging.signatures import meta_signature_valid, same_secret
from channels.messaging import (
    NumberedReplies,
    OnNewMessage,
    not_configured_blueprint,
    refusal,
    refuse_unsigned_posts,
)

logger = logging.getLogger(__name__)


class MessengerOutput(MessengerBot):
    """Rasa's Messenger output, on FACEBOOK_GRAPH_URL, with buttons as quick replies."""

    def __init__(self, settings: MessengerSettings) -> None:
        client = MessengerClient(settings.page_access_token, app_secret=settings.app_secret)
        client.graph_url = f"{settings.graph_url}/v{client.api_version}"
        super().__init__(client)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Buttons are sent as quick replies (Rasa drops more than three buttons)."""
        self._send_choices(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self._send_choices(recipient_id, text, quick_replies)

    def _send_choices(self, recipient_id: Text, text: Text, choices: List[Dict[Text, Any]]) -> None:
        """Quick replies with their titles, or numbered in the text and titled "1", "2", ..."""
        if messenger_shows_titles(choices):
            titles = [choice["title"] for choice in choices]
        else:
            text = numbered_text(text, choices)
            titles = [str(number) for number in range(1, len(choices) + 1)]
        message: Dict[Text, Any] = {"text": text}
        if len(choices) <= MESSENGER_QUICK_REPLIES:
            message["quick_replies"] = [
                {"content_type": "text", "title": title, "payload": choice["payload"]}
                for title, choice in zip(titles, choices)
            ]
        self.messenger_client.send(message, recipient_id, "RESPONSE")


class _PageEvents(Messenger):
    """Rasa's reader of Messenger webhook events, answering through MessengerOutput."""

    def __init__(self, output: MessengerOutput, on_new_message: OnNewMessage) -> None:
        super().__init__(output.messenger_client.page_access_token, on_new_message)
        self.output = output

    async def handle(self, payload: Dict, metadata: Optional[Dict[Text, Any]]) -> None:
        """Every messaging event of the batch, in order."""
        for entry in payload.get("entry", []):
            for event in entry.get("messaging", []):
                self.last_message = event
                if event.get("message"):
                    await self.message(event, metadata)
                elif event.get("postback"):
                    await self.postback(event, metadata)

    async def _handle_user_message(
        self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]
    ) -> None:
        """As Rasa's: seen, typing, the assistant's answer, typing off."""
        await self.output.send_action(sender_id, sender_action="mark_seen")
        await self.output.send_action(sender_id, sender_action="typing_on")
        message = UserMessage(text, self.output, sender_id, input_channel=self.name(),
                              metadata=metadata)
        try:
            await self.on_new_message(message)
        except Exception:  # as in Rasa: one bad message must not stop the others
            logger.exception("Messenger: the assistant could not handle a message.")
        finally:
            await self.output.send_action(sender_id, sender_action="typing_off")


class MessengerChannel(FacebookInput):
    """The Messenger webhook, /webhooks/facebook/webhook."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MessengerChannel":
        """Settings come from the environment; credentials.yml only names the class."""
        return cls(MessengerSettings.from_env())

    def __init__(self, settings: MessengerSettings) -> None:
        super().__init__(settings.verify_token, settings.app_secret, settings.page_access_token)
        self.settings = settings

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not self.settings.configured:
            return not_configured_blueprint(self.name(), self.settings)
        replies = NumberedReplies(lambda choices: not messenger_shows_titles(choices))
        handle = replies.wrap(on_new_message)
        blueprint = Blueprint("fb_webhook", __name__)
        replies.attach(blueprint)
        refuse_unsigned_posts(blueprint, self.name(), self._signed_by_meta,
                              "X-Hub-Signature-256 (or X-Hub-Signature)")

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's subscription check: echo hub.challenge for the right verify token."""
            if request.args.get("hub.mode") == "subscribe" and same_secret(
                self.settings.verify_token, request.args.get("hub.verify_token")
            ):
                return response.text(request.args.get("hub.challenge", ""))
            logger.warning("Messenger: refused a subscription check with a wrong verify token.")
            return refusal(403, self.name(), "wrong hub.verify_token")

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            events = _PageEvents(self.get_output_channel(), handle)
            await events.handle(request.json or {}, self.get_metadata(request))
            return response.text("success")

        return blueprint

    def get_output_channel(self) -> Optional[MessengerOutput]:
        return MessengerOutput(self.settings) if self.settings.configured else None

    def _signed_by_meta(self, request: Request) -> bool:
        return meta_signature_valid(
            self.settings.app_secret,
            request.body,
            request.headers.get("X-Hub-Signature-256"),
            request.headers.get("X-Hub-Signature"),
        )
