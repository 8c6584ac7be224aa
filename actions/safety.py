"""Red flags in the conversation: the first reply, the question "is this happening now?", the handoff.

The NLU pipeline (`components/red_flags.py`) decides; these actions say it:

- `action_red_flag`: the category's own first reply (`utter_red_flag_<category>`);
  the rule then hands the conversation over as urgent (`action_handoff`).
- `action_ask_happening_now`: asks once, with buttons, and remembers what was
  asked about (slot `red_flag_pending`); a reminder escalates if no answer comes.
- `action_red_flag_not_now`: a clear "no": what to do if it happens again.
- `action_red_flag_no_answer`: the reminder fired with the question unanswered.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet

from actions import constants as c
from actions.handoff import hand_over
from bot.config import load_settings


def red_flag_of(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """What the net found in the latest message, or what was asked about before it."""
    found = tracker.latest_message.get("red_flag")
    if isinstance(found, dict) and found.get("category"):
        return found
    pending = tracker.get_slot(c.SLOT_RED_FLAG_PENDING)
    return pending if isinstance(pending, dict) and pending.get("category") else None


class ActionRedFlag(Action):
    """The first reply for the category; the generic emergency reply if the category is unknown."""

    def name(self) -> Text:
        return c.ACTION_RED_FLAG

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        found = red_flag_of(tracker) or {}
        response = c.RED_FLAG_RESPONSE_PREFIX + str(found.get("category") or "")
        known = (domain.get("responses") or {})
        if response not in known:
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            response = c.UTTER_SELF_HARM if intent == "self_harm" else c.UTTER_EMERGENCY
        dispatcher.utter_message(response=response)
        return [SlotSet(c.SLOT_RED_FLAG_PENDING, None),
                SlotSet(c.SLOT_RED_FLAG, {k: found.get(k) for k in ("category", "text", "timing", "source")}
                        if found else None)]


class ActionAskHappeningNow(Action):
    """Asks once whether it is happening now; remembers what was asked about."""

    def name(self) -> Text:
        return c.ACTION_ASK_HAPPENING_NOW

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        found = tracker.latest_message.get("red_flag") or {}
        dispatcher.utter_message(response=c.UTTER_ASK_HAPPENING_NOW)
        in_intake = (tracker.active_loop or {}).get("name") == c.FORM_INTAKE
        pending = {"category": found.get("category"), "text": found.get("text"), "source": found.get("source"),
                   "in_intake": in_intake}
        minutes = load_settings().red_flag_answer_minutes
        when = datetime.now(timezone.utc) + timedelta(minutes=minutes)
        return [SlotSet(c.SLOT_RED_FLAG_PENDING, pending),
                ReminderScheduled(c.INTENT_RED_FLAG_NO_ANSWER, trigger_date_time=when,
                                  name="red_flag_no_answer", kill_on_user_message=True)]


class ActionRedFlagNotNow(Action):
    """Not happening now: what to do if it happens again; back to where we were."""

    def name(self) -> Text:
        return c.ACTION_RED_FLAG_NOT_NOW

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        pending = tracker.get_slot(c.SLOT_RED_FLAG_PENDING) or {}
        buttons = []
        if isinstance(pending, dict) and pending.get("in_intake"):
            buttons = [{"title": "Continue the assessment", "payload": "/resume_intake"}]
        dispatcher.utter_message(response=c.UTTER_RED_FLAG_NOT_NOW, buttons=buttons)
        return [SlotSet(c.SLOT_RED_FLAG_PENDING, None)]


class ActionRedFlagNoAnswer(Action):
    """The question went unanswered: say what to do now, and hand over as urgent."""

    def name(self) -> Text:
        return c.ACTION_RED_FLAG_NO_ANSWER

    def run(self, dispatcher, tracker: Tracker, domain) -> List[EventType]:
        pending = tracker.get_slot(c.SLOT_RED_FLAG_PENDING)
        if not (isinstance(pending, dict) and pending.get("category")):
            return []  # answered meanwhile: nothing to do
        dispatcher.utter_message(response=c.UTTER_RED_FLAG_NO_ANSWER)
        red_flag = {**pending, "timing": "no_answer"}
        hand_over(dispatcher, tracker, "red_flag", red_flag=red_flag, tell_urgent=False)
        return [SlotSet(c.SLOT_RED_FLAG_PENDING, None), SlotSet(c.SLOT_RED_FLAG, red_flag)]
