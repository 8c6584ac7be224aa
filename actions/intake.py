"""The intake form's adapters: read answers, summarise, give the result.

The logic lives in `bot.intake` (which question, how an answer is read), the
eligibility engine in `bot.eligibility`, storage in `bot.storage`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import constants as c
from bot.eligibility import evaluate
from bot.intake import (CONSENT_VERSION, PROFILE_FIELDS, Turn, interpret, next_questions,
                        profile_from_slots)
from bot.intake.flow import FORM_SLOTS, reask_offer_buttons
from bot.intake import records
from bot.intake.parsing import parse_answer, revised_setting
from bot.intake.summary import summarise


def findings_of(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """Contract values the NLU found in one message (last mention wins; treatments add up)."""
    found: Dict[Text, Any] = {}
    for entity in message.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name not in PROFILE_FIELDS or value is None:
            continue
        if name == "setting":  # a list from the text, or one value from a button
            value = [*found.get("setting", []), *(value if isinstance(value, list) else [value])]
            value = list(dict.fromkeys(value))
        found[name] = value
    return found


def earlier_findings(tracker: Tracker) -> Dict[Text, Any]:
    """What the patient said before the intake started, for after consent."""
    found: Dict[Text, Any] = {}
    for event in tracker.events:
        if event.get("event") == "user":
            found.update(findings_of(event.get("parse_data") or {}))
    return found


def last_bot_response(tracker: Tracker) -> Text | None:
    """The response the assistant gave just before the patient's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def question_was_shown(tracker: Tracker, field: Text) -> bool:
    """A yes or no counts only as the answer to the question the patient saw."""
    return last_bot_response(tracker) in c.YES_NO_QUESTIONS[field]


# Under this key the retries slot keeps the message whose miss was last counted.
TURN_KEY = "_counted_turn"


def latest_user_turn(tracker: Tracker) -> Optional[float]:
    """The time of the patient's latest message: one key per message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("timestamp")
    return None


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
        # "he stopped the Keytruda", "it's second line now": the treatment list changes, not restarts
        revised = revised_setting(tracker.get_slot("setting"), message.get("text") or "")
        if revised is not None:
            findings["setting"] = revised

        if requested in c.YES_NO_FIELDS and not question_was_shown(tracker, requested):
            return []  # e.g. "yes, check my case" starts the intake: it is not consent to a text not yet shown
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
            # Rasa reads each message twice (slot extraction, then the form);
            # a miss counts once per message.
            turn = latest_user_turn(tracker)
            if TURN_KEY not in retries or retries[TURN_KEY] != turn:
                retries[reading.problem] = retries.get(reading.problem, 0) + 1
                retries[TURN_KEY] = turn
            reask(dispatcher, domain, reading.problem, retries[reading.problem])
            events.append(SlotSet(c.SLOT_REASKED, True))  # the question is not repeated after it
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


def question_buttons(domain: DomainDict, field: Text) -> List[Dict[Text, Any]]:
    """The answer buttons of the question for `field` (domain.yml)."""
    variants = (domain.get("responses") or {}).get(c.QUESTION_RESPONSE.get(field, f"utter_ask_{field}")) or []
    return [dict(button) for button in (variants[0].get("buttons") or [])] if variants else []


def reask(dispatcher: CollectingDispatcher, domain: DomainDict, field: Text, misses: int) -> None:
    """One message: what is expected, with the question's buttons; from the second
    miss on, the offer to skip the question or talk to a coordinator as well."""
    buttons = question_buttons(domain, field)
    if misses < c.MAX_FAILED_ANSWERS:
        dispatcher.utter_message(response=c.UTTER_INVALID_PREFIX + field, buttons=buttons)
        return
    yes_no = field in c.YES_NO_FIELDS
    offer = [{"title": b["title"], "payload": b["payload"]} for b in reask_offer_buttons()
             if b["yes_no"] or not yes_no]
    known = {b.get("payload") for b in buttons}
    response = c.UTTER_REASK_OFFER_YES_NO if yes_no else c.UTTER_REASK_OFFER
    dispatcher.utter_message(response=response,
                             buttons=buttons + [b for b in offer if b.get("payload") not in known])


class ActionAskField(Action, ABC):
    """Asks one intake question, unless the answer was just re-asked (one message, not two).

    Abstract, so that rasa-sdk registers only the concrete action per field.
    """

    @property
    @abstractmethod
    def field(self) -> Text:
        """The form slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.field}"

    def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot(c.SLOT_REASKED):
            return [SlotSet(c.SLOT_REASKED, False)]
        self.ask(dispatcher, tracker)
        return []

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(response=f"utter_ask_{self.field}")


# One concrete action per question: action_ask_consent, action_ask_respondent, ...
ASK_ACTIONS = {field: type(f"ActionAsk_{field}", (ActionAskField,), {"field": field, "__module__": __name__})
               for field in FORM_SLOTS if field != "confirmed"}


class ActionAskConfirmed(ActionAskField):
    """Shows the summary, or waits quietly while a correction is being typed."""

    field = "confirmed"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        if tracker.get_slot(c.SLOT_CORRECTING):
            return
        dispatcher.utter_message(response=c.UTTER_INTAKE_SUMMARY, summary=summarise(tracker.slots))


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
        return [SlotSet("confirmed", None)]


class ActionStopIntake(Action):
    """"Stop": leave the intake cleanly and say what was kept."""

    def name(self) -> Text:
        return c.ACTION_STOP_INTAKE

    def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if tracker.get_slot("consent") is True:
            records.store_status(tracker.sender_id, "cancelled")
        dispatcher.utter_message(response=c.UTTER_INTAKE_STOPPED)
        return [SlotSet(c.SLOT_REQUESTED, None)]
