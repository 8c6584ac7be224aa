"""The contact action hands the configured contact to the response."""
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionContactTeam


def make_tracker(text: str = "talk to a human") -> Tracker:
    return Tracker(
        sender_id="test", slots={}, latest_message={"text": text, "intent": {"name": "human_handoff"}},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


def test_contact_team_names_the_configured_contact(monkeypatch):
    monkeypatch.setenv("TEAM_CONTACT", "care@example.test or +1 555 0100")
    dispatcher = CollectingDispatcher()
    events = ActionContactTeam().run(dispatcher, make_tracker(), {})
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_contact_team"
    assert dispatcher.messages[0]["contact"] == "care@example.test or +1 555 0100"


def test_contact_team_has_a_sensible_default(monkeypatch):
    monkeypatch.delenv("TEAM_CONTACT", raising=False)
    dispatcher = CollectingDispatcher()
    ActionContactTeam().run(dispatcher, make_tracker(), {})
    assert "CancerFax" in dispatcher.messages[0]["contact"]
