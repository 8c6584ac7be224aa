"""Every setting the product reads, in one place.

Values come from the process environment or from a `.env` file at the project
root; the environment wins. `.env.example` documents each one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The intake database (bot/storage): a SQLite file under var/ unless DATABASE_URL says otherwise.
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'cik.db'}"


def _read_env_file(env_file: Path | None = None) -> None:
    """Fill what the environment lacks from `.env` (the environment always wins)."""
    load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)


def _number(name: str, default, convert, what: str):
    """The setting `name` read by `convert` (int or float), or `default` when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return convert(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be {what}, got {raw!r}") from exc


def _int(name: str, default: int) -> int:
    value = _number(name, default, int, "a whole number")
    if not 0 < value < 65536 and name.endswith("_PORT"):
        raise ValueError(f"setting {name} must be a port number (1-65535), got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_port: int
    web_port: int
    bind_host: str
    rasa_api_token: str
    team_contact: str
    log_level: str
    database_url: str
    rasa_public_url: str = ""
    # Minutes to wait for an answer to "Is this happening now?" before escalating.
    red_flag_answer_minutes: float = 5.0

    @property
    def rasa_url(self) -> str:
        """Where the project's own processes reach the Rasa server (loopback)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"


def load_settings(env_file: Path | None = None) -> Settings:
    """Read the settings; a `.env` file fills only what the environment lacks."""
    _read_env_file(env_file)
    return Settings(
        rasa_port=_int("RASA_PORT", 5005),
        action_port=_int("ACTION_PORT", 5055),
        web_port=_int("WEB_PORT", 8080),
        bind_host=os.environ.get("BIND_HOST", "127.0.0.1").strip() or "127.0.0.1",
        rasa_api_token=os.environ.get("RASA_API_TOKEN", "").strip(),
        team_contact=os.environ.get(
            "TEAM_CONTACT", "the contact form on the CancerFax website"
        ).strip(),
        log_level=os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        database_url=os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        rasa_public_url=os.environ.get("RASA_PUBLIC_URL", "").strip().rstrip("/"),
        red_flag_answer_minutes=_positive_number("RED_FLAG_ANSWER_MINUTES", 5.0),
    )


def _positive_number(name: str, default: float) -> float:
    value = _number(name, default, float, "a number")
    if not 0 < value < 10_000:
        raise ValueError(f"setting {name} must be more than 0, got {value!r}")
    return value


def _text(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"setting {name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class HandoffSettings:
    """What the patient is told about the coordinators' hours and answer time."""

    office_hours: str
    response_time: str


@dataclass(frozen=True)
class ConsoleSettings:
    """The coordinators' console and its JSON API."""

    api_token: str              # CONSOLE_API_TOKEN; empty: the JSON API refuses everything
    public_url: str             # where coordinators open the console (links in notifications)
    session_idle_minutes: int   # signed out after this long without a request
    session_max_hours: int      # signed out after this long whatever happens
    cookie_secure: bool         # send the session cookie over HTTPS only
    login_max_failures: int     # failed sign-ins allowed per user and address...
    login_window_minutes: int   # ...in this many minutes, then a wait
    proxies: int = 0            # reverse proxies in front of the web app (client address from X-Forwarded-For)


@dataclass(frozen=True)
class NotifySettings:
    """Where a new handoff is announced; each way is off while its settings are empty."""

    webhook_url: str            # Slack-compatible incoming webhook (JSON {"text": ...})
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    email_from: str
    email_to: tuple[str, ...]
    poll_seconds: int           # how often the outbox is checked
    max_backoff_seconds: int    # the longest wait between two tries of one notification

    @property
    def webhook_on(self) -> bool:
        return bool(self.webhook_url)

    @property
    def email_on(self) -> bool:
        return bool(self.smtp_host and self.email_from and self.email_to)


def load_handoff_settings() -> HandoffSettings:
    _read_env_file()
    return HandoffSettings(
        office_hours=_text("OFFICE_HOURS", "Monday to Friday, 9:00 to 17:00"),
        response_time=_text("RESPONSE_TIME", "within one working day"),
    )


def load_console_settings() -> ConsoleSettings:
    _read_env_file()
    public_url = _text("CONSOLE_PUBLIC_URL", f"http://127.0.0.1:{_int('WEB_PORT', 8080)}").rstrip("/")
    return ConsoleSettings(
        api_token=_text("CONSOLE_API_TOKEN"),
        public_url=public_url,
        session_idle_minutes=_int("CONSOLE_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int("CONSOLE_SESSION_MAX_HOURS", 12),
        cookie_secure=_flag("CONSOLE_COOKIE_SECURE", public_url.startswith("https://")),
        login_max_failures=_int("LOGIN_MAX_FAILURES", 5),
        login_window_minutes=_int("LOGIN_WINDOW_MINUTES", 15),
        proxies=_int("FORWARDED_PROXIES", 0),
    )


def load_notify_settings() -> NotifySettings:
    _read_env_file()
    return NotifySettings(
        webhook_url=_text("NOTIFY_WEBHOOK_URL"),
        smtp_host=_text("SMTP_HOST"),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_username=_text("SMTP_USERNAME"),
        smtp_password=_text("SMTP_PASSWORD"),
        smtp_starttls=_flag("SMTP_STARTTLS", True),
        email_from=_text("NOTIFY_EMAIL_FROM"),
        email_to=tuple(a.strip() for a in _text("NOTIFY_EMAIL_TO").split(",") if a.strip()),
        poll_seconds=_int("NOTIFY_POLL_SECONDS", 5),
        max_backoff_seconds=_int("NOTIFY_MAX_BACKOFF_SECONDS", 3600),
    )
