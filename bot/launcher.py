"""Start the whole product locally and stop it cleanly.

`python -m bot.launcher` starts the action server, the Rasa server (REST and
socket.io channels, HTTP API behind a token) and the web app (the chat page
and the embeddable widget), waits until all answer, prints where to chat, and
stops them all on Ctrl-C or SIGTERM. It needs no terminal, so a
process supervisor can run it; it exits non-zero if a server dies or cannot
start.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings, load_settings

DEFAULT_MODEL = PROJECT_ROOT / "models" / "cik.tar.gz"
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Children get SIGTERM if the launcher itself is killed (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Service:
    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, env: dict[str, str], log_dir: Path | None) -> None:
        out = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            out = open(log_dir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float) -> None:
        if not self.alive():
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _responds(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def build_services(settings: Settings, model: Path, token: str) -> list[Service]:
    python = sys.executable
    host = settings.bind_host
    actions = Service(
        "action-server",
        [python, "-m", "rasa_sdk", "--actions", "actions",
         "--port", str(settings.action_port), "--cors", "*"],
        f"http://127.0.0.1:{settings.action_port}/health",
    )
    rasa = Service(
        "rasa-server",
        [python, "-m", "rasa", "run", "--model", str(model),
         "--interface", host, "--port", str(settings.rasa_port),
         "--enable-api", "--auth-token", token,
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
         "--cors", "*"],
        f"http://127.0.0.1:{settings.rasa_port}/status?token={token}",
    )
    web = Service(
        "web-app",
        [python, "-m", "bot.web", "--host", host, "--port", str(settings.web_port)],
        f"http://127.0.0.1:{settings.web_port}/health",
    )
    return [actions, rasa, web]


def child_environment(settings: Settings, token: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        RASA_API_TOKEN=token,
        ACTION_PORT=str(settings.action_port),
        TRACKER_DB=os.environ.get("TRACKER_DB", str(PROJECT_ROOT / "var" / "tracker.db")),
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        TF_CPP_MIN_LOG_LEVEL=env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        SANIC_HOST=settings.bind_host,
        PYTHONWARNINGS=env.get("PYTHONWARNINGS", "ignore::DeprecationWarning"),
    )
    return env


class Launcher:
    def __init__(self, settings: Settings, model: Path, log_dir: Path | None = None):
        self.settings = settings
        self.token = settings.rasa_api_token or secrets.token_urlsafe(24)
        self.generated_token = not settings.rasa_api_token
        self.services = build_services(settings, model, self.token)
        self.log_dir = log_dir
        self._stopping = False

    def migrate(self, env: dict[str, str]) -> None:
        """Bring the database schema up to date (Alembic) before serving."""
        result = subprocess.run(
            [sys.executable, "-m", "bot.storage", "upgrade"], cwd=PROJECT_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if result.returncode != 0:
            raise RuntimeError("database migration failed:\n" + result.stdout.strip())
        print(result.stdout.strip(), flush=True)

    def start(self, timeout: float = 300.0) -> None:
        env = child_environment(self.settings, self.token)
        Path(env["TRACKER_DB"]).parent.mkdir(parents=True, exist_ok=True)
        self.migrate(env)
        for service in self.services:
            service.start(env, self.log_dir)
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while pending:
            for service in list(pending):
                if not service.alive():
                    raise RuntimeError(f"{service.name} exited while starting")
                if _responds(service.ready_url):
                    pending.remove(service)
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise RuntimeError(f"{names} did not answer within {timeout:.0f}s")
            if pending:
                time.sleep(0.5)

    def stop(self, grace: float = 15.0) -> None:
        self._stopping = True
        for service in reversed(self.services):
            service.stop(grace)

    def wait(self) -> int:
        """Block until a signal asks us to stop (0) or a server dies (1)."""
        while not self._stopping:
            for service in self.services:
                if not service.alive():
                    print(f"{service.name} stopped unexpectedly; shutting down.", flush=True)
                    return 1
            time.sleep(0.5)
        return 0

    def banner(self) -> str:
        s = self.settings
        token_note = " (generated for this run; set RASA_API_TOKEN to fix it)" if self.generated_token else ""
        return "\n".join([
            "CIK lung-cancer assistant is running.",
            f"  Chat in a browser: http://127.0.0.1:{s.web_port}/chat"
            f"   (embed it: http://127.0.0.1:{s.web_port}/embed)",
            f"  Coordinators:      http://127.0.0.1:{s.web_port}/console"
            "   (add one: .venv/bin/python -m bot.console create-user NAME --name \"Full Name\")",
            f"  Chat (REST):      POST http://127.0.0.1:{s.rasa_port}/webhooks/rest/webhook"
            '  {"sender": "me", "message": "hello"}',
            f"  Chat (socket.io): http://127.0.0.1:{s.rasa_port}/socket.io",
            f"  Rasa HTTP API:    http://127.0.0.1:{s.rasa_port}/  token{token_note}: {self.token}",
            f"  Action server:    http://127.0.0.1:{s.action_port}/health",
            "Stop with Ctrl-C (or SIGTERM).",
        ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="write each server's output to a file here instead of this terminal")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"error: no trained model at {args.model}; run 'make run' to train one", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    launcher = Launcher(settings, args.model, args.log_dir)

    def on_signal(signum, _frame):
        launcher._stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print("Starting the action server, the Rasa server and the web app...", flush=True)
    try:
        launcher.start()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        launcher.stop()
        return 1
    print(launcher.banner(), flush=True)
    code = launcher.wait()
    print("Stopping...", flush=True)
    launcher.stop()
    print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
