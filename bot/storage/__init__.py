"""Intake storage: SQLAlchemy models, a unit of work, repository functions, Alembic.

No Rasa here, and no engine at import time: the first `UnitOfWork()` without a
session factory connects to DATABASE_URL (bot.config; default var/cik.db).
Create or update the tables with `python -m bot.storage upgrade`.

    from bot.storage import UnitOfWork, record_consent, save_fields

    with UnitOfWork() as uow:
        record_consent(uow, sender_id, "rest", CONSENT_VERSION)
        save_fields(uow, sender_id, {"stage": "IV"})
"""
from bot.storage.db import (
    UnitOfWork,
    default_session_factory,
    dispose_default_engine,
    make_engine,
    make_session_factory,
)
from bot.storage.models import FIELDS, STATUSES, Intake, metadata
from bot.storage.repository import (
    ConsentRequired,
    InvalidValue,
    StorageError,
    UnknownField,
    get_intake,
    list_intakes,
    mark_status,
    record_consent,
    save_fields,
    save_result,
)

__all__ = [
    "UnitOfWork",
    "default_session_factory",
    "dispose_default_engine",
    "make_engine",
    "make_session_factory",
    "FIELDS",
    "STATUSES",
    "Intake",
    "metadata",
    "ConsentRequired",
    "InvalidValue",
    "StorageError",
    "UnknownField",
    "get_intake",
    "list_intakes",
    "mark_status",
    "record_consent",
    "save_fields",
    "save_result",
]
