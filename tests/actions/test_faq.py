"""action_answer_faq: the answer the NLU chose, next steps outside the intake, 'not sure' without one."""
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq

# Rasa sends this action no domain (selective domain): it reads the answers from domain.yml.
DOMAIN: dict = {}


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


def test_rasa_sends_the_domain_only_to_the_actions_that_read_it():
    from tests.helpers import ROOT
    import yaml
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    actions = yaml.safe_load((ROOT / "domain.yml").read_text())["actions"]
    needs = {name for item in actions if isinstance(item, dict) for name, cfg in item.items() if cfg.get("send_domain")}
    assert needs == {"validate_intake_form", "action_red_flag"}
