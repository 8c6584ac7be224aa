"""The messaging apps' settings, read from the environment.

An app is on when all its required settings are set and off when they are
empty (the default): its webhook then answers "not configured" and the
assistant makes no call to it. `.env.example` documents each setting and
`docs/messaging-apps.md` how to get them. The `*_API_URL` settings exist so
that tests can point the assistant at local stand-ins of the apps' APIs.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

TELEGRAM_API = "https://api.telegram.org"
TWILIO_API = "https://api.twilio.com"
GRAPH_API = "https://graph.facebook.com"
# What @BotFather hands out: the bot's numeric id, a colon, then the secret part.
_TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


def _read(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, "").strip() or default


def _unset(required: Mapping[str, str]) -> list[str]:
    return [f"{name} is not set" for name, value in required.items() if not value]


class AppSettings:
    """What the three apps' settings share: their problems decide on or off."""

    app = ""

    def required(self) -> dict[str, str]:
        """The required settings by name, with their values."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """Why the app cannot be switched on; empty when it can."""
        return _unset(self.required())

    @property
    def configured(self) -> bool:
        return not self.problems()

    @property
    def untouched(self) -> bool:
        """None of the required settings is set: the app is simply not used."""
        return not any(self.required().values())


@dataclass(frozen=True)
class TelegramSettings(AppSettings):
    access_token: str
    bot_name: str
    webhook_url: str
    secret_token: str = ""
    api_url: str = TELEGRAM_API

    app = "Telegram"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "TelegramSettings":
        return cls(
            access_token=_read(env, "TELEGRAM_ACCESS_TOKEN"),
            bot_name=_read(env, "TELEGRAM_BOT_NAME").lstrip("@"),
            webhook_url=_read(env, "TELEGRAM_WEBHOOK_URL"),
            secret_token=_read(env, "TELEGRAM_SECRET_TOKEN"),
            api_url=_read(env, "TELEGRAM_API_URL", TELEGRAM_API).rstrip("/"),
        )

    def required(self) -> dict[str, str]:
        return {
            "TELEGRAM_ACCESS_TOKEN": self.access_token,
            "TELEGRAM_BOT_NAME": self.bot_name,
            "TELEGRAM_WEBHOOK_URL": self.webhook_url,
        }

    def problems(self) -> list[str]:
        problems = super().problems()
        if self.access_token and not _TELEGRAM_TOKEN.match(self.access_token):
            problems.append("TELEGRAM_ACCESS_TOKEN is not a bot token (<digits>:<letters> from @BotFather)")
        return problems


@dataclass(frozen=True)
class TwilioSettings(AppSettings):
    account_sid: str
    auth_token: str
    whatsapp_number: str
    webhook_url: str
    api_url: str = TWILIO_API

    app = "WhatsApp (Twilio)"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "TwilioSettings":
        return cls(
            account_sid=_read(env, "TWILIO_ACCOUNT_SID"),
            auth_token=_read(env, "TWILIO_AUTH_TOKEN"),
            whatsapp_number=_read(env, "TWILIO_WHATSAPP_NUMBER"),
            webhook_url=_read(env, "TWILIO_WEBHOOK_URL"),
            api_url=_read(env, "TWILIO_API_URL", TWILIO_API).rstrip("/"),
        )

    def required(self) -> dict[str, str]:
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_WHATSAPP_NUMBER": self.whatsapp_number,
            "TWILIO_WEBHOOK_URL": self.webhook_url,
        }

    def problems(self) -> list[str]:
        problems = super().problems()
        if self.whatsapp_number and not self.whatsapp_number.startswith("whatsapp:+"):
            problems.append("TWILIO_WHATSAPP_NUMBER must look like whatsapp:+14155238886")
        return problems


@dataclass(frozen=True)
class MessengerSettings(AppSettings):
    verify_token: str
    app_secret: str
    page_access_token: str
    graph_url: str = GRAPH_API

    app = "Facebook Messenger"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "MessengerSettings":
        return cls(
            verify_token=_read(env, "FACEBOOK_VERIFY_TOKEN"),
            app_secret=_read(env, "FACEBOOK_APP_SECRET"),
            page_access_token=_read(env, "FACEBOOK_PAGE_ACCESS_TOKEN"),
            graph_url=_read(env, "FACEBOOK_GRAPH_URL", GRAPH_API).rstrip("/"),
        )

    def required(self) -> dict[str, str]:
        return {
            "FACEBOOK_VERIFY_TOKEN": self.verify_token,
            "FACEBOOK_APP_SECRET": self.app_secret,
            "FACEBOOK_PAGE_ACCESS_TOKEN": self.page_access_token,
        }
