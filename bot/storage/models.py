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
    Integer,
    MetaData,
    String,
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
    setting: Mapped[Optional[str]] = Column(String(40))
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
