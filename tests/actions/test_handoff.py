"""The handoff actions with in-memory trackers: what is handed over, and what the patient hears."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from actions.handoff import ActionCoordinatorJoined, ActionCoordinatorLeft, ActionHandoff, ActionNotUnderstood
from bot.handoff.requests import CREATED, FAILED, SPOOLED, UPDATED, Outcome

SLOTS = {"consent": True, "respondent": "caregiver", "diagnosis": "nsclc", "histology": "squamous",
         "stage": "IIIB", "setting": "concurrent_chemoradiotherapy", "contact_email": "a@example.test"}


def user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "metadata": {}}


def make_tracker(intent="human_handoff", slots=None, events=(), entities=()):
    latest = {"text": "x", "intent": {"name": intent}, "entities": list(entities)}
    events = list(events) or [user("x", intent)]
    return Tracker("conv-7", slots or {}, latest, events, False, None, {}, "action_listen")


@pytest.fixture
def handed(monkeypatch):
    """Capture the handoff requests; answer with the outcome the test chooses."""
    calls = {"requests": [], "outcome": Outcome(CREATED, 1, "normal")}

    def fake(request):
        calls["requests"].append(request)
        return calls["outcome"]

    monkeypatch.setattr(handoff.requests, "request_handoff", fake)
    monkeypatch.setenv("OFFICE_HOURS", "weekdays")
    monkeypatch.setenv("RESPONSE_TIME", "within a day")
    monkeypatch.setenv("TEAM_CONTACT", "help@example.test")
    return calls


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return events, dispatcher.messages


def test_the_case_carries_profile_and_result_only_with_consent(handed):
    run(ActionHandoff(), make_tracker(slots=SLOTS))
    with_consent = handed["requests"][-1]
    assert with_consent.profile["stage"] == "IIIB" and with_consent.eligibility["tier"]
    run(ActionHandoff(), make_tracker(slots={**SLOTS, "consent": None}))
    without = handed["requests"][-1]
    assert without.profile == {} and without.eligibility is None
    assert without.transcript == [{"role": "user", "text": "x", "ts": None}]


@pytest.mark.parametrize("status, response", [
    (CREATED, "utter_handoff_done"), (UPDATED, "utter_handoff_already"),
    (SPOOLED, "utter_handoff_saved"), (FAILED, "utter_handoff_failed"),
])
def test_the_patient_hears_how_it_went(handed, status, response):
    handed["outcome"] = Outcome(status, None, "normal")
    _, messages = run(ActionHandoff(), make_tracker())
    assert messages[0]["response"] == response
    if status in (CREATED, UPDATED):
        assert messages[0]["office_hours"] == "weekdays" and messages[0]["response_time"] == "within a day"
    else:
        assert messages[0]["contact"] == "help@example.test"


def test_a_red_flag_case_is_urgent_and_says_so(handed):
    _, messages = run(ActionHandoff(), make_tracker("emergency"))
    assert handed["requests"][-1].reason == "red_flag"
    assert [m["response"] for m in messages] == ["utter_handoff_done", "utter_handoff_urgent"]


def test_one_misunderstanding_is_a_not_sure_two_are_a_handoff(handed):
    once = make_tracker("nlu_fallback", events=[user("a", "faq"), user("b", "nlu_fallback")])
    _, messages = run(ActionNotUnderstood(), once)
    assert [m["response"] for m in messages] == ["utter_not_sure"] and handed["requests"] == []
    twice = make_tracker("nlu_fallback", events=[user("a", "nlu_fallback"), user("b", "nlu_fallback")])
    _, messages = run(ActionNotUnderstood(), twice)
    assert [m["response"] for m in messages] == ["utter_handoff_not_understood", "utter_handoff_done"]
    assert handed["requests"][-1].reason == "not_understood"


def test_the_coordinator_joins_and_leaves_by_name():
    named = [{"entity": "coordinator_name", "value": "Anna Li"}]
    events, messages = run(ActionCoordinatorJoined(), make_tracker("EXTERNAL_handoff_claimed", entities=named))
    assert events == [{"event": "slot", "timestamp": None, "name": "handoff_active", "value": True}]
    assert messages[0]["coordinator_name"] == "Anna Li"
    events, messages = run(ActionCoordinatorLeft(), make_tracker("EXTERNAL_handoff_closed"))
    assert events[0]["value"] is False and messages[0]["coordinator_name"] == "A coordinator"


def test_unsure_which_question_asks_with_the_closest_ones_as_buttons(handed):
    tracker = make_tracker("nlu_fallback")
    tracker.latest_message["understanding"] = {"decision": "ask",
                                               "choices": ["faq/schedule", "faq/infusions_cycles"]}
    events, messages = run(ActionNotUnderstood(), tracker)
    assert [m["response"] for m in messages] == ["utter_ask_which"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "What does the CIK treatment schedule look like?", "How many CIK infusions and cycles are needed?",
        "/ask_another"]
    assert handed["requests"] == [] and events == []


def test_one_likely_question_asks_whether_it_was_meant(handed):
    tracker = make_tracker("nlu_fallback")
    tracker.latest_message["understanding"] = {"decision": "ask", "choices": ["faq/cost"]}
    _, messages = run(ActionNotUnderstood(), tracker)
    assert [m["response"] for m in messages] == ["utter_ask_which_one"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Cost", "Something else"]
