"""action_answer_faq: the chosen answer when in scope, an honest 'not sure' if not."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq


def tracker(text: str, key: str | None = "faq/cost", cik_context: bool = False) -> Tracker:
    latest = {"text": text, "intent": {"name": "faq", "confidence": 0.99}}
    if key:
        latest["response_selector"] = {"faq": {"response": {"intent_response_key": key, "confidence": 0.9}}}
    return Tracker(sender_id="t", slots={"cik_context": cik_context}, latest_message=latest, events=[],
                   paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


def run(t: Tracker):
    dispatcher = CollectingDispatcher()
    events = ActionAnswerFaq().run(dispatcher, t, {})
    return [m["response"] for m in dispatcher.messages], events


def test_a_question_naming_cik_gets_its_answer_and_next_steps():
    responses, events = run(tracker("how much does cik cost"))
    assert responses == ["utter_faq/cost", "utter_next_steps"]
    assert events == [SlotSet("cik_context", True)]


@pytest.mark.parametrize("text", ["how much does it cost to park downtown", "do i need a visa for peru"])
def test_an_unrelated_message_gets_not_sure_and_no_context(text):
    responses, events = run(tracker(text))
    assert responses == ["utter_not_sure"] and events == []


def test_a_short_follow_up_is_answered_once_the_conversation_is_about_cik():
    responses, _ = run(tracker("how much does it cost?", cik_context=True))
    assert responses[0] == "utter_faq/cost"


def test_no_selected_answer_is_not_sure():
    responses, _ = run(tracker("cik", key=None))
    assert responses == ["utter_not_sure"]
