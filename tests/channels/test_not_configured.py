"""Apps that are off or out of reach: the Rasa server starts and serves as usual.

One `rasa run` with the project's credentials.yml: WhatsApp and Messenger have
no settings, so their webhooks say they are off; Telegram is set up but its
API cannot be reached, so registering the webhook fails and is logged.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MODEL
from tests.fakes import FakeApis
from tests.helpers import ROOT, free_port, http, response_texts

pytestmark = pytest.mark.servers

# The webhooks of the apps that are off, and one setting each names as missing.
OFF = {"twilio": "TWILIO_ACCOUNT_SID", "facebook": "FACEBOOK_PAGE_ACCESS_TOKEN"}


@dataclass
class Server:
    url: str
    apis: FakeApis
    log: Path


def _answers(url: str) -> bool:
    try:
        return http("GET", url, timeout=2)[0] == 200
    except OSError:
        return False


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("rasa run did not start:\n" + log.read_text(errors="replace")[-4000:])
        time.sleep(0.5)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    """`rasa run` with WhatsApp and Messenger off and Telegram's API out of reach."""
    tmp = tmp_path_factory.mktemp("apps-off")
    apis = FakeApis.started()
    port = free_port()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT),
               TF_CPP_MIN_LOG_LEVEL="2", ACTION_PORT=str(free_port()),
               TRACKER_DB=str(tmp / "tracker.db"), **apis.environment(off=OFF))
    env["TELEGRAM_API_URL"] = f"http://127.0.0.1:{free_port()}"   # nothing listens there
    log = tmp / "rasa.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(MODEL), "--interface", "127.0.0.1",
             "--port", str(port), "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, process, log)
    yield Server(url, apis, log)
    process.terminate()
    process.wait(timeout=60)
    apis.stop()


@pytest.mark.parametrize("channel, setting", OFF.items())
def test_the_webhook_of_an_app_that_is_off_says_so(server, channel, setting):
    status, body = http("POST", f"{server.url}/webhooks/{channel}/webhook", {"hello": "world"})
    assert status == 503, body
    assert "is not configured" in body["error"] and f"{setting} is not set" in body["problems"]


def test_the_server_serves_as_usual_and_calls_no_app_that_is_off(server):
    for channel in OFF:
        http("POST", f"{server.url}/webhooks/{channel}/webhook", {"hello": "world"})
    status, replies = http("POST", f"{server.url}/webhooks/rest/webhook",
                           {"sender": "someone", "message": "hello"})
    assert status == 200 and replies[0]["text"] in response_texts("utter_greet")
    assert server.apis.twilio.calls() == [] and server.apis.graph.calls() == []
    log = server.log.read_text(errors="replace")
    assert "WhatsApp (Twilio) is off: its settings are not set" in log
    assert "Facebook Messenger is off: its settings are not set" in log


def test_a_telegram_api_out_of_reach_is_logged_and_the_server_keeps_serving(server):
    deadline = time.monotonic() + 30
    while "could not register the webhook" not in server.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "no error logged for the unreachable Telegram API"
        time.sleep(0.1)
    assert _answers(server.url)
