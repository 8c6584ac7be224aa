"""Handing the conversation to a coordinator, and the coordinator's arrival and departure.

The case is written by `bot.handoff.requests.request_handoff` before the
patient hears that it is done; the answer says honestly how it went.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import constants as c
from actions.intake import channel_of
from bot.config import load_handoff_settings, load_settings
from bot.eligibility import ProfileError, evaluate
from bot.handoff import requests, triggers
from bot.handoff.quiet import SLOT_HANDOFF_ACTIVE
from bot.handoff.service import HandoffRequest
from bot.intake import profile_from_slots
from bot.understanding import clarifying_buttons
from bot.web.history import transcript


def handoff_request(tracker: Tracker, reason: Text, red_flag: Optional[Dict[Text, Any]] = None) -> HandoffRequest:
    """What the coordinator gets: the transcript always; profile and result only with consent."""
    profile: Dict[Text, Any] = {}
    eligibility = None
    if tracker.get_slot("consent") is True:
        profile = profile_from_slots(tracker.slots)
        clinical = {k: v for k, v in profile.items() if k != "respondent"}
        try:
            eligibility = evaluate(clinical).to_dict() if clinical else None
        except ProfileError:  # the coordinator still gets the answers and the transcript
            eligibility = None
    return HandoffRequest(conversation_id=tracker.sender_id, channel=channel_of(tracker), reason=reason,
                          profile=profile, eligibility=eligibility, transcript=transcript(tracker.events),
                          red_flag=red_flag_summary(red_flag) if reason == "red_flag" else None)


def red_flag_summary(found: Optional[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """What the console shows of a red flag: its category and the words that raised it."""
    if not isinstance(found, dict) or not found.get("category"):
        return None
    return {"category": str(found["category"]), "text": str(found.get("text") or "")[:300],
            "timing": found.get("timing"), "source": found.get("source")}


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: Text,
              red_flag: Optional[Dict[Text, Any]] = None, tell_urgent: bool = True) -> None:
    """Write the case, then tell the patient what happened and what comes next."""
    outcome = requests.request_handoff(handoff_request(tracker, reason, red_flag))
    hours = load_handoff_settings()
    if outcome.status == requests.CREATED:
        dispatcher.utter_message(response=c.UTTER_HANDOFF_DONE, office_hours=hours.office_hours,
                                 response_time=hours.response_time)
    elif outcome.status == requests.UPDATED:
        dispatcher.utter_message(response=c.UTTER_HANDOFF_ALREADY, office_hours=hours.office_hours,
                                 response_time=hours.response_time)
    else:
        response = c.UTTER_HANDOFF_SAVED if outcome.status == requests.SPOOLED else c.UTTER_HANDOFF_FAILED
        dispatcher.utter_message(response=response, contact=load_settings().team_contact)
    if reason == "red_flag" and tell_urgent and outcome.status != requests.FAILED:
        dispatcher.utter_message(response=c.UTTER_HANDOFF_URGENT)


class ActionHandoff(Action):
    """Any trigger: "talk to a human", the intake's end, a red flag."""

    def name(self) -> Text:
        return c.ACTION_HANDOFF

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        latest = (tracker.latest_message.get("intent") or {}).get("name")
        reason = triggers.reason_for(latest, tracker.events)
        red_flag = tracker.get_slot(c.SLOT_RED_FLAG) or tracker.latest_message.get("red_flag")
        hand_over(dispatcher, tracker, reason, red_flag if reason == "red_flag" else None)
        return []


class ActionNotUnderstood(Action):
    """Unsure which question was meant: ask, with the closest ones as buttons.
    Not understood: "not sure" once; the second time in a row, a person reads
    the conversation."""

    def name(self) -> Text:
        return c.ACTION_NOT_UNDERSTOOD

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        understanding = tracker.latest_message.get("understanding") or {}
        if understanding.get("decision") == "ask":
            buttons = clarifying_buttons(understanding.get("choices") or [])
            if buttons:
                response = c.UTTER_ASK_WHICH if len(buttons) > 1 else c.UTTER_ASK_WHICH_ONE
                dispatcher.utter_message(response=response,
                                         buttons=buttons + clarifying_buttons([c.ASK_ANOTHER]))
                return []
        if not triggers.misunderstood_twice(tracker.events):
            dispatcher.utter_message(response=c.UTTER_NOT_SURE)
            return []
        dispatcher.utter_message(response=c.UTTER_HANDOFF_NOT_UNDERSTOOD)
        hand_over(dispatcher, tracker, "not_understood")
        return []


def _coordinator_name(tracker: Tracker) -> Text:
    names = list(tracker.get_latest_entity_values("coordinator_name"))
    return names[0] if names else "A coordinator"


class _CoordinatorSignal(Action, ABC):
    """The console's signal: tell the patient, and switch the assistant's quiet mode.

    Abstract, so that rasa-sdk registers only the two concrete actions.
    """

    response: Text
    quiet: bool

    @property
    @abstractmethod
    def action_name(self) -> Text:
        """The action's name in the domain."""

    def name(self) -> Text:
        return self.action_name

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        dispatcher.utter_message(response=self.response, coordinator_name=_coordinator_name(tracker))
        return [SlotSet(SLOT_HANDOFF_ACTIVE, self.quiet)]


class ActionCoordinatorJoined(_CoordinatorSignal):
    action_name, response, quiet = c.ACTION_COORDINATOR_JOINED, c.UTTER_COORDINATOR_JOINED, True


class ActionCoordinatorLeft(_CoordinatorSignal):
    action_name, response, quiet = c.ACTION_COORDINATOR_LEFT, c.UTTER_COORDINATOR_LEFT, False
