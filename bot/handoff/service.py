"""Handing a conversation to a person, and the coordinators' work on it.

A handoff is written, with its notifications, in one transaction before the
patient is told anything (`open_handoff`). While the database is down the
request goes to a spool file instead (`bot.handoff.spool`) and is imported as
soon as the database answers again, so a case is never lost.

A conversation has at most one active (open or claimed) handoff: a second
trigger updates it (and a red flag makes it urgent) instead of queueing the
same patient twice.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import case, func, select, update

from bot.config import NotifySettings
from bot.handoff.notifications import build_notifications
from bot.storage.db import UnitOfWork
from bot.storage.models import (
    CLAIMED,
    CLOSED,
    HANDOFF_STATUSES,
    NORMAL,
    OPEN,
    REASONS,
    URGENT,
    AuditEntry,
    Coordinator,
    Handoff,
    HandoffNote,
    utcnow,
)

log = logging.getLogger(__name__)

ACTIVE = (OPEN, CLAIMED)
ASSISTANT = "assistant"
MAX_NOTE_LENGTH = 5000
MAX_REPLY_LENGTH = 4000


class HandoffError(Exception):
    """A request about a handoff that cannot be carried out; the message says why."""


class HandoffNotFound(HandoffError):
    pass


class InvalidTransition(HandoffError):
    pass


@dataclass
class HandoffRequest:
    """What the assistant knows when a conversation goes to a person."""

    conversation_id: str
    channel: str
    reason: str
    profile: dict = field(default_factory=dict)
    eligibility: Optional[dict] = None
    transcript: list = field(default_factory=list)
    # For a red flag: {"category", "text", ...} (actions/handoff.py red_flag_summary).
    red_flag: Optional[dict] = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown handoff reason {self.reason!r} (known: {', '.join(REASONS)})")
        if not self.conversation_id:
            raise ValueError("a handoff needs a conversation id")

    @property
    def priority(self) -> str:
        return URGENT if self.reason == "red_flag" else NORMAL

    def to_json(self) -> dict:
        return asdict(self)


def audit(uow: UnitOfWork, actor: str, action: str, handoff_id: Optional[int] = None,
          **detail: Any) -> None:
    uow.session.add(AuditEntry(actor=actor, action=action, handoff_id=handoff_id, detail=detail))


def active_handoff(uow: UnitOfWork, conversation_id: str) -> Optional[Handoff]:
    return uow.session.execute(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE))
        .order_by(Handoff.id.desc())
    ).scalars().first()


def open_handoff(uow: UnitOfWork, request: HandoffRequest, notify: NotifySettings,
                 console_url: str) -> tuple[Handoff, bool]:
    """The conversation's active handoff, created or brought up to date; True when new.

    New handoffs, and handoffs that just became urgent, get notifications in
    the same transaction (the outbox).
    """
    handoff = active_handoff(uow, request.conversation_id)
    created = handoff is None
    if created:
        handoff = Handoff(conversation_id=request.conversation_id, channel=request.channel,
                          reason=request.reason, priority=request.priority, status=OPEN)
        uow.session.add(handoff)
    escalated = not created and request.priority == URGENT and handoff.priority != URGENT
    if escalated:
        handoff.priority = URGENT
        handoff.reason = request.reason
    if request.profile:
        handoff.profile = dict(request.profile)
    if request.eligibility:
        handoff.eligibility = dict(request.eligibility)
    if request.red_flag and request.red_flag.get("category"):
        handoff.red_flag_category = str(request.red_flag["category"])[:40]
        handoff.red_flag_text = str(request.red_flag.get("text") or "")[:300]
    handoff.transcript = list(request.transcript)
    uow.session.flush()
    if created or escalated:
        uow.session.add_all(build_notifications(handoff, notify, console_url))
    audit(uow, ASSISTANT, "opened" if created else ("escalated" if escalated else "updated"),
          handoff.id, reason=request.reason, channel=request.channel)
    return handoff, created


def get_handoff(uow: UnitOfWork, handoff_id: int) -> Handoff:
    handoff = uow.session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound(f"there is no case {handoff_id}")
    return handoff


def claim(uow: UnitOfWork, handoff_id: int, coordinator: Coordinator) -> tuple[Handoff, bool]:
    """An open case becomes this coordinator's; True when this call claimed it.

    A single conditional UPDATE, so two coordinators pressing Claim together
    cannot both get the case. Claiming one's own case again changes nothing.
    """
    now = utcnow()
    changed = uow.session.execute(
        update(Handoff).where(Handoff.id == handoff_id, Handoff.status == OPEN)
        .values(status=CLAIMED, assigned_to=coordinator.id, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    handoff = get_handoff(uow, handoff_id)
    uow.session.refresh(handoff)
    if changed:
        audit(uow, coordinator.username, "claimed", handoff.id)
        return handoff, True
    if handoff.status == CLOSED:
        raise InvalidTransition(f"case {handoff_id} is closed")
    if handoff.assigned_to != coordinator.id:
        owner = uow.session.get(Coordinator, handoff.assigned_to)
        raise InvalidTransition(f"case {handoff_id} is already with {owner.display_name if owner else 'someone'}")
    return handoff, False


def release(uow: UnitOfWork, handoff_id: int, coordinator: Coordinator) -> None:
    """Undo a claim whose news could not reach the patient's chat, so it can be tried again."""
    uow.session.execute(
        update(Handoff).where(Handoff.id == handoff_id, Handoff.status == CLAIMED,
                              Handoff.assigned_to == coordinator.id)
        .values(status=OPEN, assigned_to=None, claimed_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    audit(uow, coordinator.username, "released", handoff_id, why="the chat could not be told")


def close(uow: UnitOfWork, handoff_id: int, coordinator: Coordinator) -> Handoff:
    handoff = get_handoff(uow, handoff_id)
    if handoff.status == CLOSED:
        raise InvalidTransition(f"case {handoff_id} is already closed")
    handoff.status, handoff.closed_at = CLOSED, utcnow()
    if handoff.assigned_to is None:
        handoff.assigned_to = coordinator.id
    audit(uow, coordinator.username, "closed", handoff.id)
    return handoff


def _clean_text(text: str, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise HandoffError(f"the {what} is empty")
    if len(text) > limit:
        raise HandoffError(f"the {what} is longer than {limit} characters")
    return text


def add_note(uow: UnitOfWork, handoff_id: int, coordinator: Coordinator, text: str) -> HandoffNote:
    handoff = get_handoff(uow, handoff_id)
    note = HandoffNote(handoff_id=handoff.id, author_id=coordinator.id,
                       text=_clean_text(text, MAX_NOTE_LENGTH, "note"))
    uow.session.add(note)
    audit(uow, coordinator.username, "noted", handoff.id)
    return note


def check_reply(text: str) -> str:
    return _clean_text(text, MAX_REPLY_LENGTH, "reply")


def notes(uow: UnitOfWork, handoff_id: int) -> list[tuple[HandoffNote, str]]:
    rows = uow.session.execute(
        select(HandoffNote, Coordinator.display_name).join(Coordinator, HandoffNote.author_id == Coordinator.id)
        .where(HandoffNote.handoff_id == handoff_id).order_by(HandoffNote.id)
    ).all()
    return [(note, name) for note, name in rows]


def queue(uow: UnitOfWork, statuses: Sequence[str] = ACTIVE) -> list[Handoff]:
    """Urgent first, then oldest first."""
    urgent_first = case((Handoff.priority == URGENT, 0), else_=1)
    return list(uow.session.execute(
        select(Handoff).where(Handoff.status.in_(list(statuses)))
        .order_by(urgent_first, Handoff.created_at, Handoff.id)
    ).scalars())


def mark_not_emergency(uow: UnitOfWork, handoff_id: int, coordinator: Coordinator) -> Handoff:
    """A coordinator judged this red flag not to be an emergency (kept, counted, audited)."""
    handoff = get_handoff(uow, handoff_id)
    if not handoff.red_flag_category:
        raise InvalidTransition("this case was not raised by a red flag")
    if handoff.not_emergency_at is None:
        handoff.not_emergency_at = utcnow()
        handoff.not_emergency_by = coordinator.id
        audit(uow, coordinator.username, "marked_not_emergency", handoff.id, category=handoff.red_flag_category)
    return handoff


def red_flag_counts(uow: UnitOfWork) -> dict[str, int]:
    """Cases raised by a red flag, and how many coordinators marked "not an emergency"."""
    raised = uow.session.execute(select(func.count()).select_from(Handoff)
                                 .where(Handoff.red_flag_category.is_not(None))).scalar_one()
    dismissed = uow.session.execute(select(func.count()).select_from(Handoff)
                                    .where(Handoff.not_emergency_at.is_not(None))).scalar_one()
    return {"raised": raised, "not_emergency": dismissed}


def counts(uow: UnitOfWork) -> dict[str, int]:
    found = dict(uow.session.execute(select(Handoff.status, func.count()).group_by(Handoff.status)).all())
    result = {status: found.get(status, 0) for status in HANDOFF_STATUSES}
    result["urgent"] = uow.session.execute(
        select(func.count()).select_from(Handoff)
        .where(Handoff.priority == URGENT, Handoff.status.in_(ACTIVE))).scalar_one()
    return result


def newest_first(uow: UnitOfWork, limit: int = 100, offset: int = 0,
                 status: Optional[str] = None) -> list[Handoff]:
    query = select(Handoff)
    if status is not None:
        query = query.where(Handoff.status == status)
    return list(uow.session.execute(
        query.order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(limit).offset(offset)
    ).scalars())


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None


def to_api(handoff: Handoff, coordinators: dict[int, str] | None = None,
           transcript: Iterable[dict] | None = None) -> dict:
    """The contract §6 shape of a handoff."""
    return {
        "id": handoff.id,
        "conversation_id": handoff.conversation_id,
        "channel": handoff.channel,
        "created_at": _iso(handoff.created_at),
        "updated_at": _iso(handoff.updated_at),
        "claimed_at": _iso(handoff.claimed_at),
        "closed_at": _iso(handoff.closed_at),
        "status": handoff.status,
        "priority": handoff.priority,
        "reason": handoff.reason,
        "assigned_to": (coordinators or {}).get(handoff.assigned_to) if handoff.assigned_to else None,
        "profile": handoff.profile or {},
        "eligibility": handoff.eligibility,
        "transcript": list(transcript) if transcript is not None else list(handoff.transcript or []),
        "red_flag": None if not handoff.red_flag_category else {
            "category": handoff.red_flag_category,
            "text": handoff.red_flag_text,
            "not_emergency": handoff.not_emergency_at is not None,
            "marked_not_emergency_at": _iso(handoff.not_emergency_at),
            "marked_not_emergency_by": (coordinators or {}).get(handoff.not_emergency_by)
            if handoff.not_emergency_by else None,
        },
    }


def coordinator_names(uow: UnitOfWork, attribute: str = "username") -> dict[int, str]:
    """Coordinator id -> user name (for the API) or display name (for people)."""
    return dict(uow.session.execute(select(Coordinator.id, getattr(Coordinator, attribute))).all())
