"""Telegram through Rasa's connector, switched on by the TELEGRAM_* settings.

What differs from Rasa's `TelegramInput`: the settings come from the
environment; the webhook is registered after the server has started, with the
secret token, and a Telegram that cannot be reached is logged instead of
stopping the server; updates must carry that secret token when one is set;
buttons are stacked one per row, and become numbered choices when a payload is
too long for a Telegram button.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from aiogram.bot.api import Methods, TelegramAPIServer
from aiogram.types import User
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, Sanic
from sanic.request import Request

from bot.messaging.choices import numbered_text, telegram_shows_buttons
from bot.messaging.settings import TelegramSettings
from bot.messaging.signatures import same_secret
from channels.messaging import (
    REQUEST_TIMEOUT_SECONDS,
    NumberedReplies,
    OnNewMessage,
    not_configured_blueprint,
    refuse_unsigned_posts,
)

logger = logging.getLogger(__name__)

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramBotOutput(TelegramOutput):
    """Rasa's Telegram output, on TELEGRAM_API_URL, with the secret token."""

    def __init__(self, settings: TelegramSettings) -> None:
        super().__init__(settings.access_token)
        self.server = TelegramAPIServer.from_base(settings.api_url)
        self.timeout = REQUEST_TIMEOUT_SECONDS
        self._secret_token = settings.secret_token
        self._identity: Optional[User] = None

    async def get_me(self) -> User:
        """Who the bot is: asked once, although Rasa checks it on every update."""
        if self._identity is None:
            self._identity = await super().get_me()
        return self._identity

    async def set_webhook(self, url: Text) -> bool:
        """setWebhook, with the secret token Telegram then sends with every update.

        aiogram 2.15 predates the `secret_token` parameter, so the call is made here.
        """
        payload = {"url": url}
        if self._secret_token:
            payload["secret_token"] = self._secret_token
        return await self.request(Methods.SET_WEBHOOK, payload)

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = "vertical",
        **kwargs: Any,
    ) -> None:
        """One button per row; numbered choices when a payload does not fit a button."""
        if telegram_shows_buttons(buttons):
            await super().send_text_with_buttons(recipient_id, text, buttons, button_type, **kwargs)
        else:
            await self.send_message(recipient_id, numbered_text(text, buttons))


class TelegramChannel(TelegramInput):
    """The Telegram webhook, /webhooks/telegram/webhook."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramChannel":
        """Settings come from the environment; credentials.yml only names the class."""
        return cls(TelegramSettings.from_env())

    def __init__(self, settings: TelegramSettings) -> None:
        super().__init__(settings.access_token, settings.bot_name, settings.webhook_url,
                         debug_mode=False)
        self.settings = settings
        self._output = TelegramBotOutput(settings) if settings.configured else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not self.settings.configured:
            return not_configured_blueprint(self.name(), self.settings)
        if not self.settings.secret_token:
            logger.warning("Telegram: TELEGRAM_SECRET_TOKEN is not set, so anyone who knows "
                           "the webhook URL can post updates to it.")
        replies = NumberedReplies(lambda choices: not telegram_shows_buttons(choices))
        blueprint = super().blueprint(replies.wrap(on_new_message))
        replies.attach(blueprint)
        refuse_unsigned_posts(blueprint, self.name(), self._carries_secret_token, SECRET_TOKEN_HEADER)
        blueprint.listener(self._register_webhook_soon, "after_server_start")
        return blueprint

    def get_output_channel(self) -> Optional[TelegramBotOutput]:
        """The one output of this channel (Rasa's would call setWebhook each time)."""
        return self._output

    def _carries_secret_token(self, request: Request) -> bool:
        expected = self.settings.secret_token
        return not expected or same_secret(expected, request.headers.get(SECRET_TOKEN_HEADER))

    async def _register_webhook_soon(self, app: Sanic, _loop: Any) -> None:
        app.add_task(self._register_webhook())

    async def _register_webhook(self) -> None:
        """Tell Telegram where to post updates; if it fails, say so and keep serving."""
        url = self.settings.webhook_url
        try:
            await self._output.set_webhook(url)
        except (TelegramAPIError, asyncio.TimeoutError) as error:
            logger.error("Telegram: could not register the webhook %s (%s). The server keeps "
                         "running, but Telegram delivers nothing until the webhook is registered: "
                         "restart, or call /webhooks/telegram/set_webhook.", url, error)
        else:
            logger.info("Telegram: webhook registered at %s.", url)
