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


def pending(directory: Path | None = None) -> list[Path]:
    directory = directory or spool_dir()
    return sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime) if directory.is_dir() else []


def replay(store: Callable[[UnitOfWork, dict], object], uow_factory: Callable[[], UnitOfWork] = UnitOfWork,
           directory: Path | None = None) -> int:
    """Import every spooled request with `store(uow, request_json)`; return how many went in.

    Stops at the first failure (the database is probably still down) and
    leaves that file and the rest for the next time.
    """
    imported = 0
    for path in pending(directory):
        try:
            request_json = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.exception("spooled handoff %s is unreadable; moved aside", path)
            path.rename(path.with_suffix(".bad"))
            continue
        try:
            with uow_factory() as uow:
                store(uow, request_json)
        except Exception:  # noqa: BLE001 - the database may still be down: try again later
            log.warning("spooled handoff %s not imported yet", path.name, exc_info=True)
            break
        path.unlink()
        imported += 1
    return imported
