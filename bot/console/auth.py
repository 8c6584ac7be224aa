"""Coordinator accounts, sign-in, sessions and sign-in rate limiting.

Passwords are stored as scrypt hashes (salted, stdlib `hashlib.scrypt`). A
signed-in browser holds a random session token in a cookie; the database keeps
only its SHA-256, with a CSRF token and two expiry rules: idle time and an
absolute limit. Failed sign-ins are counted per user name and address and,
past the limit, refused until the window has passed, even with the right
password.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import func, select

from bot.config import ConsoleSettings
from bot.storage.db import UnitOfWork
from bot.storage.models import ConsoleSession, Coordinator, LoginAttempt, utcnow

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
# Failures from one address across user names, or for one user name from any
# address, allowed before those wait too (this many times the pair's limit).
WIDE_FACTOR = 4


class AuthError(Exception):
    """A request about accounts that cannot be carried out; the message says why."""


class TooManyAttempts(AuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {max(1, retry_after // 60)} minute(s)")
        self.retry_after = retry_after


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=len(expected),
                                n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if username.lower() in password.lower():
        raise AuthError("the password must not contain the user name")


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def find_user(uow: UnitOfWork, username: str) -> Optional[Coordinator]:
    return uow.session.execute(
        select(Coordinator).where(Coordinator.username == username.strip().lower())
    ).scalars().first()


def create_user(uow: UnitOfWork, username: str, display_name: str, password: str) -> Coordinator:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AuthError("the user name must be 2-64 characters: a-z, 0-9, '.', '_' or '-'")
    if not display_name.strip():
        raise AuthError("the display name is empty")
    if find_user(uow, username):
        raise AuthError(f"the user {username!r} already exists")
    check_new_password(password, username)
    user = Coordinator(username=username, display_name=display_name.strip(), password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    return user


def set_password(uow: UnitOfWork, username: str, password: str) -> Coordinator:
    user = find_user(uow, username)
    if user is None:
        raise AuthError(f"there is no user {username!r}")
    check_new_password(password, user.username)
    user.password_hash = hash_password(password)
    end_all_sessions(uow, user)
    return user


def set_active(uow: UnitOfWork, username: str, active: bool) -> Coordinator:
    user = find_user(uow, username)
    if user is None:
        raise AuthError(f"there is no user {username!r}")
    user.active = active
    if not active:
        end_all_sessions(uow, user)
    return user


def _recent_failures(uow: UnitOfWork, since: datetime, **where) -> tuple[int, Optional[datetime]]:
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since,
        *[getattr(LoginAttempt, key) == value for key, value in where.items()])
    count, oldest = uow.session.execute(query).one()
    return count, oldest


def _check_rate(uow: UnitOfWork, username: str, ip: str, settings: ConsoleSettings, now: datetime) -> None:
    window = timedelta(minutes=settings.login_window_minutes)
    for where, limit in (({"username": username, "ip": ip}, settings.login_max_failures),
                         ({"ip": ip}, settings.login_max_failures * WIDE_FACTOR),
                         ({"username": username}, settings.login_max_failures * WIDE_FACTOR)):
        count, oldest = _recent_failures(uow, now - window, **where)
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            raise TooManyAttempts(int((oldest + window - now).total_seconds()))


def authenticate(uow: UnitOfWork, username: str, password: str, ip: str, settings: ConsoleSettings,
                 now: Optional[datetime] = None) -> Optional[Coordinator]:
    """The active coordinator with these credentials, or None. Every try is recorded.

    Raises TooManyAttempts before checking anything once the limit is reached.
    """
    now = now or utcnow()
    username = (username or "").strip().lower()[:64]
    _check_rate(uow, username, ip, settings, now)
    user = find_user(uow, username) if username else None
    # One scrypt whatever the case, so timing does not tell which accounts exist.
    matches = verify_password(password or "", user.password_hash if user else _DUMMY_HASH)
    ok = bool(user and matches and user.active)
    uow.session.add(LoginAttempt(username=username or "-", ip=ip[:64], succeeded=ok, at=now))
    return user if ok else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    username: str
    display_name: str
    csrf_token: str


def start_session(uow: UnitOfWork, user: Coordinator, settings: ConsoleSettings,
                  now: Optional[datetime] = None) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    now = now or utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    uow.session.add(ConsoleSession(
        token_hash=_token_hash(token), coordinator_id=user.id, csrf_token=csrf, created_at=now,
        last_seen_at=now, expires_at=now + timedelta(hours=settings.session_max_hours)))
    return token, csrf


def session_user(uow: UnitOfWork, token: Optional[str], settings: ConsoleSettings,
                 now: Optional[datetime] = None) -> Optional[SignedIn]:
    """Who this cookie belongs to, if the session is alive; refreshes its idle clock."""
    if not token:
        return None
    now = now or utcnow()
    row = uow.session.execute(
        select(ConsoleSession, Coordinator).join(Coordinator, ConsoleSession.coordinator_id == Coordinator.id)
        .where(ConsoleSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    session, user = row
    idle_limit = session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if not user.active or now >= session.expires_at or now >= idle_limit:
        uow.session.delete(session)
        return None
    session.last_seen_at = now
    return SignedIn(user.id, user.username, user.display_name, session.csrf_token)


def end_session(uow: UnitOfWork, token: Optional[str]) -> None:
    if token:
        for session in uow.session.execute(
                select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))).scalars():
            uow.session.delete(session)


def end_all_sessions(uow: UnitOfWork, user: Coordinator) -> None:
    for session in uow.session.execute(
            select(ConsoleSession).where(ConsoleSession.coordinator_id == user.id)).scalars():
        uow.session.delete(session)


def same_secret(expected: str, given: Optional[str]) -> bool:
    """Constant-time comparison that also copes with non-ASCII input (never raises)."""
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def csrf_ok(expected: str, given: Optional[str]) -> bool:
    return same_secret(expected, given)
