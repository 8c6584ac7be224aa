"""Telling the coordinators about a new case, through an outbox that loses nothing.

A handoff and its notifications are written in one transaction: the service
calls `build_notifications()` after `session.flush()` and adds the rows it
returns. `dispatch_due()` later sends every row that is due, each in its own
short unit of work: a delivered row becomes "sent"; a failed one stays
"pending" with its error and a later try (10 s, 20 s, 40 s ... up to
NOTIFY_MAX_BACKOFF_SECONDS). Nothing is ever given up. `Dispatcher` runs
`dispatch_due()` in the web app's event loop; `python -m bot.handoff` does it
by hand.

A notification carries no health details: the case number, its priority,
why it was raised, the channel, the time and the console link, nothing else.

    with UnitOfWork() as uow:
        uow.session.add(handoff)
        uow.session.flush()
        uow.session.add_all(build_notifications(handoff, notify, console.public_url))
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from http.client import HTTPException
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from bot.config import NotifySettings
from bot.storage.db import SessionFactory, UnitOfWork
from bot.storage.models import URGENT, Handoff, Notification, utcnow

log = logging.getLogger(__name__)

WEBHOOK, EMAIL = "webhook", "email"
PENDING, SENT = "pending", "sent"
TIMEOUT_SECONDS = 10.0
FIRST_BACKOFF_SECONDS = 10
LAST_ERROR_CHARS = 500
# A row being sent is not due again for this long, so that two dispatchers
# (the web app and `python -m bot.handoff dispatch`) do not both send it. If
# the process dies mid-send, the row is simply tried again afterwards.
CLAIM_SECONDS = 300

# Why the case reached a person, in words (Handoff.reason -> text).
REASON_WORDS = {
    "intake_complete": "the person in the chat finished the case questions",
    "patient_request": "the person in the chat asked to talk to a person",
    "not_understood": "the assistant could not understand twice",
    "red_flag": "a red flag (possible emergency) in the conversation",
}


class DeliveryError(Exception):
    """A notification was not delivered; the message is a short reason, stored in last_error."""


# ----- Building the rows ------------------------------------------------------


def build_notifications(handoff: Handoff, settings: NotifySettings, console_url: str) -> list[Notification]:
    """Unsaved outbox rows announcing `handoff`, one per way switched on (none when all are off).

    `handoff.id` must be set (flush the session first). Each row's payload is
    self-contained JSON with no health details.
    """
    if handoff.id is None:
        raise ValueError("the handoff has no id yet: flush the session before building its notifications")
    if not (settings.webhook_on or settings.email_on):
        return []
    subject, text = notification_text(handoff, console_url)
    due = _event_time(handoff)
    rows = []
    if settings.webhook_on:
        rows.append(_row(handoff, WEBHOOK, {"url": settings.webhook_url, "body": {"text": text}}, due))
    if settings.email_on:
        payload = {"to": list(settings.email_to), "from": settings.email_from,
                   "subject": subject, "text": text}
        rows.append(_row(handoff, EMAIL, payload, due))
    return rows


def notification_text(handoff: Handoff, console_url: str) -> tuple[str, str]:
    """(subject, text) announcing `handoff`: number, priority, reason, channel, time and link only."""
    urgent = handoff.priority == URGENT
    headline = f"{'URGENT: ' if urgent else ''}case #{handoff.id} needs a coordinator"
    headline = headline[0].upper() + headline[1:]
    lines = [
        headline,
        f"Priority: {'URGENT' if urgent else 'normal'}",
        f"Reason: {REASON_WORDS.get(handoff.reason, _plain(handoff.reason))}",
        f"Channel: {_plain(handoff.channel)}",
        f"Time: {_event_time(handoff).strftime('%Y-%m-%d %H:%M')} UTC",
        f"Open the case: {case_link(console_url, handoff.id)}",
    ]
    return headline, "\n".join(lines)


def case_link(console_url: str, handoff_id: int) -> str:
    """The console page of one case."""
    return f"{console_url.rstrip('/')}/console/cases/{handoff_id}"


def _event_time(handoff: Handoff) -> datetime:
    # updated_at: when an open case became urgent; created_at for a new case.
    return handoff.updated_at or handoff.created_at or utcnow()


def _plain(value: Optional[str]) -> str:
    """Letters, digits, dot, dash and underscore only: nothing a chat app or a mail header reads as markup."""
    return re.sub(r"[^\w.-]", "", value or "")[:64] or "unknown"


def _row(handoff: Handoff, kind: str, payload: dict, due: datetime) -> Notification:
    return Notification(handoff_id=handoff.id, kind=kind, payload=payload, status=PENDING,
                        attempts=0, next_attempt_at=due)


# ----- Delivering one payload -------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: a failure, not a silent GET elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send_webhook(payload: dict, timeout: float = TIMEOUT_SECONDS) -> None:
    """POST `payload["body"]` as JSON to `payload["url"]`; any answer but 2xx raises DeliveryError."""
    url, body = payload.get("url"), payload.get("body")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or body is None:
        raise DeliveryError("webhook payload has no http(s) URL or no body")
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise DeliveryError(f"webhook unreachable: {exc.reason}") from exc
    except (OSError, HTTPException) as exc:
        raise DeliveryError(f"webhook failed: {_describe(exc)}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")


def send_email(payload: dict, settings: NotifySettings, timeout: float = TIMEOUT_SECONDS) -> None:
    """Send `payload` through the SMTP server of `settings`; raises DeliveryError.

    STARTTLS when SMTP_STARTTLS is on (port 465: TLS from the start), then a
    login when SMTP_USERNAME is set. If STARTTLS is asked for but not offered,
    nothing is sent, least of all the password.
    """
    message = email_message(payload)
    try:
        with _smtp(settings, timeout) as smtp:
            _greet(smtp, settings)
            refused = smtp.send_message(message)
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"mail server does not support it: {exc}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"mail server refused every recipient: {_smtp_answers(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"mail server answered {exc.smtp_code} {_decoded(exc.smtp_error)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"mail server unreachable: {_describe(exc)}") from exc
    if refused:
        # Retrying would send the others a second copy: keep it as sent, say so.
        log.warning("mail server refused some recipients: %s", _smtp_answers(refused))


def email_message(payload: dict) -> EmailMessage:
    """The message of an email payload; DeliveryError when the payload is unusable."""
    to, sender = payload.get("to"), payload.get("from")
    if not to or not sender:
        raise DeliveryError("email payload has no sender or no recipient")
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = ", ".join(to)
        message["Subject"] = payload.get("subject", "")
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(payload.get("text", ""))
    except (ValueError, TypeError) as exc:
        raise DeliveryError(f"email payload is not a valid message: {exc}") from exc
    return message


def _smtp(settings: NotifySettings, timeout: float) -> smtplib.SMTP:
    if settings.smtp_port == 465:
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)


def _greet(smtp: smtplib.SMTP, settings: NotifySettings) -> None:
    smtp.ehlo()
    if settings.smtp_starttls and not isinstance(smtp, smtplib.SMTP_SSL):
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password)


def _smtp_answers(refused: dict) -> str:
    return "; ".join(f"{address}: {code} {_decoded(text)}" for address, (code, text) in refused.items())


def _decoded(text: Any) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__


# ----- The outbox -------------------------------------------------------------


def backoff(attempts: int, cap: int) -> int:
    """Seconds before the next try after `attempts` failures: 10, 20, 40 ... never above `cap`."""
    doubled = FIRST_BACKOFF_SECONDS * 2 ** min(max(attempts, 1) - 1, 32)
    return max(1, min(doubled, cap))


@dataclass(frozen=True)
class Attempt:
    """One try of one notification in a dispatch run."""

    notification_id: int
    handoff_id: int
    kind: str
    error: Optional[str] = None                  # None: delivered
    tries: int = 0                               # failed tries so far
    next_attempt_at: Optional[datetime] = None   # when it is tried again (failures only)

    @property
    def delivered(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class DispatchReport:
    """What a dispatch run did, and how many rows are still pending after it."""

    sent: int
    failed: int
    pending: int
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True)
class OutboxRow:
    """A pending notification, as `python -m bot.handoff outbox` lists it."""

    id: int
    handoff_id: int
    kind: str
    attempts: int
    next_attempt_at: datetime
    last_error: Optional[str]


@dataclass(frozen=True)
class _Job:
    id: int
    handoff_id: int
    kind: str
    payload: dict


def dispatch_due(session_factory: SessionFactory, settings: NotifySettings, now: Optional[datetime] = None,
                 limit: int = 50, timeout: float = TIMEOUT_SECONDS) -> DispatchReport:
    """Send every pending notification that is due (oldest first, at most `limit`).

    Each row is claimed, sent with no transaction open, and its outcome saved
    in its own unit of work. `now` fixes the clock (tests); by default it is
    the time of each step. Database errors propagate.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    attempts = []
    for notification_id in _due_ids(session_factory, clock(), limit):
        job = _claim(session_factory, notification_id, clock())
        if job is None:
            continue  # sent or claimed meanwhile by another dispatcher
        error = _deliver(job, settings, timeout)
        attempts.append(_record(session_factory, job, error, clock(), settings.max_backoff_seconds))
    sent = sum(1 for attempt in attempts if attempt.delivered)
    return DispatchReport(sent, len(attempts) - sent, count_pending(session_factory), tuple(attempts))


def count_pending(session_factory: SessionFactory) -> int:
    """How many notifications are not delivered yet."""
    with UnitOfWork(session_factory) as uow:
        return uow.session.execute(
            select(func.count()).select_from(Notification).where(Notification.status == PENDING)
        ).scalar_one()


def list_pending(session_factory: SessionFactory) -> list[OutboxRow]:
    """Every notification not delivered yet, the next to be tried first."""
    with UnitOfWork(session_factory) as uow:
        rows = uow.session.execute(
            select(Notification).where(Notification.status == PENDING)
            .order_by(Notification.next_attempt_at, Notification.id)
        ).scalars()
        return [OutboxRow(row.id, row.handoff_id, row.kind, row.attempts, row.next_attempt_at, row.last_error)
                for row in rows]


def _due_ids(session_factory: SessionFactory, now: datetime, limit: int) -> list[int]:
    with UnitOfWork(session_factory) as uow:
        return list(uow.session.execute(
            select(Notification.id)
            .where(Notification.status == PENDING, Notification.next_attempt_at <= now)
            .order_by(Notification.created_at, Notification.id)
            .limit(limit)
        ).scalars())


def _claim(session_factory: SessionFactory, notification_id: int, now: datetime) -> Optional[_Job]:
    """Push the row's next try past the sending time; None if another dispatcher got there first."""
    with UnitOfWork(session_factory) as uow:
        claimed = uow.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.status == PENDING,
                   Notification.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return None
        row = uow.session.get(Notification, notification_id)
        return _Job(row.id, row.handoff_id, row.kind, dict(row.payload))


def _deliver(job: _Job, settings: NotifySettings, timeout: float) -> Optional[str]:
    """None when delivered, else the reason it was not."""
    try:
        if job.kind == WEBHOOK:
            if not settings.webhook_on:
                raise DeliveryError("webhook is not configured")
            send_webhook(job.payload, timeout)
        elif job.kind == EMAIL:
            if not settings.email_on:
                raise DeliveryError("email is not configured")
            send_email(job.payload, settings, timeout)
        else:
            raise DeliveryError(f"unknown kind of notification {job.kind!r}")
    except DeliveryError as exc:
        return str(exc) or "not delivered"
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
        log.exception("notification %s: unexpected error while sending", job.id)
        return f"unexpected error: {_describe(exc)}"
    return None


def _record(session_factory: SessionFactory, job: _Job, error: Optional[str], now: datetime,
            cap: int) -> Attempt:
    """Save the outcome of one try: sent, or pending with its error and a later try."""
    try:
        with UnitOfWork(session_factory) as uow:
            row = uow.session.get(Notification, job.id)
            if row is None:
                return Attempt(job.id, job.handoff_id, job.kind, "deleted while being sent")
            if error is None:
                row.status, row.sent_at = SENT, now
                return Attempt(job.id, job.handoff_id, job.kind, None, row.attempts)
            row.attempts += 1
            row.last_error = error[:LAST_ERROR_CHARS]
            row.next_attempt_at = now + timedelta(seconds=backoff(row.attempts, cap))
            return Attempt(job.id, job.handoff_id, job.kind, error, row.attempts, row.next_attempt_at)
    except Exception:
        if error is None:
            log.error("notification %s was delivered but not marked sent; it will be sent again "
                      "in %s s", job.id, CLAIM_SECONDS)
        raise


# ----- The loop in the web app ------------------------------------------------


class Dispatcher:
    """Checks the outbox every NOTIFY_POLL_SECONDS, or at once after `wake()`, until `stop()`.

    Runs `dispatch_due()` in a worker thread so the event loop never waits on
    the network or the database. Nothing stops the loop but `stop()` (or
    cancelling its task): every failure is logged and tried again later.
    `before_dispatch`, if given, runs in the same thread before each check
    (e.g. importing spooled handoffs); its errors are logged too.

        dispatcher = Dispatcher(default_session_factory(), load_notify_settings())
        task = asyncio.create_task(dispatcher.run())
        ...
        dispatcher.wake()   # a handoff was just written by this process
        ...
        dispatcher.stop(); await task
    """

    def __init__(self, session_factory: SessionFactory, settings: NotifySettings,
                 clock: Optional[Callable[[], datetime]] = None,
                 before_dispatch: Optional[Callable[[], object]] = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._clock = clock
        self._before_dispatch = before_dispatch
        self._timeout = timeout
        self._wakened = asyncio.Event()
        self._stopping = False
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._failing = False

    async def run(self) -> None:
        """Check the outbox now, then after every pause, until `stop()`."""
        self._loop = asyncio.get_running_loop()
        log.info("notification outbox: checked every %s s (webhook %s, email %s)", self._pause(),
                 "on" if self._settings.webhook_on else "off", "on" if self._settings.email_on else "off")
        while not self._stopping:
            await self.dispatch_once()
            if self._stopping:
                break
            await self._sleep()

    async def dispatch_once(self) -> Optional[DispatchReport]:
        """One check of the outbox; None when it failed (logged)."""
        try:
            report = await asyncio.to_thread(self._dispatch)
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down: try again later
            self._log_failure(exc)
            return None
        if self._failing:
            log.info("notification outbox: the database answers again")
            self._failing = False
        _log_report(report)
        return report

    def wake(self) -> None:
        """Check the outbox now rather than at the end of the pause; callable from any thread."""
        loop = self._loop
        if loop is None or _running_loop() is loop:
            self._wakened.set()
            return
        try:
            loop.call_soon_threadsafe(self._wakened.set)
        except RuntimeError:
            pass  # the loop is closed: nothing left to wake

    def stop(self) -> None:
        """End `run()` after the check in progress, if any."""
        self._stopping = True
        self.wake()

    def _pause(self) -> int:
        return max(self._settings.poll_seconds, 1)

    async def _sleep(self) -> None:
        try:
            await asyncio.wait_for(self._wakened.wait(), timeout=self._pause())
        except asyncio.TimeoutError:
            pass
        self._wakened.clear()

    def _dispatch(self) -> DispatchReport:
        if self._before_dispatch is not None:
            try:
                self._before_dispatch()
            except Exception:  # noqa: BLE001 - the outbox is checked all the same
                log.exception("notification outbox: the step before the check failed")
        now = self._clock() if self._clock is not None else None
        return dispatch_due(self._session_factory, self._settings, now=now, timeout=self._timeout)

    def _log_failure(self, exc: Exception) -> None:
        if self._failing:
            log.warning("notification outbox still not checked: %s", _describe(exc))
            return
        self._failing = True
        log.error("notification outbox not checked; trying again in %s s", self._pause(), exc_info=exc)


def _running_loop() -> Optional[asyncio.AbstractEventLoop]:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _log_report(report: DispatchReport) -> None:
    for attempt in report.attempts:
        if attempt.delivered:
            log.info("notification %s (%s, case %s) sent", attempt.notification_id, attempt.kind,
                     attempt.handoff_id)
        else:
            log.warning("notification %s (%s, case %s) not sent, try %s: %s; next try at %s",
                        attempt.notification_id, attempt.kind, attempt.handoff_id, attempt.tries,
                        attempt.error, attempt.next_attempt_at)
