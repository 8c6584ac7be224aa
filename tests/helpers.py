"""Shared test helpers: project paths, domain responses, a tiny REST client."""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PAGE = ROOT.parent / "shared" / "source" / "cik-lung-cancer-guide.txt"
EVAL_DIR = ROOT.parent / "shared" / "eval"


@lru_cache(maxsize=1)
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def response_texts(name: str) -> list[str]:
    return [variant["text"] for variant in domain()["responses"][name]]


def faq_keys() -> list[str]:
    return sorted(
        name.split("/", 1)[1] for name in domain()["responses"] if name.startswith("utter_faq/")
    )


def nlu_examples(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
        out.setdefault(block["intent"], []).extend(lines)
    return out


def training_examples() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for intent, examples in nlu_examples(path).items():
            merged.setdefault(intent, []).extend(examples)
    return merged


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body: dict | None = None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace")
