"""The intake form's adapters: read answers, summarise, give the result.

The logic lives in `bot.intake` (which question, how an answer is read), the
eligibility engine in `bot.eligibility`, storage in `bot.storage`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import constants as c
from bot.eligibility import evaluate
from bot.intake import (CONSENT_VERSION, PROFILE_FIELDS, Turn, interpret, next_questions,
                        profile_from_slots)
from bot.intake import records
from bot.intake.parsing import parse_answer
from bot.intake.summary import summarise


def findings_of(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """Contract values the NLU found in one message (last mention wins)."""
    found: Dict[Text, Any] = {}
    for entity in message.get("entities") or []:
        if entity.get("entity") in PROFILE_FIELDS and entity.get("value") is not None:
            found[entity["entity"]] = entity["value"]
    return found


def earlier_findings(tracker: Tracker) -> Dict[Text, Any]:
    """What the patient said before the intake started, for after consent."""
    found: Dict[Text, Any] = {}
    for event in tracker.events:
        if event.get("event") == "user":
            found.update(findings_of(event.get("parse_data") or {}))
    return found


def channel_of(tracker: Tracker) -> Text:
    return (tracker.get_latest_input_channel() or "unknown").strip() or "unknown"


class ValidateIntakeForm(FormValidationAction):
    """Reads every message during the intake (the only writer of its slots)."""

    def name(self) -> Text:
        return c.ACTION_VALIDATE_INTAKE

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return next_questions(tracker.slots)

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        # Answers are checked while they are read (get_extraction_events).
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot(c.SLOT_REQUESTED)
        if requested is None:  # the form is just starting: nothing to read yet
            return []
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name") or ""
        findings = findings_of(message)
        correcting = bool(tracker.get_slot(c.SLOT_CORRECTING))

        reading = interpret(Turn(requested, message.get("text") or "", intent, findings), parse_answer)
        if not reading.is_answer:
            return []  # the form steps aside; the conversation's rules answer
        updates = dict(reading.updates)
        events: List[EventType] = []

        if requested == "consent" and updates.get("consent") is True:
            earlier = earlier_findings(tracker)
            updates = {**earlier, **updates}
            if not records.store_consent(tracker.sender_id, channel_of(tracker), CONSENT_VERSION):
                dispatcher.utter_message(response=c.UTTER_INTAKE_NOT_SAVED)

        if requested == "confirmed":
            if updates.get("confirmed") is False:
                updates["confirmed"] = None
                events.append(SlotSet(c.SLOT_CORRECTING, True))
                dispatcher.utter_message(response=c.UTTER_WHAT_TO_CHANGE)
            elif correcting:
                if findings:
                    events.append(SlotSet(c.SLOT_CORRECTING, False))
                else:
                    dispatcher.utter_message(response=c.UTTER_CHANGE_NOT_UNDERSTOOD)
                    return events + [SlotSet(c.SLOT_RETRIES, tracker.get_slot(c.SLOT_RETRIES) or {})]

        retries = dict(tracker.get_slot(c.SLOT_RETRIES) or {})
        if reading.problem and not (requested == "confirmed" and correcting):
            retries[reading.problem] = retries.get(reading.problem, 0) + 1
            dispatcher.utter_message(response=c.UTTER_INVALID_PREFIX + reading.problem)
            if retries[reading.problem] >= c.MAX_FAILED_ANSWERS:
                dispatcher.utter_message(response=c.UTTER_REASK_OFFER)
        for name in updates:
            retries.pop(name, None)
        events.append(SlotSet(c.SLOT_RETRIES, retries))

        consented = updates.get("consent", tracker.get_slot("consent")) is True
        profile_updates = profile_from_slots(updates)
        if consented and profile_updates:
            if not records.store_answers(tracker.sender_id, profile_updates):
                dispatcher.utter_message(response=c.UTTER_INTAKE_NOT_SAVED)
        events.extend(SlotSet(name, value) for name, value in updates.items())
        return events


class ActionAskConfirmed(Action):
    """Shows the summary, or waits quietly while a correction is being typed."""

    def name(self) -> Text:
        return c.ACTION_ASK_CONFIRMED

    def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot(c.SLOT_CORRECTING):
            return []
        dispatcher.utter_message(response=c.UTTER_INTAKE_SUMMARY, summary=summarise(tracker.slots))
        return []


class ActionIntakeResult(Action):
    """After the form: the evidence tier explained, stored, and what's next."""

    def name(self) -> Text:
        return c.ACTION_INTAKE_RESULT

    def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response=c.UTTER_CONSENT_DECLINED)
            return [SlotSet("consent", None)]
        result = evaluate(profile_from_slots(tracker.slots))
        if not records.store_result(tracker.sender_id, result.to_dict()):
            dispatcher.utter_message(response=c.UTTER_INTAKE_NOT_SAVED)
        dispatcher.utter_message(response=c.UTTER_INTAKE_RESULT, explanation=result.explanation)
        dispatcher.utter_message(response=c.UTTER_INTAKE_NEXT_STEPS)
        return [SlotSet(c.SLOT_CIK_CONTEXT, True), SlotSet("confirmed", None)]


class ActionStopIntake(Action):
    """"Stop": leave the intake cleanly and say what was kept."""

    def name(self) -> Text:
        return c.ACTION_STOP_INTAKE

    def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot("consent") is True:
            records.store_status(tracker.sender_id, "cancelled")
        dispatcher.utter_message(response=c.UTTER_INTAKE_STOPPED)
        return [SlotSet(c.SLOT_REQUESTED, None)]
