"""Rasa adapter for `bot.faq_guard`: the FAQ answer's own confidence bar.

Placed after the ResponseSelector and the FallbackClassifier. When the intent
is the retrieval intent but the selected answer is unsure, the message becomes
`nlu_fallback`, so the assistant says it is unsure instead of guessing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.faq_guard import judge_faq_answer


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FaqAnswerGuard(GraphComponent):
    """Turns an unsure FAQ answer into `nlu_fallback`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.5, "margin": 0.1}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = config["retrieval_intent"]
        self._threshold = float(config["threshold"])
        self._margin = float(config["margin"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqAnswerGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") != self._intent:
                continue
            selected = (message.get("response_selector") or {}).get(self._intent) or {}
            response = selected.get("response") or {}
            ranking = [item.get("confidence", 0.0) for item in selected.get("ranking") or []]
            verdict = judge_faq_answer(
                float(response.get("confidence") or 0.0),
                ranking,
                min_confidence=self._threshold,
                min_margin=self._margin,
            )
            if verdict.accept:
                continue
            fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": self._threshold}
            message.set(INTENT, fallback, add_to_output=True)
            ranking_out = [fallback, *(message.get(INTENT_RANKING_KEY) or [])]
            message.set(INTENT_RANKING_KEY, ranking_out, add_to_output=True)
        return messages
