"""Local stand-ins for the coordinators' webhook and mail server, for the notification tests.

`WebhookReceiver` is an HTTP server on 127.0.0.1 that records every POST and
answers 200, or the statuses it was told to answer first (`fail_first(2)`:
two 500s). `SmtpServer` is a minimal SMTP server on 127.0.0.1 (EHLO, AUTH
PLAIN, MAIL, RCPT, DATA) that records every message (`messages`); it offers no STARTTLS.
Both run in a background thread between `start()` and `stop()`.

    with WebhookReceiver() as receiver:
        receiver.fail_first(2)
        ... post to receiver.url ...
        receiver.posts[0].json
"""
from __future__ import annotations

import base64
import email
import email.policy
import json
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional


class _Background:
    """A socketserver served in a daemon thread; a context manager."""

    server: socketserver.BaseServer

    def start(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), name=type(self).__name__,
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# ----- The webhook ------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int          # what the receiver answered

    @property
    def json(self):
        return json.loads(self.body)


class WebhookReceiver(_Background):
    """Records POSTs; answers the queued statuses first, then 200."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self._statuses: list[int] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/coordinators"

    def fail_first(self, count: int, status: int = 500) -> None:
        """The next `count` requests get `status`."""
        self.respond_with(*[status] * count)

    def respond_with(self, *statuses: int) -> None:
        """The next requests get these statuses, in order (3xx: a redirect to /elsewhere)."""
        with self._lock:
            self._statuses.extend(statuses)

    @property
    def delivered(self) -> list[Post]:
        """The posts answered 2xx."""
        return [post for post in self.posts if 200 <= post.status < 300]

    def _next_status(self) -> int:
        with self._lock:
            return self._statuses.pop(0) if self._statuses else 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver._next_status()
                receiver.posts.append(Post(self.path, dict(self.headers), body, status))
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "text/plain")
                answer = b"ok" if status < 300 else b"no"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        return Handler


# ----- The mail server --------------------------------------------------------


@dataclass
class Mail:
    """One message the SMTP server accepted."""

    sender: str
    recipients: list[str]
    raw: bytes
    login: Optional[tuple[str, str]] = None   # (username, password) given with AUTH PLAIN

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class _Session:
    sender: Optional[str] = None
    recipients: list[str] = field(default_factory=list)
    login: Optional[tuple[str, str]] = None


class SmtpServer(_Background):
    """Accepts every message and records it; `fail_first(n)` refuses the next n with 451."""

    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.commands: list[str] = []
        self._failures = 0
        self._lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    def fail_first(self, count: int) -> None:
        with self._lock:
            self._failures += count

    def _fails(self) -> bool:
        with self._lock:
            if self._failures:
                self._failures -= 1
                return True
            return False

    def _handler(self):
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode("ascii") + b"\r\n")

            def handle(self) -> None:
                self.reply("220 fake-smtp ready")
                session = _Session()
                for raw in self.rfile:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    server.commands.append(line)
                    verb, _, rest = line.partition(" ")
                    if not server._answer(self, session, verb.upper(), rest):
                        return

        return Handler

    def _answer(self, handler, session: _Session, verb: str, rest: str) -> bool:
        """Answer one command; False ends the connection."""
        if verb == "EHLO":
            handler.reply("250-fake-smtp")
            handler.reply("250 AUTH PLAIN")
        elif verb == "HELO":
            handler.reply("250 fake-smtp")
        elif verb == "AUTH":
            _, _, encoded = rest.partition(" ")
            _, username, password = base64.b64decode(encoded).decode("utf-8").split("\0")
            session.login = (username, password)
            handler.reply("235 2.7.0 accepted")
        elif verb == "MAIL":
            if self._fails():
                handler.reply("451 4.3.0 try again later")
            else:
                session.sender = _address(rest)
                handler.reply("250 OK")
        elif verb == "RCPT":
            session.recipients.append(_address(rest))
            handler.reply("250 OK")
        elif verb == "DATA":
            handler.reply("354 end with <CRLF>.<CRLF>")
            self.messages.append(Mail(session.sender, list(session.recipients), _read_data(handler.rfile),
                                   session.login))
            session.sender, session.recipients = None, []
            handler.reply("250 OK queued")
        elif verb == "RSET":
            session.sender, session.recipients = None, []
            handler.reply("250 OK")
        elif verb == "QUIT":
            handler.reply("221 bye")
            return False
        elif verb == "NOOP":
            handler.reply("250 OK")
        else:
            handler.reply("502 5.5.2 command not implemented")
        return True


def _address(argument: str) -> str:
    """`FROM:<a@b>` or `TO:<a@b> SIZE=1` -> `a@b`."""
    return argument.partition("<")[2].partition(">")[0]


def _read_data(rfile) -> bytes:
    lines = []
    for raw in rfile:
        if raw in (b".\r\n", b".\n"):
            break
        lines.append(raw[1:] if raw.startswith(b"..") else raw)
    return b"".join(lines)
