"""The red-flag actions with in-memory trackers: the first reply, the question, the handoff."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from actions.handoff import ActionHandoff
from actions.safety import ActionAskHappeningNow, ActionRedFlag, ActionRedFlagNoAnswer, ActionRedFlagNotNow
from bot.handoff.requests import CREATED, Outcome

DOMAIN = {"responses": {"utter_red_flag_seizure": [{"text": "A seizure..."}],
                        "utter_red_flag_self_harm": [{"text": "I'm really sorry..."}]}}
FOUND = {"category": "seizure", "text": "having a fit", "timing": "now", "source": "rules", "action": "urgent"}


def tracker(intent="emergency", red_flag=None, slots=None, active_loop=None):
    latest = {"text": "x", "intent": {"name": intent}, "entities": []}
    if red_flag is not None:
        latest["red_flag"] = red_flag
    events = [{"event": "user", "text": "x", "parse_data": latest, "metadata": {}}]
    return Tracker("conv-9", slots or {}, latest, events, False, None, active_loop or {}, "action_listen")


def run(action, t, domain=DOMAIN):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages, events


@pytest.fixture
def handed(monkeypatch):
    calls = []
    monkeypatch.setattr(handoff.requests, "request_handoff",
                        lambda request: calls.append(request) or Outcome(CREATED, 1, "urgent"))
    return calls


def test_each_category_gets_its_own_first_reply_and_keeps_what_was_found():
    slots, messages, _ = run(ActionRedFlag(), tracker(red_flag=FOUND))
    assert [m["response"] for m in messages] == ["utter_red_flag_seizure"]
    assert slots["red_flag"] == {"category": "seizure", "text": "having a fit", "timing": "now", "source": "rules"}
    assert slots["red_flag_pending"] is None


def test_an_unknown_category_still_gets_the_emergency_or_crisis_reply():
    _, messages, _ = run(ActionRedFlag(), tracker(red_flag={"category": "sneezing"}))
    assert [m["response"] for m in messages] == ["utter_emergency"]
    _, messages, _ = run(ActionRedFlag(), tracker(intent="self_harm"))
    assert [m["response"] for m in messages] == ["utter_self_harm"]


def test_yes_by_button_answers_the_pending_category():
    pending = {"category": "seizure", "text": "had a fit"}
    slots, messages, _ = run(ActionRedFlag(), tracker(intent="red_flag_now", slots={"red_flag_pending": pending}))
    assert [m["response"] for m in messages] == ["utter_red_flag_seizure"]
    assert slots["red_flag"]["text"] == "had a fit" and slots["red_flag_pending"] is None


def test_the_question_is_asked_once_remembered_and_escalates_if_unanswered(monkeypatch):
    monkeypatch.setenv("RED_FLAG_ANSWER_MINUTES", "2")
    unclear = {**FOUND, "action": "ask", "timing": "unclear"}
    slots, messages, events = run(ActionAskHappeningNow(), tracker("red_flag_unclear", unclear,
                                                                   active_loop={"name": "intake_form"}))
    assert [m["response"] for m in messages] == ["utter_ask_happening_now"]
    assert slots["red_flag_pending"]["category"] == "seizure" and slots["red_flag_pending"]["in_intake"] is True
    [reminder] = [e for e in events if e.get("event") == "reminder"]
    assert reminder["intent"] == "EXTERNAL_red_flag_no_answer" and reminder["kill_on_user_msg"] is True


def test_not_now_offers_to_continue_the_assessment_only_if_it_was_interrupted():
    slots, messages, _ = run(ActionRedFlagNotNow(), tracker("red_flag_not_now",
                                                            slots={"red_flag_pending": {"category": "seizure",
                                                                                        "in_intake": True}}))
    assert messages[0]["response"] == "utter_red_flag_not_now"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/resume_intake"]
    assert slots["red_flag_pending"] is None
    _, messages, _ = run(ActionRedFlagNotNow(), tracker("red_flag_not_now",
                                                        slots={"red_flag_pending": {"category": "seizure"}}))
    assert messages[0]["buttons"] == []


def test_no_answer_hands_over_as_urgent_with_the_category(handed):
    pending = {"category": "stroke", "text": "face dropped"}
    slots, messages, _ = run(ActionRedFlagNoAnswer(), tracker("EXTERNAL_red_flag_no_answer",
                                                              slots={"red_flag_pending": pending}))
    assert messages[0]["response"] == "utter_red_flag_no_answer"
    [request] = handed
    assert request.reason == "red_flag" and request.priority == "urgent"
    assert request.red_flag["category"] == "stroke" and request.red_flag["timing"] == "no_answer"
    assert slots["red_flag_pending"] is None


def test_no_answer_after_an_answer_does_nothing(handed):
    slots, messages, events = run(ActionRedFlagNoAnswer(), tracker("EXTERNAL_red_flag_no_answer"))
    assert (messages, events, handed) == ([], [], [])


def test_the_handoff_of_a_red_flag_carries_its_category_and_words(handed):
    run(ActionHandoff(), tracker("emergency", FOUND, slots={"red_flag": {"category": "seizure",
                                                                         "text": "having a fit"}}))
    [request] = handed
    assert request.red_flag == {"category": "seizure", "text": "having a fit", "timing": None, "source": None}


def test_a_handoff_that_is_not_a_red_flag_carries_none(handed):
    run(ActionHandoff(), tracker("human_handoff", slots={"red_flag": {"category": "seizure"}}))
    assert handed[0].red_flag is None
