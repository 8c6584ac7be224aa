"""Coordinator accounts: password hashes, sign-in limits, sessions and their expiry, the CLI."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import load_console_settings
from bot.console import auth
from bot.storage.models import utcnow
from tests.helpers import ROOT

SETTINGS = replace(load_console_settings(), session_idle_minutes=30, session_max_hours=12,
                   login_max_failures=3, login_window_minutes=15)
PASSWORD = "correct horse battery"


@pytest.fixture
def anna(uow):
    with uow() as work:
        auth.create_user(work, "Anna", "Anna Li", PASSWORD)
    return "anna"


def test_passwords_are_stored_as_salted_hashes():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second and PASSWORD not in first and first.startswith("scrypt$")
    assert auth.verify_password(PASSWORD, first) and not auth.verify_password("wrong", first)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$x$y$z$a$b", "md5$1$2$3$4$5"])
def test_a_damaged_hash_never_verifies(stored):
    assert not auth.verify_password(PASSWORD, stored)


@pytest.mark.parametrize("username, name, password, why", [
    ("a", "A", PASSWORD, "user name"),
    ("bad name", "B", PASSWORD, "user name"),
    ("bob", " ", PASSWORD, "display name"),
    ("bob", "Bob", "short", "12 characters"),
    ("bob", "Bob", "bob-is-my-password", "user name"),
])
def test_bad_accounts_are_refused_with_a_reason(uow, username, name, password, why):
    with uow() as work, pytest.raises(auth.AuthError, match=why):
        auth.create_user(work, username, name, password)


def test_a_user_name_is_taken_once(uow, anna):
    with uow() as work, pytest.raises(auth.AuthError, match="already exists"):
        auth.create_user(work, "ANNA", "Another", PASSWORD)


def test_sign_in_works_with_the_right_password_only(uow, anna):
    with uow() as work:
        assert auth.authenticate(work, "anna", PASSWORD, "1.2.3.4", SETTINGS).display_name == "Anna Li"
        assert auth.authenticate(work, "anna", "wrong", "1.2.3.4", SETTINGS) is None
        assert auth.authenticate(work, "nobody", PASSWORD, "1.2.3.4", SETTINGS) is None


def test_too_many_failures_lock_the_pair_even_with_the_right_password(uow, anna):
    now = utcnow()
    for _ in range(3):
        with uow() as work:
            assert auth.authenticate(work, "anna", "wrong", "1.2.3.4", SETTINGS, now) is None
    with uow() as work, pytest.raises(auth.TooManyAttempts) as locked:
        auth.authenticate(work, "anna", PASSWORD, "1.2.3.4", SETTINGS, now)
    assert 0 < locked.value.retry_after <= 15 * 60
    with uow() as work:  # another address is not locked out by someone else's guessing
        assert auth.authenticate(work, "anna", PASSWORD, "5.6.7.8", SETTINGS, now)
    later = now + timedelta(minutes=16)
    with uow() as work:
        assert auth.authenticate(work, "anna", PASSWORD, "1.2.3.4", SETTINGS, later)


def test_a_session_expires_when_idle_and_at_its_limit(uow, anna):
    now = utcnow()
    with uow() as work:
        user = auth.find_user(work, "anna")
        token, csrf = auth.start_session(work, user, SETTINGS, now)
    with uow() as work:
        assert auth.session_user(work, token, SETTINGS, now + timedelta(minutes=29)).csrf_token == csrf
    with uow() as work:
        assert auth.session_user(work, token, SETTINGS, now + timedelta(minutes=58)) is not None
    with uow() as work:
        assert auth.session_user(work, token, SETTINGS, now + timedelta(minutes=120)) is None
    with uow() as work:
        assert auth.session_user(work, token, SETTINGS, now) is None, "an expired session is deleted"


def test_the_absolute_limit_holds_even_for_a_busy_session(uow, anna):
    now = utcnow()
    with uow() as work:
        token, _ = auth.start_session(work, auth.find_user(work, "anna"), SETTINGS, now)
    moment = now
    for _ in range(26):  # 26 x 29 min = 12 h 34 min
        moment += timedelta(minutes=29)
        with uow() as work:
            alive = auth.session_user(work, token, SETTINGS, moment)
    assert alive is None


def test_sign_out_and_password_change_end_sessions(uow, anna):
    with uow() as work:
        first, _ = auth.start_session(work, auth.find_user(work, "anna"), SETTINGS)
        second, _ = auth.start_session(work, auth.find_user(work, "anna"), SETTINGS)
    with uow() as work:
        auth.end_session(work, first)
    with uow() as work:
        assert auth.session_user(work, first, SETTINGS) is None
        assert auth.session_user(work, second, SETTINGS) is not None
        auth.set_password(work, "anna", "another long password")
    with uow() as work:
        assert auth.session_user(work, second, SETTINGS) is None


def test_a_deactivated_coordinator_cannot_sign_in(uow, anna):
    with uow() as work:
        auth.set_active(work, "anna", False)
    with uow() as work:
        assert auth.authenticate(work, "anna", PASSWORD, "1.2.3.4", SETTINGS) is None


@pytest.mark.parametrize("given, ok", [("abc", True), ("abd", False), ("", False), (None, False)])
def test_csrf_tokens_must_match_exactly(given, ok):
    assert auth.csrf_ok("abc", given) is ok


def run_cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "bot.console", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_creates_lists_and_refuses(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert subprocess.run([sys.executable, "-m", "bot.storage", "--url", url, "upgrade"], cwd=ROOT,
                          capture_output=True, timeout=120).returncode == 0
    made = run_cli("--url", url, "create-user", "anna", "--name", "Anna Li", "--password-stdin",
                   stdin=PASSWORD + "\n")
    assert made.returncode == 0 and "created coordinator anna" in made.stdout
    assert "anna\tAnna Li\tactive" in run_cli("--url", url, "list-users").stdout
    again = run_cli("--url", url, "create-user", "anna", "--name", "A", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 1 and "already exists" in again.stderr
    weak = run_cli("--url", url, "create-user", "bob", "--name", "Bob", "--password-stdin", stdin="short\n")
    assert weak.returncode == 1 and "12 characters" in weak.stderr
    empty = run_cli("--url", f"sqlite:///{tmp_path / 'empty.db'}", "list-users")
    assert empty.returncode == 2 and "bot.storage upgrade" in empty.stderr
