"""Precision and recall of the treatment-history reading on a labelled set.

`measure(rows)` compares `extract_profile` with each row's `expected`:

- `setting` as a set: every treatment predicted that the label lists is a true
  positive (micro-averaged over the set), plus the share of rows read exactly;
- each biomarker (`egfr`, `alk`, `pdl1`): a prediction is right when it equals
  the label; a prediction for a row whose label does not state the biomarker is
  a false positive; and the same for the value `not_tested` alone.

Run `python -m tests.nlp.evaluate FILE...` to print the figures and the misses.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.nlp import extract_profile

HERE = Path(__file__).parent
BIOMARKERS = ("egfr", "alk", "pdl1")


def load(path: Path) -> list:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def measure(rows: list) -> dict:
    counts = {name: {"tp": 0, "predicted": 0, "expected": 0} for name in
              ("setting", *BIOMARKERS, *(f"{b}:not_tested" for b in BIOMARKERS))}
    exact, misses = 0, []
    for row in rows:
        got = extract_profile(row["text"])
        want = row["expected"]
        predicted, expected = set(got.get("setting") or []), set(want.get("setting") or [])
        setting = counts["setting"]
        setting["tp"] += len(predicted & expected)
        setting["predicted"] += len(predicted)
        setting["expected"] += len(expected)
        exact += predicted == expected
        wrong = predicted != expected
        for marker in BIOMARKERS:
            value, label = got.get(marker), want.get(marker)
            for name, keep in ((marker, lambda v: v is not None), (f"{marker}:not_tested", lambda v: v == "not_tested")):
                counts[name]["predicted"] += keep(value)
                counts[name]["expected"] += keep(label)
                counts[name]["tp"] += keep(value) and value == label
            wrong = wrong or (value is not None and value != label) or (label is not None and value != label)
        if wrong:
            misses.append((row.get("id"), row["text"], {k: got.get(k) for k in ("setting", *BIOMARKERS)},
                           {k: want.get(k) for k in ("setting", *BIOMARKERS)}))
    figures = {name: {"precision": _ratio(c["tp"], c["predicted"]), "recall": _ratio(c["tp"], c["expected"]),
                      "support": c["expected"]} for name, c in counts.items()}
    figures["setting"]["exact"] = _ratio(exact, len(rows))
    return {"rows": len(rows), "figures": figures, "misses": misses}


def table(result: dict) -> str:
    lines = [f"{'field':<18} {'precision':>9} {'recall':>7} {'support':>8}"]
    for name, f in result["figures"].items():
        lines.append(f"{name:<18} {f['precision']:>9.3f} {f['recall']:>7.3f} {f['support']:>8}")
    lines.append(f"setting read exactly: {result['figures']['setting']['exact']:.3f} of {result['rows']} rows")
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        result = measure(load(path))
        print(path)
        print(table(result))
        for miss in result["misses"]:
            print("  MISS", miss)
