"""The "is this right?" summary of the intake answers."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.intake.flow import FORM_SLOTS, UNKNOWN

SUMMARY_FILE = Path(__file__).with_name("summary.yml")


@lru_cache(maxsize=1)
def _display() -> dict:
    return yaml.safe_load(SUMMARY_FILE.read_text(encoding="utf-8"))


def display_value(field: str, value: Any) -> str:
    shown = _display()
    if value == UNKNOWN or value is None or value == [UNKNOWN]:
        return shown["unknown"]
    if isinstance(value, (list, tuple)):  # every current or planned treatment
        return "; ".join(display_value(field, item) for item in value)
    if field == "pdl1" and isinstance(value, (int, float)):
        return f"{value:g}%"
    return str(shown["values"].get(field, {}).get(value, value))


def summarise(slots: Mapping[str, Any]) -> str:
    """One line per answered question, in the order they were asked."""
    labels = _display()["labels"]
    lines = [
        f"• {labels[name]}: {display_value(name, slots[name])}"
        for name in FORM_SLOTS
        if name in labels and slots.get(name) is not None
    ]
    return "\n".join(lines)
