"""Rasa adapter for `bot.understanding.encoder`: pretrained sentence features.

Adds the MiniLM sentence vector of every message as a dense sentence feature,
so DIET and the ResponseSelector see meaning as well as words. The converted
encoder (ONNX + tokenizer, `models/encoder`, built by `make model`) is copied
into the trained model, which therefore carries everything it needs.

At prediction time the component also reads the conversation: when the
previous message got an FAQ answer (`bot.understanding.context`), it encodes
this message together with that question too, and keeps the vector under
`context_embedding` for the decision component. A short follow-up ("is it
painful?") is then read against the topic just answered.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import PROJECT_ROOT
from bot.understanding.context import previous_answer
from bot.understanding.encoder import ENCODER_FILES, SentenceEncoder

logger = logging.getLogger(__name__)
# Message keys read by components.understanding (not part of the parse output).
EMBEDDING_KEY = "sentence_embedding"
CONTEXT_EMBEDDING_KEY = "context_embedding"
CONTEXT_KEY = "previous_answer"


def recent_events(tracker: Optional[DialogueStateTracker]):
    """The tracker's events as dicts, newest first, converted only as far as read."""
    if tracker is None:
        return
    for event in reversed(tracker.events):
        yield event.as_dict()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # dense_features: also give the vectors to DIET and the ResponseSelector as
        # dense sentence features (otherwise only the decision component reads them).
        return {**DenseFeaturizer.get_default_config(), "encoder_dir": "models/encoder", "threads": 1,
                "dense_features": False}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource, encoder_dir: Path) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._encoder_dir = encoder_dir
        self._encoder = SentenceEncoder(encoder_dir, threads=config["threads"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        encoder_dir = Path(config["encoder_dir"])
        if not encoder_dir.is_absolute():
            encoder_dir = PROJECT_ROOT / encoder_dir
        return cls(config, execution_context.node_name, model_storage, resource, encoder_dir)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceEncoderFeaturizer":
        with model_storage.read_from(resource) as directory:
            return cls(config, execution_context.node_name, model_storage, resource, Path(directory))

    def train(self, training_data: TrainingData) -> Resource:
        """The trained model keeps its own copy of the encoder."""
        with self._model_storage.write_to(self._resource) as directory:
            for name in ENCODER_FILES:
                shutil.copyfile(self._encoder_dir / name, Path(directory) / name)
        return self._resource

    def _add(self, messages: List[Message], vectors: np.ndarray) -> None:
        for message, vector in zip(messages, vectors):
            if self._config["dense_features"]:
                self.add_features_to_message(None, vector[None, :], TEXT, message)
            message.set(EMBEDDING_KEY, vector)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        self._add(messages, self._encoder.encode([m.get(TEXT) for m in messages]))
        return training_data

    def process(self, messages: List[Message],
                tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return messages
        context = previous_answer(recent_events(tracker))
        texts = [m.get(TEXT) for m in with_text]
        if context is not None:
            texts += [f"{context.question} {text}" for text in texts]
        try:
            vectors = self._encoder.encode(texts)
        except Exception:  # the words alone (DIET) still read the message
            logger.exception("sentence encoder failed; the message is read without it")
            return messages
        self._add(with_text, vectors[:len(with_text)])
        if context is not None:
            for message, vector in zip(with_text, vectors[len(with_text):]):
                message.set(CONTEXT_EMBEDDING_KEY, vector)
                message.set(CONTEXT_KEY, {"topic": context.topic, "question": context.question})
        return messages
