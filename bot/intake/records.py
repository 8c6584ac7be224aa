"""Writing the intake to the database, one unit of work per change.

Each function returns True when the change was stored. A storage failure is
logged and reported as False, so the conversation can tell the patient
honestly instead of failing; the answers stay in the conversation's slots.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from bot.storage import repository
from bot.storage.db import UnitOfWork

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]


def _default_uow() -> UnitOfWork:
    return UnitOfWork()


def _attempt(what: str, action: Callable[[UnitOfWork], Any], uow_factory: UowFactory) -> bool:
    try:
        with uow_factory() as uow:
            action(uow)
        return True
    except Exception:  # noqa: BLE001 - any storage failure is reported, never raised
        log.exception("could not store %s", what)
        return False


def store_consent(conversation_id: str, channel: str, version: str,
                  uow_factory: UowFactory = _default_uow) -> bool:
    at = datetime.now(timezone.utc)
    return _attempt("consent", lambda uow: repository.record_consent(
        uow, conversation_id, channel, version, at), uow_factory)


def store_answers(conversation_id: str, fields: Mapping[str, Any],
                  uow_factory: UowFactory = _default_uow) -> bool:
    return _attempt("answers", lambda uow: repository.save_fields(
        uow, conversation_id, dict(fields)), uow_factory)


def store_result(conversation_id: str, result: Mapping[str, Any],
                 uow_factory: UowFactory = _default_uow) -> bool:
    def action(uow):
        repository.save_result(uow, conversation_id, dict(result))
        repository.mark_status(uow, conversation_id, "completed")
    return _attempt("result", action, uow_factory)


def store_status(conversation_id: str, status: str,
                 uow_factory: UowFactory = _default_uow) -> bool:
    return _attempt("status", lambda uow: repository.mark_status(
        uow, conversation_id, status), uow_factory)
