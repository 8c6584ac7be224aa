"""action_answer_faq: the answer the NLU chose, next steps outside the intake, 'not sure' without one."""
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq

DOMAIN = {"responses": {"utter_faq/cost": [{"text": "..."}], "utter_next_steps": [{"text": "..."}]}}


def tracker(key: str | None = "faq/cost", active_loop: dict | None = None) -> Tracker:
    latest = {"text": "how much does it cost", "intent": {"name": "faq", "confidence": 0.9}}
    if key:
        latest["response_selector"] = {"faq": {"response": {"intent_response_key": key, "confidence": 0.9}}}
    return Tracker(sender_id="t", slots={}, latest_message=latest, events=[], paused=False,
                   followup_action=None, active_loop=active_loop or {}, latest_action_name="action_listen")


def run(t: Tracker):
    dispatcher = CollectingDispatcher()
    events = ActionAnswerFaq().run(dispatcher, t, DOMAIN)
    return [m["response"] for m in dispatcher.messages], events


def test_the_chosen_answer_then_next_steps():
    assert run(tracker()) == (["utter_faq/cost", "utter_next_steps"], [])


def test_during_the_intake_the_answer_comes_without_next_steps():
    responses, _ = run(tracker(active_loop={"name": "intake_form"}))
    assert responses == ["utter_faq/cost"]


def test_no_chosen_answer_is_not_sure():
    assert run(tracker(key=None))[0] == ["utter_not_sure"]


def test_a_topic_without_an_answer_in_the_domain_is_not_sure():
    assert run(tracker(key="faq/parking"))[0] == ["utter_not_sure"]
