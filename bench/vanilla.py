"""A vanilla `rasa init` bot, made and measured in the same run as the assistant.

It is Rasa's own starter project (its default config, trained by `rasa init
--no-prompt`), served with `rasa run --enable-api` on loopback: the yardstick
for what the assistant's understanding and dialogue cost per turn.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import free_port, http


@dataclass
class Vanilla:
    process: subprocess.Popen
    url: str
    trained_in: float
    started_in: float

    def say(self, sender: str, text: str) -> list:
        status, body = http("POST", f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text},
                            timeout=60)
        if status != 200:
            raise RuntimeError(f"vanilla bot answered {status}")
        return body

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _env() -> dict:
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")


def make(workdir: Path) -> float:
    """`rasa init --no-prompt` in `workdir` (creates and trains the starter bot); the seconds it took."""
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(workdir)],
                            cwd=workdir, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0 or not list((workdir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed: {result.stderr[-800:]}")
    return time.perf_counter() - began


def start(workdir: Path, trained_in: float) -> Vanilla:
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa", "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port)],
        cwd=workdir, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the vanilla bot stopped while starting")
        status, body = http("GET", f"{url}/status", timeout=5) if _open(port) else (0, None)
        if status == 200 and isinstance(body, dict) and body.get("model_file"):
            return Vanilla(process, url, trained_in, time.perf_counter() - began)
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("the vanilla bot did not start within 300 s")


def _open(port: int) -> bool:
    import socket
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
