"""Local stand-ins for the messaging apps' APIs: Telegram, Twilio and Meta's Graph API.

Each is a small threaded HTTP server on 127.0.0.1 that records every request
and answers with the JSON the real API returns, so the assistant's outgoing
calls can be checked without the internet. `FakeApis.environment()` gives the
settings that switch the three channels on against them.

`python -m tests.fakes` runs them by hand: it prints those settings as
`export` lines, then every call the assistant makes (docs/messaging-apps.md).
"""
from __future__ import annotations

import json
import shlex
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, urlsplit

TELEGRAM_TOKEN = "123456789:TEST-telegram-token"
TELEGRAM_BOT_NAME = "cik_navigator_test_bot"
TELEGRAM_SECRET_TOKEN = "test-telegram-secret"
TWILIO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TWILIO_AUTH_TOKEN = "test-twilio-auth-token"
TWILIO_WHATSAPP_NUMBER = "whatsapp:+14155238886"
FACEBOOK_VERIFY_TOKEN = "test-verify-token"
FACEBOOK_APP_SECRET = "test-app-secret"
FACEBOOK_PAGE_ACCESS_TOKEN = "test-page-access-token"
# The public address the apps are told to post to (behind a TLS proxy in production).
PUBLIC_URL = "https://cik.example.test"
TWILIO_WEBHOOK_URL = f"{PUBLIC_URL}/webhooks/twilio/webhook"


@dataclass(frozen=True)
class Call:
    """One request the assistant made to a fake API."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        """The urlencoded body (Telegram through aiogram, Twilio), one value per field."""
        return {key: values[-1] for key, values in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


Answer = Callable[[Call], tuple[int, Any]]


class FakeApi:
    """A threaded HTTP server that records each call and answers it with `answer`."""

    def __init__(self, name: str, answer: Answer) -> None:
        self.name = name
        self._answer = answer
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def mark(self) -> int:
        """A bookmark: pass it as `after` to see only the calls made since."""
        with self._lock:
            return len(self._calls)

    def calls(self, where: Callable[[Call], bool] = lambda call: True, after: int = 0) -> list[Call]:
        """The calls recorded so far (since `after`) that `where` accepts, oldest first."""
        with self._lock:
            return [call for call in self._calls[after:] if where(call)]

    def wait_for(self, where: Callable[[Call], bool], after: int = 0, timeout: float = 20.0) -> Call:
        """The first call (since `after`) that `where` accepts, waiting up to `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(where, after)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                seen = "\n".join(f"  {c.method} {c.path} {c.body[:300]!r}" for c in self.calls())
                raise AssertionError(f"no matching call to the fake {self.name} API within "
                                     f"{timeout:.0f} s; calls seen:\n{seen or '  none'}")
            time.sleep(0.05)

    def _record(self, call: Call) -> tuple[int, Any]:
        with self._lock:
            self._calls.append(call)
        return self._answer(call)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                call = Call(self.command, parts.path, parse_qs(parts.query),
                            dict(self.headers.items()), self.rfile.read(length))
                status, body = fake._record(call)
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


def telegram_answer(call: Call) -> tuple[int, Any]:
    """Bot API answers: getMe, sendMessage, and `true` for the rest (setWebhook...)."""
    method = call.path.rsplit("/", 1)[-1]
    if method == "getMe":
        result: Any = {"id": int(TELEGRAM_TOKEN.split(":")[0]), "is_bot": True,
                       "first_name": "CIK navigator", "username": TELEGRAM_BOT_NAME}
    elif method == "sendMessage":
        chat_id = int(call.form["chat_id"])
        result = {"message_id": int(time.time() * 1000) % 2**31, "date": int(time.time()),
                  "chat": {"id": chat_id, "type": "private"}, "text": call.form.get("text", "")}
    else:
        result = True
    return 200, {"ok": True, "result": result}


def twilio_answer(call: Call) -> tuple[int, Any]:
    """Twilio's answer to creating a message: the message resource, 201."""
    if call.method != "POST" or not call.path.endswith("/Messages.json"):
        return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
    form = call.form
    return 201, {
        "sid": "SM" + "%032x" % (time.time_ns() % 16**32),
        "account_sid": TWILIO_ACCOUNT_SID,
        "to": form.get("To"),
        "from": form.get("From"),
        "body": form.get("Body"),
        "status": "queued",
        "num_segments": "1",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "uri": call.path,
    }


def graph_answer(call: Call) -> tuple[int, Any]:
    """The Send API's answer: recipient and message ids."""
    if call.method != "POST" or not call.path.endswith("/me/messages"):
        return 404, {"error": {"message": "Unknown path", "type": "OAuthException", "code": 803}}
    recipient = call.json["recipient"]["id"]
    if "sender_action" in call.json:
        return 200, {"recipient_id": recipient}
    return 200, {"recipient_id": recipient, "message_id": f"m_{time.time_ns()}"}


@dataclass
class FakeApis:
    """The three fakes together, and the settings that point the assistant at them."""

    telegram: FakeApi = field(default_factory=lambda: FakeApi("Telegram", telegram_answer))
    twilio: FakeApi = field(default_factory=lambda: FakeApi("Twilio", twilio_answer))
    graph: FakeApi = field(default_factory=lambda: FakeApi("Graph", graph_answer))

    @classmethod
    def started(cls) -> "FakeApis":
        apis = cls()
        for api in apis.all():
            api.start()
        return apis

    def all(self) -> tuple[FakeApi, FakeApi, FakeApi]:
        return self.telegram, self.twilio, self.graph

    def stop(self) -> None:
        for api in self.all():
            api.stop()

    def environment(self, off: Iterable[str] = ()) -> dict[str, str]:
        """Settings that switch the channels on against the fakes, except those named in `off`.

        The API addresses always point at the fakes, so that nothing reaches the real apps.
        """
        secrets = {
            "telegram": {
                "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
                "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
                "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/telegram/webhook",
                "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN,
            },
            "twilio": {
                "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
                "TWILIO_WHATSAPP_NUMBER": TWILIO_WHATSAPP_NUMBER,
                "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
            },
            "facebook": {
                "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY_TOKEN,
                "FACEBOOK_APP_SECRET": FACEBOOK_APP_SECRET,
                "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_PAGE_ACCESS_TOKEN,
            },
        }
        env = {
            "TELEGRAM_API_URL": self.telegram.url,
            "TWILIO_API_URL": self.twilio.url,
            "FACEBOOK_GRAPH_URL": self.graph.url,
        }
        for app, values in secrets.items():
            env.update(dict.fromkeys(values, "") if app in off else values)
        return env


def _readable(call: Call) -> str:
    if "urlencoded" in call.headers.get("Content-Type", ""):
        return json.dumps(call.form, ensure_ascii=False)
    return call.body.decode(errors="replace")


def main() -> None:
    """Run the fakes until Ctrl-C: print their settings, then each call they receive."""
    apis = FakeApis.started()
    for name, value in apis.environment().items():
        print(f"export {name}={shlex.quote(value)}")
    print("# Calls to the fake APIs follow. Ctrl-C stops.", flush=True)
    shown = {api.name: 0 for api in apis.all()}
    try:
        while True:
            for api in apis.all():
                for call in api.calls(after=shown[api.name]):
                    print(f"{api.name}: {call.method} {call.path} {_readable(call)}", flush=True)
                    shown[api.name] += 1
            time.sleep(0.2)
    except KeyboardInterrupt:
        apis.stop()


if __name__ == "__main__":
    main()
