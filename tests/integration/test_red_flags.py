"""Red flags through the running servers: the category's reply, the question, the urgent case, the console."""
import pytest

from tests.helpers import response_texts
from tests.integration.test_handoff import (PASSWORD, Browser, coordinator, handoffs, new_sender,  # noqa: F401
                                            texts, tracker, wait_for)

pytestmark = pytest.mark.servers


def bot_texts(assistant, sender):
    return [e.get("text") for e in tracker(assistant, sender)["events"] if e.get("event") == "bot"]


def test_an_emergency_gets_its_own_reply_then_an_urgent_case_with_the_words(assistant):
    sender = new_sender("rf")
    replies = texts(assistant.say(sender, "dads face is drooping on one side and his speech is slurred"))
    assert replies[0] in response_texts("utter_red_flag_stroke")
    assert replies[-1] == response_texts("utter_handoff_urgent")[0]
    [case] = handoffs(assistant, sender)
    assert (case["reason"], case["priority"], case["red_flag_category"]) == ("red_flag", "urgent", "stroke")
    assert "drooping" in case["red_flag_text"]


def test_a_suicidal_statement_starting_with_no_gets_the_crisis_reply(assistant):
    sender = new_sender("rf")
    replies = texts(assistant.say(sender, "no, i just want it all to end"))
    assert replies[0] in response_texts("utter_red_flag_self_harm")
    assert handoffs(assistant, sender)[0]["red_flag_category"] == "self_harm"


def test_past_events_definitions_and_instructions_raise_no_alarm(assistant):
    for message in ("what is haemoptysis?", "last year he coughed some blood, it was treated",
                    "the nurse said to call if her temperature goes over 38"):
        sender = new_sender("rf")
        replies = texts(assistant.say(sender, message))
        assert not any(r in response_texts("utter_handoff_urgent") for r in replies), message
        assert handoffs(assistant, sender) == [], message


def test_unclear_timing_is_asked_once_and_yes_escalates(assistant):
    sender = new_sender("rf")
    replies = assistant.say(sender, "my dad had a fit")
    assert replies[0]["text"] in response_texts("utter_ask_happening_now")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/red_flag_now", "/red_flag_not_now"]
    assert handoffs(assistant, sender) == [], "nothing urgent until the answer"
    replies = texts(assistant.say(sender, "/red_flag_now"))
    assert replies[0] in response_texts("utter_red_flag_seizure")
    [case] = handoffs(assistant, sender)
    assert (case["priority"], case["red_flag_category"]) == ("urgent", "seizure")


def test_a_clear_no_stands_down_and_says_what_to_do_if_it_comes_back(assistant):
    sender = new_sender("rf")
    assistant.say(sender, "mum coughed some blood")
    replies = texts(assistant.say(sender, "no, that was last week"))
    assert replies == [response_texts("utter_red_flag_not_now")[0]]
    assert handoffs(assistant, sender) == []


def test_any_other_answer_escalates(assistant):
    sender = new_sender("rf")
    assert assistant.say(sender, "my wife had chest pain")[0]["text"] in response_texts("utter_ask_happening_now")
    replies = texts(assistant.say(sender, "how much does cik cost?"))
    assert replies[0] in response_texts("utter_red_flag_chest_pain")
    assert handoffs(assistant, sender)[0]["red_flag_category"] == "chest_pain"


def test_no_answer_at_all_escalates_after_the_wait(assistant):
    sender = new_sender("rf")
    assistant.say(sender, "grandma had a seizure earlier")
    [case] = wait_for(lambda: handoffs(assistant, sender), "the unanswered question to reach the coordinators",
                      timeout=60)
    assert (case["priority"], case["red_flag_category"]) == ("urgent", "seizure")
    assert response_texts("utter_red_flag_no_answer")[0] in bot_texts(assistant, sender)


def test_a_red_flag_in_the_intake_pauses_it_and_no_offers_to_continue(assistant):
    sender = new_sender("rf")
    assistant.say(sender, "could my dad have this?")
    assistant.say(sender, "yes I agree")
    replies = assistant.say(sender, "he had a seizure on saturday")
    assert replies[-1]["text"] in response_texts("utter_ask_happening_now")
    replies = assistant.say(sender, "/red_flag_not_now")
    assert replies[0]["text"] == response_texts("utter_red_flag_not_now")[0]
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/resume_intake"]
    replies = texts(assistant.say(sender, "/resume_intake"))
    assert replies[-1] in response_texts("utter_ask_respondent")


def test_the_console_shows_the_category_and_words_and_counts_not_an_emergency(assistant, coordinator):  # noqa: F811
    sender = new_sender("rf")
    assistant.say(sender, "she is having a seizure right now")
    [case] = handoffs(assistant, sender)
    browser = Browser(assistant.web_url)
    browser.login(coordinator, PASSWORD)
    status, _, page = browser.request(f"/console/cases/{case['id']}")
    assert status == 200 and "Red flag: Seizure" in page and "having a seizure" in page
    _, _, queue = browser.request("/console")
    before = int(_count(queue))
    status, url, page = browser.request(f"/console/cases/{case['id']}/not-emergency",
                                        {"csrf_token": browser.csrf(page)})
    assert status == 200 and "Marked as not an emergency" in page
    assert handoffs(assistant, sender)[0]["not_emergency_at"] is not None
    _, _, queue = browser.request("/console")
    assert int(_count(queue)) == before + 1


def _count(queue_html: str) -> str:
    import re
    return re.search(r"of which\s*<strong>(\d+)</strong> marked not an emergency", queue_html).group(1)
