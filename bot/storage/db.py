"""Engines, sessions and the unit of work.

Nothing here connects at import time. `make_engine()` builds an engine when
asked; `default_session_factory()` builds the process's one engine on first
use. Each `UnitOfWork` opens a fresh `Session`, commits when its block ends
normally, rolls back when it raises, and always closes the session.

    with UnitOfWork() as uow:
        repository.save_fields(uow, conversation_id, {"stage": "IV"})
"""
from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Optional, Type

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

SessionFactory = Callable[[], Session]


def database_url(url: Optional[str] = None) -> str:
    """The URL given, or DATABASE_URL from the settings (default: var/cik.db)."""
    if url:
        return url
    from bot.config import load_settings

    return load_settings().database_url


def _is_memory_sqlite(parsed: URL) -> bool:
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: Optional[str] = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: DATABASE_URL), in SQLAlchemy 2.0 mode.

    SQLite: the file's folder is created, the connection may be used from the
    action server's threads, foreign keys are enforced, and an in-memory
    database (`sqlite://`) is one database shared by every session.
    PostgreSQL and others: taken as the URL says (`postgresql+psycopg2://...`).
    """
    parsed = make_url(database_url(url))
    options: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False}
        if _is_memory_sqlite(parsed):
            options["poolclass"] = StaticPool
        elif not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options.update(kwargs)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions on `engine`; objects stay readable after commit."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


_default_lock = threading.Lock()
_default_factory: Optional[sessionmaker] = None


def default_session_factory() -> sessionmaker:
    """The process's session factory on DATABASE_URL, built on first use."""
    global _default_factory
    with _default_lock:
        if _default_factory is None:
            _default_factory = make_session_factory(make_engine())
        return _default_factory


def dispose_default_engine() -> None:
    """Close the default engine's connections; the next use builds a new one."""
    global _default_factory
    with _default_lock:
        if _default_factory is not None:
            _default_factory.kw["bind"].dispose()
            _default_factory = None


class UnitOfWork:
    """One transaction on a fresh session: commit on success, rollback on error.

    `session_factory` defaults to `default_session_factory()` (DATABASE_URL).
    Inside the block, `uow.session` is the session; `uow.commit()` may be
    called early, and `uow.rollback()` discards what was not committed.
    """

    session: Session

    def __init__(self, session_factory: Optional[SessionFactory] = None) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> "UnitOfWork":
        if getattr(self, "_open", False):
            raise RuntimeError("this unit of work is already open; use a new UnitOfWork")
        factory = self._session_factory or default_session_factory()
        self.session = factory()
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.session.close()
            self._open = False

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
