"""Measure the red-flag safety net on a labelled set (used by `make bench` and the CI test).

Each line of a set is {"text", "category", "now"}: a positive has a category
and `now` true (happening now) or null (unclear); a hard negative has no
category, `now` false and a `kind`. The net is judged as a patient would
feel it:

- a positive is **caught** when the reply is urgent help or the question
  "Is this happening now?" (which escalates on yes or on no answer);
- **urgent now** counts only the urgent reply, for positives happening now;
- a negative is a **false alarm** when it gets the urgent reply, and an
  **extra question** when it gets "Is this happening now?".
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

HERE = Path(__file__).resolve().parent
BLIND_SET = HERE / "red_flags_blind.jsonl"
DEV_SETS = (HERE / "red_flags_dev.jsonl", HERE / "red_flags_dev_b.jsonl", HERE / "red_flags_dev_c.jsonl",
            HERE / "red_flags_dev_d.jsonl", HERE / "red_flags_dev_e.jsonl", HERE / "red_flags_dev_f.jsonl",
            HERE / "red_flags_dev_g.jsonl")


def ordinary_messages() -> list[str]:
    """The assistant's training examples that are not red flags (as the model trains the net)."""
    from bot.safety.semantic import RED_FLAG_INTENTS
    from tests.helpers import training_examples

    return [text for intent, texts in training_examples().items() if intent not in RED_FLAG_INTENTS
            for text in texts]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Result:
    caught: Counter = field(default_factory=Counter)
    positives: Counter = field(default_factory=Counter)
    urgent_now: Counter = field(default_factory=Counter)
    now_positives: Counter = field(default_factory=Counter)
    right_category: Counter = field(default_factory=Counter)
    false_alarms: Counter = field(default_factory=Counter)
    extra_questions: Counter = field(default_factory=Counter)
    negatives: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)
    alarms: list = field(default_factory=list)

    def recall(self, category: Optional[str] = None) -> float:
        if category is None:
            return sum(self.caught.values()) / max(1, sum(self.positives.values()))
        return self.caught[category] / max(1, self.positives[category])

    def false_alarm_rate(self) -> float:
        return sum(self.false_alarms.values()) / max(1, sum(self.negatives.values()))

    def extra_question_rate(self) -> float:
        return sum(self.extra_questions.values()) / max(1, sum(self.negatives.values()))

    def urgent_now_rate(self) -> float:
        return sum(self.urgent_now.values()) / max(1, sum(self.now_positives.values()))


def measure(items: Iterable[dict], assess: Callable[[str], object]) -> Result:
    """`assess(text)` returns an object with `action` ("urgent", "ask", "none") and `category`."""
    result = Result()
    for item in items:
        outcome = assess(item["text"])
        action = getattr(outcome, "action", "none")
        category = item.get("category")
        if category:
            result.positives[category] += 1
            if action in ("urgent", "ask"):
                result.caught[category] += 1
                if getattr(outcome, "category", None) == category:
                    result.right_category[category] += 1
            else:
                result.misses.append(item)
            if item.get("now") is True:
                result.now_positives[category] += 1
                result.urgent_now[category] += action == "urgent"
        else:
            kind = item.get("kind") or "other"
            result.negatives[kind] += 1
            if action == "urgent":
                result.false_alarms[kind] += 1
                result.alarms.append(item)
            elif action == "ask":
                result.extra_questions[kind] += 1
    return result


def table(result: Result) -> list[str]:
    """The figures as printable lines: per category, then overall."""
    lines = [f"{'category':26s} {'caught':>9s} {'recall':>7s} {'urgent now':>11s} {'right category':>15s}"]
    for category in sorted(result.positives):
        n = result.positives[category]
        lines.append(f"{category:26s} {result.caught[category]:4d}/{n:<4d} {result.recall(category):7.3f} "
                     f"{result.urgent_now[category]:5d}/{result.now_positives[category]:<5d} "
                     f"{result.right_category[category]:9d}/{n:<5d}")
    lines.append(f"{'all positives':26s} {sum(result.caught.values()):4d}/{sum(result.positives.values()):<4d} "
                 f"{result.recall():7.3f}   urgent at once for those happening now: {result.urgent_now_rate():.3f}")
    by_kind = defaultdict(str)
    for kind in sorted(result.negatives):
        by_kind[kind] = f"{result.false_alarms[kind]}/{result.negatives[kind]}"
    lines.append(f"hard negatives: false alarms {sum(result.false_alarms.values())}/{sum(result.negatives.values())} "
                 f"= {result.false_alarm_rate():.3f}; asked \"is this happening now?\" "
                 f"{sum(result.extra_questions.values())} = {result.extra_question_rate():.3f}")
    lines.append("  false alarms by kind: " + ", ".join(f"{k} {v}" for k, v in by_kind.items()))
    return lines
