"""The Alembic migrations: `python -m bot.storage upgrade` builds exactly the models' schema.

Each test runs the real command in a subprocess with DATABASE_URL set, on a
SQLite file in a temporary folder; one test does the same on a throwaway
PostgreSQL server on loopback when the PostgreSQL binaries are installed.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.storage import (
    UnitOfWork,
    get_intake,
    make_engine,
    make_session_factory,
    metadata,
    record_consent,
    save_fields,
    save_result,
)
from bot.storage.migrate import alembic_config
from tests.helpers import ROOT, free_port


def run_storage(*args: str, url: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "bot.storage", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def upgrade(url: str) -> str:
    done = run_storage("upgrade", url=url)
    assert done.returncode == 0, f"upgrade failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def assert_intake_schema(url: str) -> None:
    engine = make_engine(url)
    try:
        found = inspect(engine)
        assert {"intake", "alembic_version"} <= set(found.get_table_names())
        columns = {c["name"] for c in found.get_columns("intake")}
        assert set(metadata.tables["intake"].columns.keys()) == columns
        indexes = {ix["name"]: ix for ix in found.get_indexes("intake")}
        assert indexes["ix_intake_conversation_id"]["unique"]
        assert indexes["ix_intake_conversation_id"]["column_names"] == ["conversation_id"]
        assert indexes["ix_intake_tier"]["column_names"] == ["tier"]
    finally:
        engine.dispose()


def assert_repository_works(url: str) -> None:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        at = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)
        with UnitOfWork(factory) as uow:
            record_consent(uow, "c1", "rest", "2026-11-1", at)
            save_fields(uow, "c1", {"stage": "IV", "ecog": 1, "pdl1": 50})
            save_result(uow, "c1", {"tier": "strong_evidence", "matches": [], "missing": []})
        with UnitOfWork(factory) as uow:
            intake = get_intake(uow, "c1")
        assert intake["consent_at"] == at
        assert intake["profile"] == {"stage": "IV", "ecog": 1, "pdl1": "50", "consent": True}
        assert intake["eligibility"]["tier"] == intake["tier"] == "strong_evidence"
    finally:
        engine.dispose()


# The newest revision (0004: setting as a list).
HEAD = "0004"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'cik.db'}"


def test_the_migrations_form_one_line_of_history():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def test_upgrade_creates_the_tables_and_says_so(sqlite_url):
    out = upgrade(sqlite_url)
    assert "upgraded from empty" in out and HEAD in out
    assert_intake_schema(sqlite_url)


def test_upgrade_twice_is_harmless(sqlite_url):
    upgrade(sqlite_url)
    out = upgrade(sqlite_url)
    assert f"already at {HEAD}" in out and "nothing to do" in out
    assert_intake_schema(sqlite_url)


def test_the_migrated_schema_matches_the_models(sqlite_url):
    upgrade(sqlite_url)
    assert schema_differences(sqlite_url) == []


def test_the_repository_works_on_the_migrated_database(sqlite_url):
    upgrade(sqlite_url)
    assert_repository_works(sqlite_url)


def test_current_reports_the_revision(sqlite_url):
    before = run_storage("current", url=sqlite_url)
    assert before.returncode == 0, before.stderr
    assert "empty (no migration applied)" in before.stdout and f"newest is {HEAD}" in before.stdout
    upgrade(sqlite_url)
    after = run_storage("current", url=sqlite_url)
    assert after.returncode == 0, after.stderr
    assert HEAD in after.stdout and "up to date" in after.stdout


def test_downgrade_to_base_drops_the_tables_and_upgrade_restores_them(sqlite_url):
    upgrade(sqlite_url)
    down = run_storage("downgrade", "base", url=sqlite_url)
    assert down.returncode == 0, down.stderr
    engine = make_engine(sqlite_url)
    try:
        assert "intake" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(sqlite_url)
    assert schema_differences(sqlite_url) == []


def assert_settings_become_lists(url: str) -> None:
    """0004: a stored single setting becomes a one-item list, and back on downgrade."""
    command.downgrade(alembic_config(url), "base")
    command.upgrade(alembic_config(url), "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as db:
            db.execute(text("insert into intake (conversation_id, setting, answered_fields, consent, status, "
                            "created_at, updated_at) values ('old', 'targeted_therapy', '[\"setting\"]', true, 'completed', "
                            "'2026-11-28 09:30:00', '2026-11-28 09:30:00')"))
        command.upgrade(alembic_config(url), "head")
        with UnitOfWork(make_session_factory(engine)) as uow:
            assert get_intake(uow, "old")["profile"]["setting"] == ["targeted_therapy"]
            save_fields(uow, "old", {"setting": ["first_line_chemotherapy", "immunotherapy"]})
        with UnitOfWork(make_session_factory(engine)) as uow:
            assert get_intake(uow, "old")["profile"]["setting"] == ["first_line_chemotherapy", "immunotherapy"]
        command.downgrade(alembic_config(url), "0003")
        with engine.connect() as db:
            assert db.execute(text("select setting from intake")).scalar() == "first_line_chemotherapy"
    finally:
        engine.dispose()


def test_a_single_setting_becomes_a_list_and_back(sqlite_url):
    assert_settings_become_lists(sqlite_url)


def test_url_option_wins_over_database_url(tmp_path):
    chosen = tmp_path / "chosen.db"
    ignored = tmp_path / "ignored.db"
    done = run_storage("--url", f"sqlite:///{chosen}", "upgrade", url=f"sqlite:///{ignored}")
    assert done.returncode == 0, done.stderr
    assert chosen.exists() and not ignored.exists()


def test_an_unreachable_database_is_a_clear_error_without_the_password():
    port = free_port()
    done = run_storage("upgrade", url=f"postgresql+psycopg2://cik:s3cret-pw@127.0.0.1:{port}/cik")
    assert done.returncode == 1
    assert "database error" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


# --- PostgreSQL, when its binaries are on this machine ------------------------------


def _pg_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


@pytest.fixture
def postgresql_url():
    """A throwaway PostgreSQL on 127.0.0.1 in a temporary folder, stopped afterwards."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        runuser = shutil.which("runuser")
        try:
            import pwd

            account = pwd.getpwnam("postgres")
        except KeyError:
            account = None
        if not runuser or account is None:
            pytest.skip("running as root without a postgres account to run PostgreSQL as")
        prefix = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="cik-pg-"))
    data, log = base / "data", base / "server.log"
    if prefix:
        os.chown(base, account.pw_uid, account.pw_gid)
    port = free_port()
    pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        started = True
        subprocess.run([*pg_ctl, "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, timeout=90)
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        pytest.fail(f"throwaway PostgreSQL did not start: {exc}\n{exc.stderr!r}\n{server_log}")
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_the_migration_runs_on_postgresql(postgresql_url):
    out = upgrade(postgresql_url)
    assert "upgraded from empty" in out
    assert f"already at {HEAD}" in upgrade(postgresql_url)
    assert_settings_become_lists(postgresql_url)
    upgrade(postgresql_url)
    assert_intake_schema(postgresql_url)
    assert schema_differences(postgresql_url) == []
    assert_repository_works(postgresql_url)
