"""Rasa adapter for the rule-based clinical extraction in `bot.nlp`.

Adds one entity per finding ("stage 3b squamous, on chemo and radiation"
gives stage=IIIB, histology=squamous, diagnosis=nsclc,
setting=concurrent_chemoradiotherapy), with contract values, so that the parse
result and the intake form see the same normalised facts.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import extract

EXTRACTOR_NAME = "ClinicalEntityExtractor"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class ClinicalEntityExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ClinicalEntityExtractor":
        extract("warm up")  # build the spaCy pipeline once, at model load
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # button payloads carry their own entities
            found = [
                {
                    "entity": finding.field,
                    "value": finding.value,
                    "start": finding.start,
                    "end": finding.end,
                    "confidence_entity": 1.0,
                    "extractor": EXTRACTOR_NAME,
                }
                for finding in extract(text)
            ]
            if found:
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *found], add_to_output=True)
        return messages
