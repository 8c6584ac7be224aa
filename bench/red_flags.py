"""Red-flag figures: recall per category and false alarms on the blind and development sets.

The net runs in-process exactly as the NLU component runs it (rules, the
meaning of the MiniLM sentence vector, the time/person/intent reading); the
REST path adds only Rasa's routing, which tests/integration covers. Also the
net's own cost per message (median), without the encoder, which the
assistant runs once per message for understanding anyway.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.safety import RedFlagDetector
from bot.safety.semantic import SemanticBank
from bot.understanding.encoder import SentenceEncoder
from tests.safety.evaluate import BLIND_SET, DEV_SETS, ordinary_messages, Result, load, measure, table


def figures(encoder_dir: Path) -> dict:
    encoder = SentenceEncoder(encoder_dir)
    detector = RedFlagDetector.from_files(semantic=SemanticBank.build(encoder.encode, ordinary=ordinary_messages()))
    sets = {"blind (never tuned on)": [BLIND_SET],
            "development (tuned on)": [path for path in DEV_SETS if path.exists()]}
    results: dict[str, Result] = {}
    timings: list[float] = []
    for name, paths in sets.items():
        items = [item for path in paths for item in load(path)]
        vectors = dict(zip((i["text"] for i in items), encoder.encode([i["text"] for i in items])))

        def assess(text: str):
            began = time.perf_counter()
            outcome = detector.assess(text, vectors[text])
            timings.append((time.perf_counter() - began) * 1000)
            return outcome

        results[name] = measure(items, assess)
    return {"results": results, "p50_ms": statistics.median(timings),
            "p95_ms": sorted(timings)[int(0.95 * (len(timings) - 1))]}


def print_figures(found: dict) -> None:
    for name, result in found["results"].items():
        files = "tests/safety/red_flags_blind.jsonl" if name.startswith("blind") else "tests/safety/red_flags_dev*.jsonl"
        print(f"== Red flags, {name}: {files}")
        for line in table(result):
            print(line)
    print(f"red-flag net per message (rules, meaning, context; encoder excluded): "
          f"p50 {found['p50_ms']:.2f} ms, p95 {found['p95_ms']:.2f} ms")
