"""Handoffs that could not be written to the database wait here, as JSON files.

When the database is down at the moment a patient is handed over, the request
is written to a spool directory (HANDOFF_SPOOL_DIR, default var/handoff-spool)
and imported by `replay()` once the database answers again: the web app
replays the spool every time it checks the notification outbox, and the
assistant replays it before every new handoff. A file is deleted only after
its handoff is committed.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path
from typing import Callable

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from bot.config import PROJECT_ROOT
from bot.storage.db import UnitOfWork

log = logging.getLogger(__name__)


def spool_dir() -> Path:
    return Path(os.environ.get("HANDOFF_SPOOL_DIR", "").strip() or PROJECT_ROOT / "var" / "handoff-spool")


def write(request_json: dict, directory: Path | None = None) -> Path:
    """Store one handoff request durably (written whole, then renamed into place)."""
    directory = directory or spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{uuid.uuid4().hex}.json"
    partial = final.with_suffix(".part")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(request_json, handle)
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(final)
    return final


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # imported by the other process meanwhile
        return float("inf")


def pending(directory: Path | None = None) -> list[Path]:
    directory = directory or spool_dir()
    return sorted(directory.glob("*.json"), key=_age) if directory.is_dir() else []


# Failures that mean "the database is not there yet": keep the file, try later.
# Anything else is a problem with this one file: set it aside, go on with the rest.
_TRY_LATER = (OperationalError, InterfaceError, DisconnectionError, SATimeoutError, OSError)


def replay(store: Callable[[UnitOfWork, dict], object], uow_factory: Callable[[], UnitOfWork] = UnitOfWork,
           directory: Path | None = None) -> int:
    """Import every spooled request with `store(uow, request_json)`; return how many went in.

    Stops at the first sign that the database is still down and leaves that
    file and the rest for the next time; a file that fails for any other
    reason (unreadable, refused by the database) is renamed to ``.bad``, logged,
    and does not hold up the others.
    """
    imported = 0
    for path in pending(directory):
        try:
            request_json = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            _set_aside(path, "unreadable")
            continue
        try:
            uow = uow_factory()
        except Exception:  # noqa: BLE001 - no database at all: try later
            log.warning("spooled handoffs wait: no database yet", exc_info=True)
            break
        try:
            with uow:
                store(uow, request_json)
        except _TRY_LATER:
            log.warning("spooled handoff %s not imported yet", path.name, exc_info=True)
            break
        except Exception:  # noqa: BLE001 - this file's content is the problem
            _set_aside(path, "refused by the database")
            continue
        path.unlink(missing_ok=True)
        imported += 1
    return imported


def _set_aside(path: Path, why: str) -> None:
    log.exception("spooled handoff %s is %s; renamed to .bad for a person to look at", path, why)
    try:
        path.rename(path.with_suffix(".bad"))
    except FileNotFoundError:
        pass
