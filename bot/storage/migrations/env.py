"""Alembic environment for the intake database.

The database URL comes, in this order, from the Config's `url` attribute (set
by `bot.storage.migrate`), from `-x url=...`, from `sqlalchemy.url`, or from
DATABASE_URL through bot.config. There is no alembic.ini: run
`python -m bot.storage upgrade`.
"""
from __future__ import annotations

from alembic import context

from bot.storage.db import database_url, make_engine
from bot.storage.models import metadata

config = context.config
target_metadata = metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or database_url()
    )


def _options(dialect_name: str) -> dict:
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
    }


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`--sql`)."""
    url = _url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(url.split(":", 1)[0].split("+", 1)[0]),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
