"""How to reach the coordination team (until the live handoff exists)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import ACTION_CONTACT_TEAM, UTTER_CONTACT_TEAM
from bot.config import load_settings


class ActionContactTeam(Action):
    def name(self) -> Text:
        return ACTION_CONTACT_TEAM

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            response=UTTER_CONTACT_TEAM, contact=load_settings().team_contact
        )
        return []
