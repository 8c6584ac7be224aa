"""WhatsApp through Twilio, with Rasa's connector, switched on by the TWILIO_* settings.

What differs from Rasa's `TwilioInput`: the settings come from the
environment; every post must carry a valid X-Twilio-Signature (Rasa's does not
check it); WhatsApp shows no buttons, so a message with buttons is sent as one
message ending in numbered choices, and a reply of "2" is read as the second.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint
from sanic.request import Request
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from bot.messaging.choices import numbered_text
from bot.messaging.settings import TWILIO_API, TwilioSettings
from channels.messaging import (
    REQUEST_TIMEOUT_SECONDS,
    NumberedReplies,
    OnNewMessage,
    not_configured_blueprint,
    refuse_unsigned_posts,
)

# Twilio's client logs every request and its headers at INFO: keep its warnings only.
_api_logger = logging.getLogger(f"{__name__}.api")
_api_logger.setLevel(logging.WARNING)

SIGNATURE_HEADER = "X-Twilio-Signature"


class _TwilioApi(TwilioHttpClient):
    """Twilio's HTTP client, sending to TWILIO_API_URL instead of api.twilio.com."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=REQUEST_TIMEOUT_SECONDS, logger=_api_logger)
        self._base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self._base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


class WhatsAppOutput(TwilioOutput):
    """Rasa's Twilio output, with buttons as numbered choices."""

    def __init__(self, settings: TwilioSettings) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.whatsapp_number)
        self.http_client = _TwilioApi(settings.api_url)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """One message: the text, then the buttons as numbered choices."""
        await self._send_message(
            {"to": recipient_id, "from_": self.twilio_number, "body": numbered_text(text, buttons)}
        )


class WhatsAppChannel(TwilioInput):
    """The Twilio webhook, /webhooks/twilio/webhook."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppChannel":
        """Settings come from the environment; credentials.yml only names the class."""
        return cls(TwilioSettings.from_env())

    def __init__(self, settings: TwilioSettings) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.whatsapp_number,
                         debug_mode=False)
        self.settings = settings
        self._validator = RequestValidator(settings.auth_token)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not self.settings.configured:
            return not_configured_blueprint(self.name(), self.settings)
        replies = NumberedReplies(lambda _choices: True)
        blueprint = super().blueprint(replies.wrap(on_new_message))
        replies.attach(blueprint)
        refuse_unsigned_posts(blueprint, self.name(), self._signed_by_twilio, SIGNATURE_HEADER)
        return blueprint

    def get_output_channel(self) -> Optional[WhatsAppOutput]:
        """A new output per use: Rasa's keeps retry counts on it."""
        return WhatsAppOutput(self.settings) if self.settings.configured else None

    def _signed_by_twilio(self, request: Request) -> bool:
        """Twilio signs the public URL it posts to (TWILIO_WEBHOOK_URL) and the form fields."""
        signature = request.headers.get(SIGNATURE_HEADER, "")
        return self._validator.validate(self.settings.webhook_url, request.form, signature)
