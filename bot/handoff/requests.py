"""The assistant's side of a handoff: write it, whatever happens, and say how it went.

`request_handoff()` never raises: the action that calls it tells the patient
the truth from the `Outcome` (handed over / saved, to be handed over shortly /
could not be saved) and the conversation goes on.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bot.config import load_console_settings, load_notify_settings
from bot.handoff import spool
from bot.handoff.service import HandoffRequest, open_handoff
from bot.storage.db import UnitOfWork

log = logging.getLogger(__name__)

CREATED, UPDATED, SPOOLED, FAILED = "created", "updated", "spooled", "failed"


@dataclass(frozen=True)
class Outcome:
    status: str                 # created, updated, spooled or failed
    handoff_id: Optional[int]
    priority: str

    @property
    def with_coordinators(self) -> bool:
        """True when the case is in the coordinators' queue now."""
        return self.status in (CREATED, UPDATED)


def store_request(uow: UnitOfWork, request_json: dict) -> object:
    """Write one request (fresh or from the spool) with the current notification settings."""
    request = HandoffRequest(**request_json)
    return open_handoff(uow, request, load_notify_settings(), load_console_settings().public_url)


def request_handoff(request: HandoffRequest, uow_factory: Callable[[], UnitOfWork] = UnitOfWork,
                    spool_directory: Path | None = None) -> Outcome:
    try:
        spool.replay(store_request, uow_factory, spool_directory)
        with uow_factory() as uow:
            handoff, created = store_request(uow, request.to_json())
            handoff_id, priority = handoff.id, handoff.priority
        return Outcome(CREATED if created else UPDATED, handoff_id, priority)
    except Exception:  # noqa: BLE001 - any database failure: keep the case in the spool
        log.exception("handoff of %s not written to the database; spooling it", request.conversation_id)
    try:
        spool.write(request.to_json(), spool_directory)
        return Outcome(SPOOLED, None, request.priority)
    except OSError:
        log.exception("handoff of %s could not be spooled either", request.conversation_id)
        return Outcome(FAILED, None, request.priority)
