"""Handoff notifications: built with the handoff, no health details, delivered from the outbox, never lost.

Deliveries go to real servers on loopback (tests/notify_fakes.py): a webhook
receiver and an SMTP server. The outbox lives in SQLite in memory; the CLI
runs in a subprocess on a migrated SQLite file. Every outbox run is given a
fixed `now`, so backoff times are checked exactly.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.config import NotifySettings
from bot.handoff.notifications import (
    REASON_WORDS,
    DeliveryError,
    Dispatcher,
    backoff,
    build_notifications,
    dispatch_due,
    list_pending,
    send_webhook,
)
from bot.storage import UnitOfWork, make_engine, make_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import Handoff, Notification, utcnow
from tests.helpers import ROOT, free_port
from tests.notify_fakes import SmtpServer, WebhookReceiver

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)
CONSOLE = "https://console.example.test"
# A full case: none of this may appear in a notification.
PROFILE = {
    "respondent": "caregiver", "diagnosis": "nsclc", "histology": "adenocarcinoma", "stage": "IIIB",
    "setting": "concurrent_chemoradiotherapy", "ecog": 1, "egfr": "positive", "alk": "negative",
    "pdl1": "high", "age": 63, "country": "Kenya", "contact_name": "Ann Example",
    "contact_email": "ann@example.org", "contact_phone": "+254 700 000 000",
}
ELIGIBILITY = {"tier": "good_evidence", "explanation": "Discuss durvalumab with the treating centre."}
TRANSCRIPT = [{"from": "user", "text": "my mother is coughing blood since Tuesday"}]
CONVERSATION = "tg-4242-private-sender"
HEALTH_DETAILS = ("IIIB", "adenocarcinoma", "nsclc", "chemoradiotherapy", "Ann Example", "ann@example.org",
                  "+254 700 000 000", "700 000", "Kenya", "caregiver", "good_evidence", "durvalumab",
                  "coughing blood", CONVERSATION)


def notify(**changes) -> NotifySettings:
    """Both ways off unless switched on by `changes`."""
    settings = NotifySettings(
        webhook_url="", smtp_host="", smtp_port=25, smtp_username="", smtp_password="",
        smtp_starttls=False, email_from="", email_to=(), poll_seconds=3600, max_backoff_seconds=3600,
    )
    return replace(settings, **changes)


def email_on(smtp: SmtpServer, **changes) -> dict:
    return dict(smtp_host="127.0.0.1", smtp_port=smtp.port, email_from="cik-bot@example.test",
                email_to=("coordinators@example.test", "oncall@example.test"), **changes)


def handoff(**changes) -> Handoff:
    """An unsaved, fully filled handoff with id 12."""
    fields = dict(id=12, conversation_id=CONVERSATION, channel="telegram", reason="intake_complete",
                  priority="normal", status="open", profile=PROFILE, eligibility=ELIGIBILITY,
                  transcript=TRANSCRIPT, created_at=NOW, updated_at=NOW)
    fields.update(changes)
    return Handoff(**fields)


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def smtp():
    with SmtpServer() as running:
        yield running


def add_case(session_factory, settings: NotifySettings, at: datetime = NOW, **changes) -> int:
    """Write a handoff and its notifications in one unit of work, as the handoff service does."""
    with UnitOfWork(session_factory) as uow:
        case = handoff(id=None, conversation_id=f"{CONVERSATION}-{time.monotonic_ns()}",
                       created_at=at, updated_at=at, **changes)
        uow.session.add(case)
        uow.session.flush()
        uow.session.add_all(build_notifications(case, settings, CONSOLE))
        return case.id


def outbox(session_factory) -> list[Notification]:
    with UnitOfWork(session_factory) as uow:
        return list(uow.session.execute(select(Notification).order_by(Notification.id)).scalars())


def only_row(session_factory) -> Notification:
    rows = outbox(session_factory)
    assert len(rows) == 1, f"expected one notification, found {len(rows)}"
    return rows[0]


# ----- Building ---------------------------------------------------------------


@pytest.mark.parametrize("webhook, email, kinds", [
    (False, False, []),
    (True, False, ["webhook"]),
    (False, True, ["email"]),
    (True, True, ["webhook", "email"]),
])
def test_one_notification_is_built_per_way_switched_on(webhook, email, kinds):
    settings = notify(webhook_url="https://hooks.example.test/T1" if webhook else "",
                      smtp_host="smtp.example.test" if email else "", email_from="bot@example.test",
                      email_to=("team@example.test",))
    rows = build_notifications(handoff(), settings, CONSOLE)
    assert [row.kind for row in rows] == kinds
    assert all(row.handoff_id == 12 and row.status == "pending" and row.attempts == 0 for row in rows)


def test_the_payloads_are_self_contained_json_for_a_webhook_and_an_email():
    settings = notify(webhook_url="https://hooks.example.test/T1", smtp_host="smtp.example.test",
                      email_from="bot@example.test", email_to=("a@example.test", "b@example.test"))
    webhook, email = build_notifications(handoff(), settings, CONSOLE)
    assert json.loads(json.dumps(webhook.payload)) == webhook.payload
    assert set(webhook.payload) == {"url", "body"} and set(webhook.payload["body"]) == {"text"}
    assert webhook.payload["url"] == "https://hooks.example.test/T1"
    assert set(email.payload) == {"to", "from", "subject", "text"}
    assert email.payload["to"] == ["a@example.test", "b@example.test"]
    assert email.payload["from"] == "bot@example.test"
    assert email.payload["text"] == webhook.payload["body"]["text"]


def texts(case: Handoff, console: str = CONSOLE) -> str:
    settings = notify(webhook_url="https://hooks.example.test/T1", smtp_host="smtp.example.test",
                      email_from="bot@example.test", email_to=("team@example.test",))
    return json.dumps([row.payload for row in build_notifications(case, settings, console)])


def test_an_urgent_case_says_urgent_with_the_link_channel_and_time():
    webhook_text = build_notifications(handoff(priority="urgent", reason="red_flag"),
                                       notify(webhook_url="https://h.example.test"), CONSOLE)[0].payload
    text = webhook_text["body"]["text"]
    assert text.startswith("URGENT: case #12 needs a coordinator"), text
    assert "Priority: URGENT" in text
    assert f"{CONSOLE}/console/cases/12" in text
    assert "Channel: telegram" in text
    assert "Time: 2026-11-28 09:30 UTC" in text
    assert "a red flag (possible emergency) in the conversation" in text


def test_a_case_that_became_urgent_gives_the_time_it_did():
    text = texts(handoff(priority="urgent", created_at=NOW, updated_at=NOW + timedelta(hours=2)))
    assert "Time: 2026-11-28 11:30 UTC" in text


def test_a_normal_case_does_not_say_urgent():
    assert "URGENT" not in texts(handoff(priority="normal"))


@pytest.mark.parametrize("reason, words", [
    ("intake_complete", "finished the case questions"),
    ("patient_request", "asked to talk to a person"),
    ("not_understood", "the assistant could not understand twice"),
    ("red_flag", "a red flag (possible emergency) in the conversation"),
])
def test_the_reason_is_said_in_words(reason, words):
    assert words in REASON_WORDS[reason]
    assert words in texts(handoff(reason=reason))


def test_no_health_detail_name_contact_or_transcript_is_in_a_notification():
    sent = texts(handoff(priority="urgent", reason="red_flag")).lower()
    leaked = [detail for detail in HEALTH_DETAILS if detail.lower() in sent]
    assert not leaked, f"a notification carries {leaked}"


def test_the_link_has_one_slash_even_when_the_console_url_ends_with_one():
    assert "https://console.example.test/console/cases/12" in texts(handoff(), CONSOLE + "/")


def test_a_channel_name_cannot_inject_markup_or_headers():
    sent = texts(handoff(channel="web\r\nBcc: x@evil.test <!channel>"))
    assert "Channel: webBccxevil.testchannel" in json.loads(sent)[0]["body"]["text"]


def test_a_handoff_must_be_flushed_before_its_notifications_are_built():
    with pytest.raises(ValueError, match="flush"):
        build_notifications(handoff(id=None), notify(webhook_url="https://h.example.test"), CONSOLE)


# ----- Delivering -------------------------------------------------------------


def test_a_webhook_is_posted_as_json_and_marked_sent(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    case = add_case(session_factory, settings, priority="urgent", reason="red_flag")
    report = dispatch_due(session_factory, settings, now=NOW)
    assert (report.sent, report.failed, report.pending) == (1, 0, 0)
    [post] = receiver.posts
    assert post.path == "/hooks/coordinators"
    assert post.headers["Content-Type"] == "application/json"
    assert set(post.json) == {"text"}
    assert f"{CONSOLE}/console/cases/{case}" in post.json["text"] and "URGENT" in post.json["text"]
    row = only_row(session_factory)
    assert (row.status, row.sent_at, row.attempts) == ("sent", NOW, 0)


def test_an_email_is_delivered_to_every_recipient_and_marked_sent(session_factory, smtp):
    settings = notify(**email_on(smtp))
    case = add_case(session_factory, settings, priority="urgent", reason="patient_request")
    assert dispatch_due(session_factory, settings, now=NOW).sent == 1
    [mail] = smtp.messages
    assert mail.sender == "cik-bot@example.test"
    assert mail.recipients == ["coordinators@example.test", "oncall@example.test"]
    message = mail.message
    assert message["Subject"] == f"URGENT: case #{case} needs a coordinator"
    assert message["To"] == "coordinators@example.test, oncall@example.test"
    assert f"{CONSOLE}/console/cases/{case}" in message.get_content()
    assert mail.login is None
    assert only_row(session_factory).status == "sent"


def test_the_mail_server_login_is_used_when_a_username_is_set(session_factory, smtp):
    settings = notify(**email_on(smtp, smtp_username="cik-bot", smtp_password="s3cret pass"))
    add_case(session_factory, settings)
    assert dispatch_due(session_factory, settings, now=NOW).sent == 1
    assert smtp.messages[0].login == ("cik-bot", "s3cret pass")


def test_starttls_asked_but_not_offered_sends_nothing_not_even_the_password(session_factory, smtp):
    settings = notify(**email_on(smtp, smtp_starttls=True, smtp_username="cik-bot", smtp_password="pw"))
    add_case(session_factory, settings)
    report = dispatch_due(session_factory, settings, now=NOW)
    assert (report.sent, report.failed) == (0, 1)
    row = only_row(session_factory)
    assert row.status == "pending" and "STARTTLS" in row.last_error
    assert smtp.messages == [] and not any(c.upper().startswith("AUTH") for c in smtp.commands)


def test_a_mail_server_that_refuses_for_now_leaves_the_email_pending(session_factory, smtp):
    settings = notify(**email_on(smtp))
    add_case(session_factory, settings)
    smtp.fail_first(1)
    dispatch_due(session_factory, settings, now=NOW)
    row = only_row(session_factory)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("mail server answered 451")
    assert dispatch_due(session_factory, settings, now=NOW + timedelta(seconds=10)).sent == 1
    assert len(smtp.messages) == 1


def test_a_webhook_failing_twice_backs_off_10_then_20_seconds_then_is_delivered(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    add_case(session_factory, settings)
    receiver.fail_first(2)

    first = dispatch_due(session_factory, settings, now=NOW)
    row = only_row(session_factory)
    assert (first.failed, first.pending) == (1, 1)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "webhook answered HTTP 500")
    assert row.next_attempt_at == NOW + timedelta(seconds=10)

    second_at = NOW + timedelta(seconds=10)
    dispatch_due(session_factory, settings, now=second_at)
    row = only_row(session_factory)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == second_at + timedelta(seconds=20)

    third = dispatch_due(session_factory, settings, now=second_at + timedelta(seconds=20))
    assert (third.sent, third.failed, third.pending) == (1, 0, 0)
    assert only_row(session_factory).status == "sent"
    assert [post.status for post in receiver.posts] == [500, 500, 200]


def test_a_row_not_yet_due_is_left_alone(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    add_case(session_factory, settings)
    receiver.fail_first(1)
    dispatch_due(session_factory, settings, now=NOW)
    report = dispatch_due(session_factory, settings, now=NOW + timedelta(seconds=9))
    assert (report.sent, report.failed, report.pending) == (0, 0, 1)
    assert len(receiver.posts) == 1
    assert only_row(session_factory).attempts == 1


def test_a_closed_port_leaves_the_webhook_pending_with_its_error(session_factory):
    settings = notify(webhook_url=f"http://127.0.0.1:{free_port()}/hook")
    add_case(session_factory, settings)
    report = dispatch_due(session_factory, settings, now=NOW)
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    row = only_row(session_factory)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error.startswith("webhook unreachable") and "refused" in row.last_error.lower()


def test_a_redirect_is_a_failure_not_followed(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    add_case(session_factory, settings)
    receiver.respond_with(302)
    dispatch_due(session_factory, settings, now=NOW)
    assert only_row(session_factory).last_error == "webhook answered HTTP 302"
    assert len(receiver.posts) == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.test/x", ""])
def test_a_webhook_url_that_is_not_http_is_refused(url):
    with pytest.raises(DeliveryError, match="http"):
        send_webhook({"url": url, "body": {"text": "x"}})


@pytest.mark.parametrize("attempts, cap, seconds", [
    (1, 3600, 10), (2, 3600, 20), (3, 3600, 40), (4, 3600, 80),
    (9, 3600, 2560), (10, 3600, 3600), (500, 3600, 3600),
    (3, 30, 30), (1, 5, 5), (0, 3600, 10),
])
def test_backoff_doubles_from_10_seconds_up_to_the_cap(attempts, cap, seconds):
    assert backoff(attempts, cap) == seconds


def test_the_wait_between_tries_never_exceeds_the_cap(session_factory, receiver):
    settings = notify(webhook_url=receiver.url, max_backoff_seconds=25)
    add_case(session_factory, settings)
    receiver.fail_first(3)
    at = NOW
    for expected in (10, 20, 25):
        dispatch_due(session_factory, settings, now=at)
        row = only_row(session_factory)
        assert row.next_attempt_at - at == timedelta(seconds=expected)
        at = row.next_attempt_at


def test_a_long_error_is_trimmed_to_500_characters(session_factory, monkeypatch):
    settings = notify(webhook_url="https://hooks.example.test/T1")
    add_case(session_factory, settings)

    def fails(payload, timeout):
        raise DeliveryError("x" * 2000)

    monkeypatch.setattr("bot.handoff.notifications.send_webhook", fails)
    dispatch_due(session_factory, settings, now=NOW)
    assert only_row(session_factory).last_error == "x" * 500


def test_a_way_switched_off_later_keeps_its_rows_pending_until_switched_on(session_factory, receiver):
    add_case(session_factory, notify(webhook_url=receiver.url))
    report = dispatch_due(session_factory, notify(), now=NOW)
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    row = only_row(session_factory)
    assert (row.status, row.last_error) == ("pending", "webhook is not configured")
    assert receiver.posts == []
    assert dispatch_due(session_factory, notify(webhook_url=receiver.url),
                        now=NOW + timedelta(seconds=10)).sent == 1


def test_the_oldest_due_rows_go_first_up_to_the_limit(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    first, second = add_case(session_factory, settings), add_case(session_factory, settings)
    report = dispatch_due(session_factory, settings, now=NOW, limit=1)
    assert [a.handoff_id for a in report.attempts] == [first]
    assert report.pending == 1
    assert [r.handoff_id for r in list_pending(session_factory)] == [second]


def test_a_sent_row_is_never_sent_again(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)
    add_case(session_factory, settings)
    dispatch_due(session_factory, settings, now=NOW)
    report = dispatch_due(session_factory, settings, now=NOW + timedelta(days=1))
    assert (report.sent, report.failed, report.pending) == (0, 0, 0)
    assert len(receiver.posts) == 1


def test_a_handoff_and_its_notifications_are_rolled_back_together(session_factory):
    with pytest.raises(RuntimeError):
        with UnitOfWork(session_factory) as uow:
            case = handoff(id=None)
            uow.session.add(case)
            uow.session.flush()
            settings = notify(webhook_url="https://h.example.test")
            uow.session.add_all(build_notifications(case, settings, CONSOLE))
            uow.session.flush()
            raise RuntimeError("the handoff service failed after building the notifications")
    assert outbox(session_factory) == []


# ----- The loop in the web app ------------------------------------------------


class Clock:
    """Gives these times one call after the other, then the last one for ever."""

    def __init__(self, *times: datetime) -> None:
        self.times = list(times)

    def __call__(self) -> datetime:
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


async def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.01)


def test_the_dispatcher_delivers_at_once_after_wake_and_stops(session_factory, receiver):
    settings = notify(webhook_url=receiver.url, poll_seconds=3600)
    add_case(session_factory, settings, at=NOW)
    passes = []

    async def scenario():
        # The first check comes before the row is due; the next only comes with wake() (the pause is 1 h).
        dispatcher = Dispatcher(session_factory, settings, clock=Clock(NOW - timedelta(seconds=1), NOW),
                                before_dispatch=lambda: passes.append(1))
        task = asyncio.create_task(dispatcher.run())
        await until(lambda: passes)
        await asyncio.sleep(0.05)
        assert receiver.posts == [], "the row was sent before it was due"
        woken = time.monotonic()
        threading.Thread(target=dispatcher.wake).start()   # e.g. from a request handler's thread
        await until(lambda: receiver.posts, seconds=2)
        delivered_in = time.monotonic() - woken
        dispatcher.stop()
        await asyncio.wait_for(task, timeout=2)
        return delivered_in

    assert asyncio.run(scenario()) < 2
    assert len(passes) == 2
    assert only_row(session_factory).status == "sent"


def test_the_dispatcher_checks_again_after_the_pause_without_a_wake(session_factory, receiver):
    settings = notify(webhook_url=receiver.url, poll_seconds=1)
    add_case(session_factory, settings, at=NOW)
    passes = []

    async def scenario():
        dispatcher = Dispatcher(session_factory, settings, clock=Clock(NOW - timedelta(seconds=1), NOW),
                                before_dispatch=lambda: passes.append(1))
        task = asyncio.create_task(dispatcher.run())
        await until(lambda: receiver.posts, seconds=3)
        assert len(passes) == 2, "delivered by the first check, before the row was due"
        dispatcher.stop()
        await asyncio.wait_for(task, timeout=2)

    asyncio.run(scenario())
    assert only_row(session_factory).status == "sent"


class BreakableFactory:
    """A session factory whose database can be switched off."""

    def __init__(self, session_factory) -> None:
        self.session_factory = session_factory
        self.broken = True

    def __call__(self):
        if self.broken:
            raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))
        return self.session_factory()


def test_the_dispatcher_survives_a_database_that_is_down_and_recovers(session_factory, receiver, caplog):
    settings = notify(webhook_url=receiver.url, poll_seconds=3600)
    add_case(session_factory, settings, at=NOW)
    database, passes = BreakableFactory(session_factory), []

    async def scenario():
        dispatcher = Dispatcher(database, settings, clock=Clock(NOW),
                                before_dispatch=lambda: passes.append(1))
        task = asyncio.create_task(dispatcher.run())
        for count in (1, 2, 3):
            await until(lambda: len(passes) >= count)
            await asyncio.sleep(0.05)
            assert not task.done(), "the dispatcher loop ended on a database error"
            dispatcher.wake()
        database.broken = False
        dispatcher.wake()
        await until(lambda: receiver.posts)
        dispatcher.stop()
        await asyncio.wait_for(task, timeout=2)

    with caplog.at_level(logging.INFO, logger="bot.handoff.notifications"):
        asyncio.run(scenario())
    messages = [record.getMessage() for record in caplog.records]
    assert any("not checked" in m and "could not connect" not in m for m in messages)  # first: traceback
    assert any("still not checked" in m and "could not connect" in m for m in messages)
    assert any("database answers again" in m for m in messages)
    assert only_row(session_factory).status == "sent"


def test_the_dispatcher_survives_an_error_in_the_step_before_the_check(session_factory, receiver):
    settings = notify(webhook_url=receiver.url)

    def broken_spool():
        raise OSError("spool directory unreadable")

    add_case(session_factory, settings, at=NOW)
    dispatcher = Dispatcher(session_factory, settings, clock=Clock(NOW), before_dispatch=broken_spool)
    report = asyncio.run(dispatcher.dispatch_once())
    assert report is not None and report.sent == 1


# ----- The command line -------------------------------------------------------


def run_cli(*args: str, webhook: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", NOTIFY_WEBHOOK_URL=webhook,
               SMTP_HOST="", NOTIFY_EMAIL_FROM="", NOTIFY_EMAIL_TO="")
    return subprocess.run([sys.executable, "-m", "bot.handoff", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def database(tmp_path):
    """A migrated SQLite file with one case whose webhook notification is due."""
    url = f"sqlite:///{tmp_path / 'cik.db'}"
    upgrade(url)
    engine = make_engine(url)
    add_case(make_session_factory(engine), notify(webhook_url="http://127.0.0.1:9/unused"),
             at=utcnow() - timedelta(minutes=1))
    engine.dispose()
    return url


def test_the_cli_lists_dispatches_and_empties_the_outbox(database, receiver):
    listed = run_cli("outbox", "--url", database)
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()[:2]
    assert header.split()[:5] == ["id", "case", "kind", "tries", "next"]
    assert row.split()[:4] == ["1", "1", "webhook", "0"]

    # The row's payload says where to post: point it at the receiver.
    engine = make_engine(database)
    with UnitOfWork(make_session_factory(engine)) as uow:
        uow.session.get(Notification, 1).payload = {"url": receiver.url, "body": {"text": "case #1"}}
    engine.dispose()

    sent = run_cli("dispatch", "--once", "--url", database, webhook=receiver.url)
    assert sent.returncode == 0, sent.stderr
    assert "notification 1 (webhook, case 1): sent" in sent.stdout
    assert "sent 1, failed 0, still pending 0" in sent.stdout
    assert receiver.posts[0].json == {"text": "case #1"}

    assert "The outbox is empty" in run_cli("--url", database, "outbox").stdout


def test_the_cli_reports_a_failure_and_the_next_try(database):
    done = run_cli("dispatch", "--once", "--url", database, webhook="http://127.0.0.1:9/unused")
    assert done.returncode == 0, done.stderr
    assert "notification 1 (webhook, case 1): failed (try 1): webhook unreachable" in done.stdout
    assert "still pending 1" in done.stdout
    listed = run_cli("outbox", "--url", database).stdout
    assert "webhook unreachable" in listed and listed.splitlines()[1].split()[3] == "1"


@pytest.mark.parametrize("url, says", [
    ("not a url at all", "is not a database URL"),
    ("nosuchdb://user:hunter2@host/db", "is not a database URL"),
])
def test_the_cli_exits_2_on_a_bad_database_url(url, says):
    for args in (["outbox"], ["dispatch", "--once"]):
        done = run_cli(*args, "--url", url)
        assert done.returncode == 2, done.stdout + done.stderr
        assert says in done.stderr
        assert "hunter2" not in done.stderr


def test_the_cli_exits_2_on_a_database_without_the_tables(tmp_path):
    done = run_cli("outbox", "--url", f"sqlite:///{tmp_path / 'empty.db'}")
    assert done.returncode == 2
    assert "python -m bot.storage upgrade" in done.stderr
