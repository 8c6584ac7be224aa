"""Rasa adapter for `bot.understanding`: answer, ask, or refuse.

Placed after DIET, the ResponseSelector and the clinical extraction; trained
on the same examples (a sentence classifier over the encoder's vectors).
For every message it weighs the two readings, the conversation's previous
answer, and the thresholds of `bot/understanding/decision.yml`, then sets:

- `intent`: the label to act on (`faq` with the chosen topic in
  `response_selector`), or `nlu_fallback` when it should ask or refuse, or
  `out_of_scope`;
- `understanding`: the decision, its score, the choices to offer when it
  asks, and whether the previous answer's topic decided it (for the actions,
  the bench and the console).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY,
                                       RESPONSE_SELECTOR, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.understanding import asks_for_a_person, label_of_question
from bot.understanding.classifier import SentenceClassifier
from bot.understanding.decision import ANSWER, FAQ_PREFIX, OUT_OF_SCOPE, Decision, decide, flatten
from components.sentence_encoder import CONTEXT_EMBEDDING_KEY, CONTEXT_KEY, EMBEDDING_KEY

logger = logging.getLogger(__name__)
UNDERSTANDING_KEY = "understanding"
RETRIEVAL_INTENT = "faq"


def training_label(message: Message) -> Optional[Text]:
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnderstandingDecision(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"strength": 20.0, "random_seed": 1}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 classifier: Optional[SentenceClassifier] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "UnderstandingDecision":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "UnderstandingDecision":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, SentenceClassifier.load(directory))

    def train(self, training_data: TrainingData) -> Resource:
        import numpy as np

        examples = [m for m in training_data.intent_examples
                    if m.get(TEXT) and training_label(m) and m.get(EMBEDDING_KEY) is not None]
        vectors = np.stack([m.get(EMBEDDING_KEY) for m in examples])
        classifier = SentenceClassifier.fit(vectors, [training_label(m) for m in examples],
                                            strength=float(self._config["strength"]),
                                            seed=int(self._config["random_seed"]))
        with self._model_storage.write_to(self._resource) as directory:
            classifier.save(directory)
        return self._resource

    def process(self, messages: List[Message],
                tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        for message in messages:
            vector = message.get(EMBEDDING_KEY)
            if self._classifier is None or vector is None or not message.get(TEXT):
                continue
            if (message.get(TEXT) or "").startswith("/"):
                continue  # a button's payload names its own intent
            known = label_of_question(message.get(TEXT))
            if known is None and asks_for_a_person(message.get(TEXT)):
                known = "human_handoff"
            if known is not None:  # a "Did you mean...?" button's question, or a plain request for a person
                apply(message, Decision(ANSWER, known, 1.0, ranking=((known, 1.0),)), {"exact_words": True})
                continue
            try:
                decision, readings = self.decide(message, waiting_for_answer(tracker))
            except Exception:  # never lose a patient's message: DIET's reading stands
                logger.exception("understanding decision failed; keeping the classifiers' intent")
                continue
            apply(message, decision, readings)
        return messages

    def decide(self, message: Message, in_form: bool = False) -> tuple[Decision, Dict[Text, Any]]:
        intents = {item["name"]: item["confidence"] for item in message.get(INTENT_RANKING_KEY) or []
                   if item.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME}
        selected = (message.get(RESPONSE_SELECTOR) or {}).get(RETRIEVAL_INTENT) or {}
        topics = {item[INTENT_RESPONSE_KEY]: item["confidence"] for item in selected.get("ranking") or []}
        context_vector = message.get(CONTEXT_EMBEDDING_KEY)
        previous = message.get(CONTEXT_KEY) or {}
        words = flatten(intents, topics)
        meaning = self._classifier.probabilities(message.get(EMBEDDING_KEY))
        in_context = None if context_vector is None else self._classifier.probabilities(context_vector)
        decision = decide(words, meaning, word_count=len((message.get(TEXT) or "").split()),
                          in_context=in_context, previous_topic=previous.get("topic"), in_form=in_form)
        # The readings behind the decision, for tuning and review (best few only).
        readings = {"words": top(words), "meaning": top(meaning),
                    "in_context": None if in_context is None else top(in_context),
                    "previous_topic": previous.get("topic")}
        return decision, readings


def waiting_for_answer(tracker: Optional[DialogueStateTracker]) -> bool:
    """The intake (a form) is active and has asked a question."""
    if tracker is None or not tracker.active_loop_name:
        return False
    return tracker.get_slot(REQUESTED_SLOT) is not None


def top(scores: Dict[Text, float], count: int = 8) -> List[List[Any]]:
    return [[label, round(score, 4)] for label, score in
            sorted(scores.items(), key=lambda item: -item[1])[:count]]


def apply(message: Message, decision: Decision, readings: Dict[Text, Any]) -> None:
    """Write the decision into the parse result the dialogue reads."""
    if decision.action == ANSWER:
        intent = RETRIEVAL_INTENT if decision.label.startswith(FAQ_PREFIX) else decision.label
    elif decision.label == OUT_OF_SCOPE:
        intent = OUT_OF_SCOPE
    else:
        intent = DEFAULT_NLU_FALLBACK_INTENT_NAME
    top = {"name": intent, "confidence": decision.score}
    intents: Dict[str, float] = {}
    for label, score in decision.ranking:
        name = RETRIEVAL_INTENT if label.startswith(FAQ_PREFIX) else label
        intents[name] = intents.get(name, 0.0) + score
    ranking = [top] + [{"name": name, "confidence": score}
                       for name, score in sorted(intents.items(), key=lambda item: -item[1])
                       if name != intent][:9]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    if decision.label.startswith(FAQ_PREFIX):
        _select_topic(message, decision)
    message.set(UNDERSTANDING_KEY, {**decision.as_dict(), "readings": readings}, add_to_output=True)


def _select_topic(message: Message, decision: Decision) -> None:
    selectors = dict(message.get(RESPONSE_SELECTOR) or {})
    selected = dict(selectors.get(RETRIEVAL_INTENT) or {})
    response = dict(selected.get("response") or {})
    if response.get(INTENT_RESPONSE_KEY) != decision.label:
        response["responses"] = []  # the chosen topic's text comes from the domain (action_answer_faq)
    response.update({INTENT_RESPONSE_KEY: decision.label, "confidence": decision.score,
                     "utter_action": f"utter_{decision.label}"})
    selected["response"] = response
    selectors[RETRIEVAL_INTENT] = selected
    message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)
