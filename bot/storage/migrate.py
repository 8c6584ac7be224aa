"""Apply the Alembic migrations in `migrations/` without an alembic.ini.

`upgrade()` brings the database at DATABASE_URL (or the URL given) to the
newest revision and is safe to run again; `current()` says where it is.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.storage.db import database_url, make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: Optional[str] = None) -> Config:
    """An Alembic Config for our migrations and `url` (default: DATABASE_URL)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an ini option: a "%" in a password would
    # otherwise be read as configparser interpolation.
    config.attributes["url"] = database_url(url)
    return config


def shown(url: Optional[str] = None) -> str:
    """The URL with its password hidden, for messages."""
    return make_url(database_url(url)).render_as_string(hide_password=True)


def head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current(url: Optional[str] = None) -> tuple[str, ...]:
    """The revisions the database is at (empty: no migration applied)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def describe(revision: str) -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision)
    return f"{revision} ({script.doc.rstrip('.')})" if script is not None and script.doc else revision


def upgrade(url: Optional[str] = None, revision: str = "head") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Migrate to `revision`; returns (revisions before, revisions after)."""
    before = current(url)
    command.upgrade(alembic_config(url), revision)
    return before, current(url)


def downgrade(url: Optional[str], revision: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Migrate down to `revision` ("base": drop everything)."""
    before = current(url)
    command.downgrade(alembic_config(url), revision)
    return before, current(url)
