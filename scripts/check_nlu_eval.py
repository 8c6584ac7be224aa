"""Fail when the held-out NLU evaluation falls below the stated minimum.

Reads the reports `rasa test nlu` wrote and checks intent accuracy and FAQ
answer (response selection) accuracy on tests/nlu/heldout.yml, which is not
part of the training data (tests/unit/test_faq_content.py checks that).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MIN_INTENT_ACCURACY = 0.85
MIN_ANSWER_ACCURACY = 0.85


def read_accuracy(path: Path) -> float:
    report = json.loads(path.read_text(encoding="utf-8"))
    return float(report["accuracy"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--min-intent", type=float, default=MIN_INTENT_ACCURACY)
    parser.add_argument("--min-answer", type=float, default=MIN_ANSWER_ACCURACY)
    args = parser.parse_args(argv)
    checks = [
        ("intent accuracy", args.results / "intent_report.json", args.min_intent),
        ("FAQ answer accuracy", args.results / "response_selection_report.json", args.min_answer),
    ]
    failed = False
    for label, path, minimum in checks:
        if not path.exists():
            print(f"FAIL {label}: no report at {path}")
            failed = True
            continue
        value = read_accuracy(path)
        verdict = "ok  " if value >= minimum else "FAIL"
        failed |= value < minimum
        print(f"{verdict} {label}: {value:.3f} (minimum {minimum:.2f})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
