"""Understanding figures: the blind sets through the running assistant, and the trade-off.

`run_sets` plays tests/understanding/dev.jsonl, dev_b.jsonl and blind.jsonl over the REST
channel (tests/understanding/runner.py) and returns each category's rate.
`tradeoff` replays the decision (bot/understanding/decision.py) on the
readings recorded for the development set, threshold by threshold, so the
choice in decision.yml is visible: how many in-scope questions get the right
answer, a wrong one, a "did you mean...?", and how many out-of-scope messages
would get a CIK answer. `python -m bench --tune` prints only this, for tuning.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Iterable

from bot.understanding.decision import ANSWER, ASK, FAQ_PREFIX, Policy, decide, default_policy
from tests.understanding.runner import BLIND_SET, DEV_B_SET, DEV_SET, Outcome, RestChat, Runner, load, rates

IN_SCOPE = ("faq", "followup")
ANSWER_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def run_sets(chat: RestChat, sets: Iterable[str] = ("dev", "dev_b", "blind")) -> dict[str, tuple[list[Outcome], dict]]:
    paths = {"dev": DEV_SET, "dev_b": DEV_B_SET, "blind": BLIND_SET}
    results = {}
    for name in sets:
        outcomes = Runner(chat, prefix=f"bench-{name}").run(load(paths[name]))
        results[name] = (outcomes, rates(outcomes))
    return results


def replay(outcomes: list[Outcome], policy: Policy) -> Counter:
    """What the decision would have done with `policy`, from the recorded readings."""
    tally: Counter = Counter()
    for outcome in outcomes:
        item, readings = outcome.item, (outcome.understanding or {}).get("readings")
        category = item["category"]
        if readings is None or category not in (*IN_SCOPE, "out_of_scope"):
            continue
        d = decide(dict(readings["words"]), dict(readings["meaning"]), word_count=len(item["text"].split()),
                   in_context=dict(readings["in_context"]) if readings.get("in_context") else None,
                   previous_topic=readings.get("previous_topic"), policy=policy)
        if category == "out_of_scope":
            tally["oos"] += 1
            tally["false_accept"] += d.action == ANSWER and (d.label.startswith(FAQ_PREFIX)
                                                             or d.label == "check_eligibility")
            continue
        expected = {FAQ_PREFIX + item["topic"], *(FAQ_PREFIX + t for t in item.get("also", []))}
        tally["in_scope"] += 1
        if d.action == ANSWER:
            tally["right" if d.label in expected else "wrong"] += 1
        elif d.action == ASK:
            tally["asked_right" if set(d.choices) & expected else "asked_wrong"] += 1
        else:
            tally["refused"] += 1
    return tally


def tradeoff(outcomes: list[Outcome], base: Policy | None = None) -> list[tuple[float, Counter]]:
    base = base or default_policy()
    return [(threshold, replay(outcomes, dataclasses.replace(base, answer=threshold)))
            for threshold in ANSWER_THRESHOLDS]


def print_rates(name: str, table: dict) -> None:
    print(f"{'category':14s} {'n':>4s}  rate   what happened")
    for category, row in table.items():
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(row["kinds"].items(), key=lambda kv: -kv[1]))
        print(f"{category:14s} {row['n']:4d}  {row['rate']:.3f}  {kinds}")


def print_tradeoff(rows: list[tuple[float, Counter]], chosen: float) -> None:
    print("answer >=  right  wrong  asked(right)  refused | out-of-scope answered   (in-scope: faq + follow-ups)")
    for threshold, t in rows:
        n, oos = max(t["in_scope"], 1), max(t["oos"], 1)
        mark = "  <- decision.yml" if abs(threshold - chosen) < 1e-9 else ""
        print(f"  {threshold:5.2f}   {t['right'] / n:.3f}  {t['wrong'] / n:.3f}  "
              f"{(t['asked_right'] + t['asked_wrong']) / n:.3f} ({t['asked_right'] / n:.3f})  "
              f"{t['refused'] / n:.3f} | {t['false_accept'] / oos:.3f}{mark}")
