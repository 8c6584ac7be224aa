"""Understanding what patients write: sentence encoder, classifier, decision, context."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).with_name("topics.yml")


@lru_cache(maxsize=1)
def topic_choices() -> dict[str, dict[str, str]]:
    """label -> {"title", "question"}: what a "Did you mean...?" button shows and sends."""
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def clarifying_buttons(labels) -> list[dict[str, str]]:
    """One button per label the assistant knows how to offer, best first."""
    choices = topic_choices()
    return [{"title": choices[label]["title"], "payload": choices[label]["question"]}
            for label in labels if label in choices]
