"""What the assistant's actions (and the console) call to store an intake.

Every function takes an open `UnitOfWork` and works inside its transaction;
the caller's `with UnitOfWork() as uow:` block decides when it is committed.

The consent rule of the contract lives here: no detail about the patient
(contract §1: clinical fields, age, country, contact) and no eligibility result
is written before `record_consent()`; trying raises `ConsentRequired`, and the
unit of work rolls back. Only `respondent` (patient or caregiver) may come first.

Values are checked and normalised with the contract's own validator
(`bot.eligibility.schema`), so the table holds only values the contract allows.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Optional

from sqlalchemy import select

from bot.eligibility.schema import ProfileError, validate_value
from bot.storage.db import UnitOfWork
from bot.storage.models import (
    CANCELLED,
    COMPLETED,
    CONSENTED_FIELDS,
    FIELDS,
    IN_PROGRESS,
    STATUSES,
    Intake,
    utcnow,
)

__all__ = [
    "StorageError",
    "ConsentRequired",
    "UnknownField",
    "InvalidValue",
    "FIELDS",
    "STATUSES",
    "IN_PROGRESS",
    "COMPLETED",
    "CANCELLED",
    "record_consent",
    "save_fields",
    "save_result",
    "mark_status",
    "get_intake",
    "list_intakes",
]


class StorageError(Exception):
    """Base of the errors this module raises on purpose."""


class ConsentRequired(StorageError):
    """A detail about the patient was to be stored before consent was recorded."""

    def __init__(self, conversation_id: str, what: str) -> None:
        super().__init__(
            f"conversation {conversation_id!r}: consent has not been recorded, "
            f"so {what} cannot be stored (call record_consent first)"
        )
        self.conversation_id = conversation_id
        self.what = what


class UnknownField(StorageError, ValueError):
    """A field name that is not an intake field (contract §1)."""

    def __init__(self, field: str, hint: str = "") -> None:
        super().__init__(
            f"{field!r} is not an intake field{hint} (known fields: {', '.join(FIELDS)})"
        )
        self.field = field


class InvalidValue(StorageError, ValueError):
    """A value the contract does not allow for its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- helpers ---------------------------------------------------------------------


def _find(uow: UnitOfWork, conversation_id: str) -> Optional[Intake]:
    _check_conversation_id(conversation_id)
    return uow.session.execute(
        select(Intake).where(Intake.conversation_id == conversation_id)
    ).scalar_one_or_none()


def _find_or_add(uow: UnitOfWork, conversation_id: str) -> Intake:
    intake = _find(uow, conversation_id)
    if intake is None:
        intake = Intake(
            conversation_id=conversation_id, consent=False, status=IN_PROGRESS, answered_fields=[]
        )
        uow.session.add(intake)
    return intake


def _check_conversation_id(conversation_id: Any) -> None:
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise InvalidValue("conversation_id", f"must be non-empty text, got {conversation_id!r}")
    if len(conversation_id) > 255:
        raise InvalidValue("conversation_id", "must be at most 255 characters")


def _column_value(field: str, value: Any) -> Any:
    """The contract-normalised value, as its column holds it."""
    try:
        value = validate_value(field, value)
    except ProfileError as exc:
        raise InvalidValue(field, exc.message) from None
    if field == "pdl1" and value is not None:
        return str(value)  # "high"... or a percentage such as "50" or "12.5"
    return value


def _as_dict(intake: Intake) -> dict[str, Any]:
    answered = list(intake.answered_fields or [])
    profile = {field: getattr(intake, field) for field in FIELDS if field in answered}
    profile["consent"] = bool(intake.consent)
    return {
        "id": intake.id,
        "conversation_id": intake.conversation_id,
        "channel": intake.channel,
        "status": intake.status,
        "consent": bool(intake.consent),
        "consent_at": intake.consent_at,
        "consent_text_version": intake.consent_text_version,
        "profile": profile,
        "answered_fields": [field for field in FIELDS if field in answered],
        "eligibility": intake.eligibility,
        "tier": intake.tier,
        "created_at": intake.created_at,
        "updated_at": intake.updated_at,
    }


# --- what the actions call ----------------------------------------------------------


def record_consent(
    uow: UnitOfWork,
    conversation_id: str,
    channel: Optional[str],
    text_version: str,
    at: Optional[datetime] = None,
) -> dict[str, Any]:
    """Record that the person consented, to which text version, when (UTC).

    `at` must carry a time zone (default: now). Creates the intake if needed;
    consenting again updates the time, version and channel.
    """
    if not isinstance(text_version, str) or not text_version.strip():
        raise InvalidValue("consent_text_version", f"must be non-empty text, got {text_version!r}")
    if at is None:
        at = utcnow()
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise InvalidValue("consent_at", f"must be a datetime with a time zone, got {at!r}")
    intake = _find_or_add(uow, conversation_id)
    intake.consent = True
    intake.consent_at = at
    intake.consent_text_version = text_version.strip()
    if channel:
        intake.channel = channel
    uow.session.flush()
    return _as_dict(intake)


def save_fields(uow: UnitOfWork, conversation_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Store (insert or update) intake fields of contract §1; returns the intake.

    Only the names in `FIELDS` are accepted (`UnknownField` otherwise; consent
    has its own function). Values are normalised by the contract's validator
    (`InvalidValue` if not allowed); None stores "asked, no answer". Any field
    but `respondent` raises `ConsentRequired` until consent is recorded.
    Nothing is written if any field is refused.
    """
    if not isinstance(fields, Mapping):
        raise InvalidValue("fields", f"must be a mapping of field names to values, got {type(fields).__name__}")
    for field in fields:
        if field == "consent":
            raise UnknownField(field, " for save_fields: consent is stored with record_consent")
        if field not in FIELDS:
            raise UnknownField(str(field))
    values = {field: _column_value(field, value) for field, value in fields.items()}
    intake = _find(uow, conversation_id)
    needs_consent = sorted(set(values) & set(CONSENTED_FIELDS))
    if needs_consent and (intake is None or not intake.consent):
        raise ConsentRequired(conversation_id, ", ".join(needs_consent))
    if intake is None:
        intake = _find_or_add(uow, conversation_id)
    for field, value in values.items():
        setattr(intake, field, value)
    answered = set(intake.answered_fields or []) | set(values)
    intake.answered_fields = [field for field in FIELDS if field in answered]
    uow.session.flush()
    return _as_dict(intake)


def save_result(uow: UnitOfWork, conversation_id: str, result: Any) -> dict[str, Any]:
    """Store the eligibility engine's result (contract §3 object) and its tier.

    `result` is the result's dict, or anything with `to_dict()` (the engine's
    `EligibilityResult`). It is derived from health details, so it too needs consent.
    """
    if not isinstance(result, Mapping) and callable(getattr(result, "to_dict", None)):
        result = result.to_dict()
    if not isinstance(result, Mapping):
        raise InvalidValue("eligibility", f"must be the engine's result object, got {type(result).__name__}")
    tier = result.get("tier")
    if not isinstance(tier, str) or not tier:
        raise InvalidValue("eligibility", "the result has no tier")
    try:
        stored = json.loads(json.dumps(dict(result)))
    except (TypeError, ValueError) as exc:
        raise InvalidValue("eligibility", f"must be JSON-serialisable: {exc}") from None
    intake = _find(uow, conversation_id)
    if intake is None or not intake.consent:
        raise ConsentRequired(conversation_id, "the eligibility result")
    intake.eligibility = stored
    intake.tier = tier
    uow.session.flush()
    return _as_dict(intake)


def mark_status(uow: UnitOfWork, conversation_id: str, status: str) -> dict[str, Any]:
    """Set the intake's status: in_progress, completed or cancelled.

    A conversation may be cancelled before consent (the row then holds no
    patient detail); `completed` needs consent (`ConsentRequired`).
    """
    if status not in STATUSES:
        raise InvalidValue("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
    intake = _find(uow, conversation_id)
    if status == COMPLETED and (intake is None or not intake.consent):
        raise ConsentRequired(conversation_id, "a completed intake")
    if intake is None:
        intake = _find_or_add(uow, conversation_id)
    intake.status = status
    uow.session.flush()
    return _as_dict(intake)


def get_intake(uow: UnitOfWork, conversation_id: str) -> Optional[dict[str, Any]]:
    """The conversation's intake as a dict, or None if nothing was stored.

    Keys: id, conversation_id, channel, status, consent, consent_at,
    consent_text_version, profile (answered §1 fields, plus consent),
    answered_fields, eligibility, tier, created_at, updated_at (aware UTC).
    """
    intake = _find(uow, conversation_id)
    return None if intake is None else _as_dict(intake)


def list_intakes(
    uow: UnitOfWork,
    *,
    status: Optional[str] = None,
    tier: Optional[str] = None,
    limit: Optional[int] = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Intakes, newest first, optionally of one status and/or one tier."""
    if status is not None and status not in STATUSES:
        raise InvalidValue("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
    query = select(Intake).order_by(Intake.created_at.desc(), Intake.id.desc())
    if status is not None:
        query = query.where(Intake.status == status)
    if tier is not None:
        query = query.where(Intake.tier == tier)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_as_dict(intake) for intake in uow.session.execute(query).scalars()]
