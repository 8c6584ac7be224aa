"""Rasa adapter for the red-flag safety net (`bot.safety`).

Runs last in the NLU pipeline: when a red-flag pattern matches, the message's
intent becomes `emergency` or `self_harm` with full confidence, whatever the
classifier or the fallback said, and the words that matched are kept under
`red_flag` in the parse result.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import RedFlagDetector

RED_FLAG_KEY = "red_flag"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RedFlagClassifier(GraphComponent):
    """Overrides the intent when the message carries a red flag."""

    def __init__(self, detector: RedFlagDetector) -> None:
        self._detector = detector

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagClassifier":
        return cls(RedFlagDetector.from_file())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            flag = self._detector.detect(message.get(TEXT) or "")
            if flag is None:
                continue
            top = {"name": flag.intent, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") != flag.intent
            ]
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
            message.set(
                RED_FLAG_KEY,
                {"category": flag.category, "text": flag.text},
                add_to_output=True,
            )
        return messages
