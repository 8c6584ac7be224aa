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


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a whole number, got {raw!r}") from exc
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

    @property
    def rasa_url(self) -> str:
        """Where the project's own processes reach the Rasa server (loopback)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"


def load_settings(env_file: Path | None = None) -> Settings:
    """Read the settings; a `.env` file fills only what the environment lacks."""
    load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)
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
    )
