"""Fixtures that start the real servers on loopback for integration tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port, http

MODEL = ROOT / "models" / "cik.tar.gz"
TEAM_CONTACT = "coordinators@example.test"
CONSOLE_API_TOKEN = "console-token-" + os.urandom(6).hex()
OFFICE_HOURS = "Monday to Friday, 8:00 to 16:00 (test)"
RESPONSE_TIME = "within two working hours (test)"


@dataclass
class RunningAssistant:
    rasa_url: str
    action_url: str
    token: str
    process: subprocess.Popen
    log_dir: Path
    tracker_db: Path
    database_url: str
    web_url: str
    notifications: "Notifications"

    def say(self, sender: str, message: str) -> list[dict]:
        status, body = http("POST", f"{self.rasa_url}/webhooks/rest/webhook",
                            {"sender": sender, "message": message})
        assert status == 200, f"REST channel answered {status}: {body}"
        return body

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in self.log_dir.glob("*.log"))


def _port_open(port: int) -> bool:
    import socket
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def fake_apis():
    """Local stand-ins for the Telegram, Twilio and Graph APIs (tests/fakes.py)."""
    from tests.fakes import FakeApis

    apis = FakeApis.started()
    yield apis
    apis.stop()


@dataclass
class Notifications:
    """Where the running assistant sends coordinator notifications (tests/notify_fakes.py)."""

    webhook: object
    smtp: object

    def environment(self) -> dict[str, str]:
        return {"NOTIFY_WEBHOOK_URL": self.webhook.url, "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(self.smtp.port), "SMTP_STARTTLS": "false",
                "NOTIFY_EMAIL_FROM": "assistant@example.test",
                "NOTIFY_EMAIL_TO": "team@example.test", "NOTIFY_POLL_SECONDS": "1"}


@pytest.fixture(scope="session")
def notifications():
    from tests.notify_fakes import SmtpServer, WebhookReceiver

    with WebhookReceiver() as webhook, SmtpServer() as smtp:
        yield Notifications(webhook, smtp)


def start_assistant(tmp: Path, fake_apis, notifications) -> RunningAssistant:
    """`python -m bot.launcher` exactly as `make run` starts it, on free ports, in its own folder."""
    if not MODEL.exists():
        pytest.fail("no trained model: run the tests through `make test`")
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    token = "test-token-" + os.urandom(6).hex()
    env = dict(os.environ, RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), WEB_PORT=str(web_port),
               RASA_API_TOKEN=token, TRACKER_DB=str(tmp / "tracker.db"),
               TEAM_CONTACT=TEAM_CONTACT, BIND_HOST="127.0.0.1",
               DATABASE_URL=f"sqlite:///{tmp / 'cik.db'}", CONSOLE_API_TOKEN=CONSOLE_API_TOKEN,
               OFFICE_HOURS=OFFICE_HOURS, RESPONSE_TIME=RESPONSE_TIME,
               HANDOFF_SPOOL_DIR=str(tmp / "spool"), CONSOLE_PUBLIC_URL=f"http://127.0.0.1:{web_port}",
               RED_FLAG_ANSWER_MINUTES="0.2",  # an unanswered "is this happening now?" escalates after 12 s
               **fake_apis.environment(), **notifications.environment())
    log_dir = tmp / "logs"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.launcher", "--log-dir", str(log_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    banner = []
    deadline = time.monotonic() + 300
    for line in process.stdout:
        banner.append(line)
        if "is running" in line or time.monotonic() > deadline:
            break
    if "is running" not in "".join(banner):
        process.kill()
        logs = "\n".join(p.read_text()[-3000:] for p in log_dir.glob("*.log"))
        pytest.fail("the assistant did not start:\n" + "".join(banner) + logs)
    return RunningAssistant(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}",
                            token, process, log_dir, tmp / "tracker.db",
                            f"sqlite:///{tmp / 'cik.db'}", f"http://127.0.0.1:{web_port}", notifications)


def stop_assistant(running: RunningAssistant) -> None:
    """SIGTERM must stop every server and exit 0: a teardown failure here fails the run."""
    process = running.process
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the launcher did not stop within 60 s of SIGTERM")
    rest = process.stdout.read()
    assert code == 0, f"launcher exit status {code} after SIGTERM:\n{rest}"
    assert "Stopped." in rest
    ports = [int(url.rsplit(":", 1)[1]) for url in (running.rasa_url, running.action_url, running.web_url)]
    assert not any(_port_open(port) for port in ports), "a server outlived the launcher"


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, fake_apis, notifications) -> RunningAssistant:
    """The whole product for the session's tests (shared: use fresh conversation ids)."""
    running = start_assistant(tmp_path_factory.mktemp("assistant"), fake_apis, notifications)
    yield running
    stop_assistant(running)
