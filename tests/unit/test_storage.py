"""Intake storage: consent first, upserts, results, statuses, and all-or-nothing units of work.

Repository behaviour runs on SQLite in memory with tables from `create_all`;
the migrations themselves are tested in test_storage_migrations.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from bot.config import DEFAULT_DATABASE_URL, PROJECT_ROOT, load_settings
from bot.eligibility import PROFILE_FIELDS, evaluate
from bot.storage import (
    FIELDS,
    ConsentRequired,
    InvalidValue,
    UnitOfWork,
    UnknownField,
    get_intake,
    list_intakes,
    make_engine,
    mark_status,
    record_consent,
    save_fields,
    save_result,
)
from bot.storage.models import CONSENTED_FIELDS

CID = "conversation-1"
VERSION = "2026-11-1"
AT = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)

# One valid value per field that needs consent.
VALUES = {
    "diagnosis": "nsclc",
    "histology": "adenocarcinoma",
    "stage": "IV",
    "setting": ["first_line_chemotherapy", "immunotherapy"],
    "ecog": 1,
    "egfr": "negative",
    "alk": "negative",
    "pdl1": "high",
    "age": 63,
    "country": "Kenya",
    "contact_name": "Ann Example",
    "contact_email": "ann@example.org",
    "contact_phone": "+254 700 000 000",
}


def consented(uow, cid=CID, at=AT):
    with uow() as work:
        record_consent(work, cid, "rest", VERSION, at)


def stored(uow, cid=CID):
    with uow() as work:
        return get_intake(work, cid)


# --- the fields --------------------------------------------------------------------


def test_storage_fields_are_the_contract_fields_except_consent():
    assert set(FIELDS) == set(PROFILE_FIELDS) - {"consent"}
    assert set(CONSENTED_FIELDS) == set(FIELDS) - {"respondent"}


def test_every_contract_field_has_its_own_column(session_factory):
    columns = {c["name"] for c in inspect(session_factory.kw["bind"]).get_columns("intake")}
    expected = set(FIELDS) | {
        "id", "conversation_id", "channel", "consent", "consent_at", "consent_text_version",
        "eligibility", "tier", "status", "created_at", "updated_at",
    }
    assert expected <= columns


# --- consent comes first -----------------------------------------------------------


@pytest.mark.parametrize("field", CONSENTED_FIELDS)
def test_no_patient_detail_is_stored_before_consent(uow, field):
    with pytest.raises(ConsentRequired, match=f"consent has not been recorded.*{field}"):
        with uow() as work:
            save_fields(work, CID, {field: VALUES[field]})
    assert stored(uow) is None


def test_a_declined_or_missing_consent_still_blocks_once_the_row_exists(uow):
    with uow() as work:
        save_fields(work, CID, {"respondent": "caregiver"})
    with pytest.raises(ConsentRequired):
        with uow() as work:
            save_fields(work, CID, {"respondent": "patient", "stage": "IV"})
    intake = stored(uow)
    assert intake["consent"] is False
    assert intake["profile"] == {"respondent": "caregiver", "consent": False}


def test_respondent_may_be_stored_before_consent(uow):
    with uow() as work:
        save_fields(work, CID, {"respondent": "caregiver"})
    assert stored(uow)["profile"]["respondent"] == "caregiver"


def test_consent_is_recorded_with_its_time_in_utc_and_text_version(uow):
    nairobi = timezone(timedelta(hours=3))
    consented(uow, at=datetime(2026, 11, 28, 12, 30, tzinfo=nairobi))
    intake = stored(uow)
    assert intake["consent"] is True
    assert intake["consent_at"] == AT
    assert intake["consent_at"].utcoffset() == timedelta(0)
    assert intake["consent_text_version"] == VERSION
    assert intake["channel"] == "rest"
    assert intake["status"] == "in_progress"


def test_consent_time_without_a_time_zone_is_refused(uow):
    with pytest.raises(InvalidValue, match="consent_at"):
        with uow() as work:
            record_consent(work, CID, "rest", VERSION, datetime(2026, 11, 28, 9, 30))
    assert stored(uow) is None


def test_consent_without_a_text_version_is_refused(uow):
    with pytest.raises(InvalidValue, match="consent_text_version"):
        with uow() as work:
            record_consent(work, CID, "rest", " ", AT)


def test_consent_defaults_to_now(uow):
    before = datetime.now(timezone.utc)
    with uow() as work:
        record_consent(work, CID, "socketio", VERSION)
    assert before - timedelta(seconds=1) <= stored(uow)["consent_at"] <= datetime.now(timezone.utc)


def test_every_field_can_be_stored_after_consent(uow):
    consented(uow)
    with uow() as work:
        save_fields(work, CID, {"respondent": "patient", **VALUES})
    intake = stored(uow)
    assert intake["profile"] == {"respondent": "patient", **VALUES, "consent": True}


# --- upsert -------------------------------------------------------------------------


def test_save_fields_updates_the_one_row_of_the_conversation(uow, session_factory):
    consented(uow)
    with uow() as work:
        save_fields(work, CID, {"diagnosis": "nsclc", "stage": "IIIA"})
    with uow() as work:
        save_fields(work, CID, {"stage": "IIIB", "ecog": 0})
    intake = stored(uow)
    assert intake["profile"] == {"diagnosis": "nsclc", "stage": "IIIB", "ecog": 0, "consent": True}
    with session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM intake")).scalar_one() == 1


def test_conversations_are_kept_apart(uow):
    consented(uow, "a")
    consented(uow, "b")
    with uow() as work:
        save_fields(work, "a", {"stage": "IV"})
        save_fields(work, "b", {"stage": "I"})
    assert stored(uow, "a")["profile"]["stage"] == "IV"
    assert stored(uow, "b")["profile"]["stage"] == "I"


def test_asked_without_answer_differs_from_never_asked(uow):
    consented(uow)
    with uow() as work:
        save_fields(work, CID, {"ecog": None, "stage": "unknown"})
    intake = stored(uow)
    assert intake["profile"] == {"stage": "unknown", "ecog": None, "consent": True}
    assert "age" not in intake["profile"]
    assert intake["answered_fields"] == ["stage", "ecog"]


def test_values_are_normalised_by_the_contract(uow):
    consented(uow)
    with uow() as work:
        save_fields(work, CID, {"stage": "stage 3b", "ecog": "2", "pdl1": 50,
                                "setting": "First-line chemotherapy", "age": "unknown"})
    profile = stored(uow)["profile"]
    assert profile["stage"] == "IIIB"
    assert profile["ecog"] == 2
    assert profile["pdl1"] == "50"
    assert profile["setting"] == ["first_line_chemotherapy"]  # a single string is a one-item list
    assert profile["age"] is None


@pytest.mark.parametrize("field, value", [("ecog", 7), ("stage", "V"), ("contact_email", "nope"),
                                          ("respondent", "doctor"), ("pdl1", 140)])
def test_a_value_outside_the_contract_is_refused_and_nothing_changes(uow, field, value):
    consented(uow)
    with pytest.raises(InvalidValue, match=field):
        with uow() as work:
            save_fields(work, CID, {"country": "Peru", field: value})
    assert "country" not in stored(uow)["profile"]


@pytest.mark.parametrize("name", ["stge", "tier", "status", "id", "conversation_id", "consent_at"])
def test_an_unknown_field_is_refused_and_nothing_is_written(uow, name):
    consented(uow)
    with pytest.raises(UnknownField, match=repr(name)):
        with uow() as work:
            save_fields(work, CID, {"stage": "IV", name: "x"})
    assert "stage" not in stored(uow)["profile"]


def test_consent_is_not_a_field_for_save_fields(uow):
    with pytest.raises(UnknownField, match="record_consent"):
        with uow() as work:
            save_fields(work, CID, {"consent": True})
    assert stored(uow) is None


# --- eligibility result ------------------------------------------------------------


def test_the_result_needs_consent(uow):
    result = evaluate({"diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy"})
    with pytest.raises(ConsentRequired, match="eligibility result"):
        with uow() as work:
            save_result(work, CID, result.to_dict())
    assert stored(uow) is None


def test_the_engine_result_is_stored_with_its_tier(uow):
    consented(uow)
    result = evaluate({"diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy"})
    with uow() as work:
        save_result(work, CID, result)  # EligibilityResult or its dict
    intake = stored(uow)
    assert intake["tier"] == "strong_evidence"
    assert intake["eligibility"] == json.loads(json.dumps(result.to_dict()))
    with uow() as work:
        save_result(work, CID, {"tier": "specialist_review", "matches": [], "missing": ["stage"]})
    assert stored(uow)["tier"] == "specialist_review"


@pytest.mark.parametrize("result", [{}, {"tier": ""}, "strong_evidence", {"tier": "x", "at": object()}])
def test_a_result_without_a_tier_or_not_json_is_refused(uow, result):
    consented(uow)
    with pytest.raises(InvalidValue, match="eligibility"):
        with uow() as work:
            save_result(work, CID, result)
    assert stored(uow)["eligibility"] is None


# --- status -------------------------------------------------------------------------


def test_status_moves_through_its_three_values(uow):
    consented(uow)
    for status in ("completed", "in_progress", "cancelled"):
        with uow() as work:
            mark_status(work, CID, status)
        assert stored(uow)["status"] == status


def test_an_unknown_status_is_refused(uow):
    consented(uow)
    with pytest.raises(InvalidValue, match="status"):
        with uow() as work:
            mark_status(work, CID, "done")
    assert stored(uow)["status"] == "in_progress"


def test_a_conversation_may_be_cancelled_before_consent_but_not_completed(uow):
    with pytest.raises(ConsentRequired):
        with uow() as work:
            mark_status(work, CID, "completed")
    assert stored(uow) is None
    with uow() as work:
        mark_status(work, CID, "cancelled")
    intake = stored(uow)
    assert (intake["status"], intake["consent"], intake["profile"]) == ("cancelled", False, {"consent": False})


def test_updated_at_moves_on_change(uow):
    consented(uow)
    first = stored(uow)
    with uow() as work:
        save_fields(work, CID, {"stage": "IV"})
    second = stored(uow)
    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] >= first["updated_at"]
    assert second["created_at"].tzinfo is not None


# --- listing ------------------------------------------------------------------------


def test_list_intakes_newest_first_with_filters(uow):
    for cid, tier in (("old", "good_evidence"), ("mid", "strong_evidence"), ("new", "good_evidence")):
        consented(uow, cid)
        with uow() as work:
            save_result(work, cid, {"tier": tier})
    with uow() as work:
        mark_status(work, "mid", "completed")
        everything = list_intakes(work)
        good = list_intakes(work, tier="good_evidence")
        completed = list_intakes(work, status="completed")
        first = list_intakes(work, limit=1)
        rest = list_intakes(work, limit=None, offset=1)
    assert [i["conversation_id"] for i in everything] == ["new", "mid", "old"]
    assert [i["conversation_id"] for i in good] == ["new", "old"]
    assert [i["conversation_id"] for i in completed] == ["mid"]
    assert [i["conversation_id"] for i in first] == ["new"]
    assert [i["conversation_id"] for i in rest] == ["mid", "old"]


def test_list_intakes_refuses_an_unknown_status(uow):
    with pytest.raises(InvalidValue, match="status"):
        with uow() as work:
            list_intakes(work, status="open")


# --- the unit of work ---------------------------------------------------------------


def test_an_error_rolls_back_everything_the_unit_of_work_did(uow):
    with pytest.raises(RuntimeError, match="boom"):
        with uow() as work:
            record_consent(work, CID, "rest", VERSION, AT)
            save_fields(work, CID, {"stage": "IV", "respondent": "patient"})
            save_result(work, CID, {"tier": "strong_evidence"})
            raise RuntimeError("boom")
    assert stored(uow) is None
    with uow() as work:
        assert list_intakes(work) == []


def test_a_refused_write_rolls_back_the_earlier_writes_of_the_same_unit(uow):
    with pytest.raises(ConsentRequired):
        with uow() as work:
            save_fields(work, CID, {"respondent": "patient"})
            save_fields(work, CID, {"stage": "IV"})
    assert stored(uow) is None


def test_success_commits_and_each_unit_has_a_fresh_session(uow):
    first, second = uow(), uow()
    with first:
        record_consent(first, CID, "rest", VERSION, AT)
        session = first.session
    with second:
        assert second.session is not session
        assert get_intake(second, CID)["consent"] is True
    assert not session.in_transaction()


def test_explicit_rollback_discards_uncommitted_work(uow):
    with uow() as work:
        record_consent(work, CID, "rest", VERSION, AT)
        work.commit()
        save_fields(work, CID, {"stage": "IV"})
        work.rollback()
    intake = stored(uow)
    assert intake["consent"] is True and "stage" not in intake["profile"]


def test_the_database_refuses_a_second_row_for_a_conversation(session_factory):
    from sqlalchemy.exc import IntegrityError

    from bot.storage import Intake

    with pytest.raises(IntegrityError):
        with UnitOfWork(session_factory) as work:
            work.session.add_all([Intake(conversation_id=CID, answered_fields=[]),
                                  Intake(conversation_id=CID, answered_fields=[])])
            work.session.flush()


# --- engine and settings ------------------------------------------------------------


def test_database_url_defaults_to_var_cik_db(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings(tmp_path / "missing.env").database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL == f"sqlite:///{PROJECT_ROOT / 'var' / 'cik.db'}"
    monkeypatch.setenv("DATABASE_URL", " postgresql+psycopg2://u@localhost/cik ")
    assert load_settings(tmp_path / "missing.env").database_url == "postgresql+psycopg2://u@localhost/cik"


def test_make_engine_reads_database_url_creates_the_folder_and_enforces_foreign_keys(monkeypatch, tmp_path):
    path = tmp_path / "deep" / "er" / "cik.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    engine = make_engine()
    try:
        assert path.parent.is_dir()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert path.exists()
    finally:
        engine.dispose()


def test_postgresql_is_taken_from_the_url_without_connecting():
    engine = make_engine("postgresql+psycopg2://user:secret@127.0.0.1:1/cik")
    assert engine.dialect.name == "postgresql"
    assert engine.url.database == "cik"
    engine.dispose()


def test_importing_storage_connects_to_nothing_and_imports_no_rasa(tmp_path):
    target = tmp_path / "not-yet" / "cik.db"
    code = (
        "import sys, bot.storage, bot.storage.migrate, bot.storage.repository;"
        "from bot.storage import db;"
        "assert db._default_factory is None;"
        "assert not any(m == 'rasa' or m.startswith(('rasa.', 'rasa_sdk')) for m in sys.modules), 'rasa imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True,
                   env={"DATABASE_URL": f"sqlite:///{target}", "PATH": "/usr/bin:/bin"})
    assert not target.parent.exists()
