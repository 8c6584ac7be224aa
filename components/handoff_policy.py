"""Rasa adapter: the assistant stays quiet while a coordinator has the conversation.

A rule-like policy above RulePolicy in priority. When the slot
`handoff_active` is true and the patient has just written, it predicts
`action_listen` with full confidence, so the message is kept in the tracker
(the coordinator's transcript) and nothing answers it; otherwise it abstains.
The decision is `bot.handoff.quiet.assistant_stays_quiet`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.quiet import SLOT_HANDOFF_ACTIVE, assistant_stays_quiet

# Above RulePolicy (4 in Rasa 3.6), so a rule cannot answer the patient meanwhile.
PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class CoordinatorHandoffPolicy(Policy):
    """Listens, and only listens, while a coordinator is answering the patient."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": PRIORITY}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn: the behaviour is a fixed rule."""
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None, **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        quiet = assistant_stays_quiet(
            tracker.get_slot(SLOT_HANDOFF_ACTIVE),
            tracker.latest_message.intent.get("name") if tracker.latest_message else None,
            tracker.latest_action_name == ACTION_LISTEN_NAME,
        )
        if quiet:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)
