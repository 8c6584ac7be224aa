"""The intake's storage calls: stored when possible, an honest False when not."""
import pytest

from bot.intake import records
from bot.storage import UnitOfWork, get_intake, make_engine, make_session_factory, metadata


@pytest.fixture
def uow_factory():
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    factory = make_session_factory(engine)
    return lambda: UnitOfWork(factory)


def test_consent_answers_and_result_are_stored(uow_factory):
    assert records.store_consent("c1", "rest", "2026-11-1", uow_factory)
    assert records.store_answers("c1", {"stage": "IV", "ecog": 1, "respondent": "patient"}, uow_factory)
    assert records.store_result("c1", {"tier": "specialist_review", "matches": [], "missing": ["setting"],
                                       "explanation": "..."}, uow_factory)
    with uow_factory() as uow:
        intake = get_intake(uow, "c1")
    assert intake["profile"]["stage"] == "IV" and intake["profile"]["ecog"] == 1
    assert intake["status"] == "completed" and intake["tier"] == "specialist_review"


def test_answers_before_consent_are_refused_and_reported(uow_factory):
    assert records.store_answers("c2", {"stage": "IV"}, uow_factory) is False
    with uow_factory() as uow:
        assert get_intake(uow, "c2") is None


def test_a_broken_database_is_reported_not_raised(tmp_path):
    broken = lambda: UnitOfWork(make_session_factory(make_engine(f"sqlite:///{tmp_path}/missing/x/y.db")))  # noqa: E731
    assert records.store_consent("c3", "rest", "v", broken) is False
