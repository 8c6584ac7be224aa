"""The intake table: one row per conversation, one column per contract §1 field.

Written in SQLAlchemy's 2.0 style as far as 1.4 allows: a `registry()` base,
`Mapped[...]` annotations on `Column`s (1.4 has no `mapped_column`).

Times are stored in UTC: `UTCDateTime` refuses naive datetimes and always
returns aware ones, also on SQLite, which keeps no time zone.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    types,
)
from sqlalchemy.orm import Mapped, registry

# Named constraints: Alembic's batch mode on SQLite needs names to alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

mapper_registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))
Base = mapper_registry.generate_base()
metadata = mapper_registry.metadata

# Contract §1 fields, in the contract's order (consent has its own columns).
CLINICAL_FIELDS = ("diagnosis", "histology", "stage", "setting", "ecog", "egfr", "alk", "pdl1")
PERSONAL_FIELDS = ("age", "country", "contact_name", "contact_email", "contact_phone")
# Every field save_fields() accepts.
FIELDS = ("respondent",) + CLINICAL_FIELDS + PERSONAL_FIELDS
# Fields that may be stored only after consent: everything about the patient.
# `respondent` (patient or caregiver) says nothing about anyone's health.
CONSENTED_FIELDS = CLINICAL_FIELDS + PERSONAL_FIELDS

STATUSES = ("in_progress", "completed", "cancelled")
IN_PROGRESS, COMPLETED, CANCELLED = STATUSES


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(types.TypeDecorator):
    """An aware UTC datetime in, an aware UTC datetime out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a stored time must carry its time zone, got naive {value!r}")
        value = value.astimezone(timezone.utc)
        # SQLite's DATETIME keeps no zone: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Intake(Base):
    """What one conversation collected, its consent, and the engine's result."""

    __tablename__ = "intake"
    __table_args__ = (
        CheckConstraint(
            "status IN ('in_progress', 'completed', 'cancelled')", name="status"
        ),
        CheckConstraint("ecog IS NULL OR (ecog >= 0 AND ecog <= 4)", name="ecog_range"),
        CheckConstraint("age IS NULL OR (age >= 0 AND age <= 120)", name="age_range"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True, unique=True)
    channel: Mapped[Optional[str]] = Column(String(64))
    respondent: Mapped[Optional[str]] = Column(String(16))

    diagnosis: Mapped[Optional[str]] = Column(String(16))
    histology: Mapped[Optional[str]] = Column(String(32))
    stage: Mapped[Optional[str]] = Column(String(16))
    # Every current or planned treatment (contract §1): a list.
    setting: Mapped[Optional[list]] = Column(JSON)
    ecog: Mapped[Optional[int]] = Column(Integer)
    egfr: Mapped[Optional[str]] = Column(String(16))
    alk: Mapped[Optional[str]] = Column(String(16))
    pdl1: Mapped[Optional[str]] = Column(String(16))
    age: Mapped[Optional[int]] = Column(Integer)
    country: Mapped[Optional[str]] = Column(String(200))
    contact_name: Mapped[Optional[str]] = Column(String(200))
    contact_email: Mapped[Optional[str]] = Column(String(254))
    contact_phone: Mapped[Optional[str]] = Column(String(40))
    # Fields the conversation has answered, even with null: "asked, no answer"
    # (listed, null) stays apart from "never asked" (not listed).
    answered_fields: Mapped[list] = Column(JSON, nullable=False, default=list)

    consent: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    consent_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    consent_text_version: Mapped[Optional[str]] = Column(String(64))

    eligibility: Mapped[Optional[dict]] = Column(JSON)
    tier: Mapped[Optional[str]] = Column(String(32), index=True)

    status: Mapped[str] = Column(String(16), nullable=False, default=IN_PROGRESS, index=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    def __repr__(self) -> str:
        return f"<Intake {self.id} conversation={self.conversation_id!r} status={self.status}>"


# ----- Handoff to a human coordinator (contract §5-6) ------------------------

HANDOFF_STATUSES = ("open", "claimed", "closed")
OPEN, CLAIMED, CLOSED = HANDOFF_STATUSES
PRIORITIES = ("urgent", "normal")
URGENT, NORMAL = PRIORITIES
# Why a case reached a person: the intake's end, the patient's request, two
# messages in a row the assistant could not understand, a red flag.
REASONS = ("intake_complete", "patient_request", "not_understood", "red_flag")
NOTIFICATION_KINDS = ("webhook", "email")
NOTIFICATION_STATUSES = ("pending", "sent")


class Coordinator(Base):
    """A person who works the queue in the console."""

    __tablename__ = "coordinator"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = Column(String(200), nullable=False)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser. Only a hash of its cookie is stored."""

    __tablename__ = "console_session"

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    coordinator_id: Mapped[int] = Column(Integer, ForeignKey("coordinator.id"), nullable=False)
    csrf_token: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)


class LoginAttempt(Base):
    """Every sign-in try, for rate limiting and the audit of failures."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, index=True)
    ip: Mapped[str] = Column(String(64), nullable=False, index=True)
    succeeded: Mapped[bool] = Column(Boolean, nullable=False)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class Handoff(Base):
    """One case handed to the coordinators: what was known when, and who has it."""

    __tablename__ = "handoff"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'claimed', 'closed')", name="status"),
        CheckConstraint("priority IN ('urgent', 'normal')", name="priority"),
        CheckConstraint(
            "reason IN ('intake_complete', 'patient_request', 'not_understood', 'red_flag')",
            name="reason",
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    channel: Mapped[str] = Column(String(64), nullable=False)
    reason: Mapped[str] = Column(String(32), nullable=False)
    priority: Mapped[str] = Column(String(16), nullable=False, default=NORMAL)
    status: Mapped[str] = Column(String(16), nullable=False, default=OPEN, index=True)
    profile: Mapped[dict] = Column(JSON, nullable=False, default=dict)
    eligibility: Mapped[Optional[dict]] = Column(JSON)
    transcript: Mapped[list] = Column(JSON, nullable=False, default=list)
    assigned_to: Mapped[Optional[int]] = Column(Integer, ForeignKey("coordinator.id"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    claimed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    closed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    # A red flag: its category (bot/safety/categories.yml) and the words that raised it.
    red_flag_category: Mapped[Optional[str]] = Column(String(40), index=True)
    red_flag_text: Mapped[Optional[str]] = Column(String(300))
    # A coordinator judged the red flag not to be an emergency (precision in real use).
    not_emergency_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    not_emergency_by: Mapped[Optional[int]] = Column(Integer, ForeignKey("coordinator.id"))


class HandoffNote(Base):
    """An internal note on a case: coordinators only, never shown to the patient."""

    __tablename__ = "handoff_note"

    id: Mapped[int] = Column(Integer, primary_key=True)
    handoff_id: Mapped[int] = Column(Integer, ForeignKey("handoff.id"), nullable=False, index=True)
    author_id: Mapped[int] = Column(Integer, ForeignKey("coordinator.id"), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what to which case, and when: every view and every change."""

    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor: Mapped[str] = Column(String(64), nullable=False)
    action: Mapped[str] = Column(String(32), nullable=False)
    handoff_id: Mapped[Optional[int]] = Column(Integer, ForeignKey("handoff.id"), index=True)
    detail: Mapped[dict] = Column(JSON, nullable=False, default=dict)


class Notification(Base):
    """The outbox: one row per message to coordinators, kept until it is delivered."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("kind IN ('webhook', 'email')", name="kind"),
        CheckConstraint("status IN ('pending', 'sent')", name="status"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    handoff_id: Mapped[int] = Column(Integer, ForeignKey("handoff.id"), nullable=False, index=True)
    kind: Mapped[str] = Column(String(16), nullable=False)
    payload: Mapped[dict] = Column(JSON, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="pending", index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    last_error: Mapped[Optional[str]] = Column(Text)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
