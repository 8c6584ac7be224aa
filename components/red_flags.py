"""Rasa adapter for the red-flag safety net (`bot.safety`).

Runs last in the NLU pipeline, so nothing can override it. For every typed
message it asks the detector (rules, the meaning of the sentence vector the
encoder already computed, and time/person/intent) and then:

- urgent: the intent becomes `emergency` or `self_harm` (full confidence);
- unclear whether it is happening now: `red_flag_unclear` (the assistant asks
  once, with buttons);
- right after that question, anything but a clear "no" escalates: the intent
  becomes the pending category's (`emergency` / `self_harm`); a clear "no"
  becomes `red_flag_not_now`.

What was found is kept under `red_flag` in the parse result: category, the
words that triggered it, timing and source, for the actions, the console
and the bench. Trained only in that it encodes the category examples
(`bot/safety/examples.yml`) once, with the same encoder, into the model.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import PROJECT_ROOT
from bot.safety import RedFlagDetector, pending_answer
from bot.safety.semantic import SemanticBank
from components.sentence_encoder import EMBEDDING_KEY

logger = logging.getLogger(__name__)
RED_FLAG_KEY = "red_flag"
PENDING_SLOT = "red_flag_pending"
UNCLEAR_INTENT = "red_flag_unclear"
NOT_NOW_INTENT = "red_flag_not_now"
RED_FLAG_INTENTS = ("emergency", "self_harm")
# DIET's confidence in `emergency` that asks "Is this happening now?" when the net saw no sign.
SURE_CLASSIFIER = 0.9


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RedFlagClassifier(GraphComponent):
    """Overrides the intent when the message carries a red flag."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"encoder_dir": "models/encoder"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 semantic: Optional[SemanticBank] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._detector = RedFlagDetector.from_files(semantic=semantic)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RedFlagClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RedFlagClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, SemanticBank.load(Path(directory)))
        except (ValueError, OSError):  # no examples stored: the rules alone still run
            logger.warning("red-flag examples missing from the model; rules only")
            return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from bot.understanding.encoder import SentenceEncoder

        encoder_dir = Path(self._config["encoder_dir"])
        if not encoder_dir.is_absolute():
            encoder_dir = PROJECT_ROOT / encoder_dir
        ordinary = [m.get(TEXT) for m in training_data.intent_examples
                    if m.get(TEXT) and m.get(INTENT) not in RED_FLAG_INTENTS]
        bank = SemanticBank.build(SentenceEncoder(encoder_dir).encode, ordinary=ordinary)
        with self._model_storage.write_to(self._resource) as directory:
            bank.save(Path(directory))
        return self._resource

    def process(self, messages: List[Message],
                tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        pending = tracker.get_slot(PENDING_SLOT) if tracker is not None else None
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button's payload names its own intent
            try:
                assessment = self._detector.assess(text, message.get(EMBEDDING_KEY))
            except Exception:  # the net must never lose a message; log and fall back to the rules
                logger.exception("red-flag meaning check failed; rules only")
                assessment = self._detector.assess(text)
            if assessment.urgent:
                _set(message, assessment.intent, assessment.as_dict())
            elif isinstance(pending, dict) and "category" in pending:
                if pending_answer(text) is False:
                    _set(message, NOT_NOW_INTENT, {**pending, "action": "not_now"})
                else:  # yes, or anything but a clear no: escalate
                    category = pending["category"]
                    intent = self._detector.intent_of(category) if category in self._detector.categories else "emergency"
                    _set(message, intent,
                         {**pending, "action": "urgent", "timing": "confirmed_or_no_answer"})
            elif assessment.ask:
                _set(message, UNCLEAR_INTENT, assessment.as_dict())
            else:
                self._second_opinion(message, assessment)
        return messages

    @staticmethod
    def _second_opinion(message: Message, assessment) -> None:
        """The classifiers read an emergency where the net found none.

        The net decides: when it placed the signs out of the present ("last
        year he coughed blood"), the next intent stands. When it found no
        sign at all, a sure classifier still gets the one question "Is this
        happening now?" rather than silence.
        """
        intent = (message.get(INTENT) or {}).get("name")
        if intent not in RED_FLAG_INTENTS:
            return
        confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
        if not assessment.mentions and confidence >= SURE_CLASSIFIER:
            category = "self_harm" if intent == "self_harm" else None
            _set(message, UNCLEAR_INTENT, {"action": "ask", "category": category, "text": message.get(TEXT)[:200],
                                           "timing": "unclear", "source": "classifier"})
            return
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or []
                   if entry.get("name") not in RED_FLAG_INTENTS]
        top = ranking[0] if ranking else {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 0.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking or [top], add_to_output=True)


def _set(message: Message, intent: Text, red_flag: Dict[Text, Any]) -> None:
    top = {"name": intent, "confidence": 1.0}
    ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
    message.set(RED_FLAG_KEY, red_flag, add_to_output=True)
