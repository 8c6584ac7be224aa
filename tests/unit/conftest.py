"""Fixtures of the unit tests: a fresh SQLite database in memory per test."""
import pytest

from bot.storage import UnitOfWork, make_engine, make_session_factory, metadata


@pytest.fixture
def session_factory():
    """Tables from the models (`create_all`); the migrations have their own tests."""
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(session_factory):
    """A factory of fresh units of work on that database."""
    return lambda: UnitOfWork(session_factory)
