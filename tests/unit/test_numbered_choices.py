"""Numbered choices where an app shows no buttons (bot/messaging/choices.py)."""
import pytest

from bot.messaging.choices import (
    choice_number,
    last_bot_choices,
    messenger_shows_titles,
    numbered_text,
    resolve_reply,
    telegram_shows_buttons,
)

CONSENT = [{"title": "Yes, I agree", "payload": "/affirm"},
           {"title": "No, thanks", "payload": "/deny"}]
STAGES = [{"title": f"Stage {stage}", "payload": f'/inform{{"stage":"{stage}"}}'}
          for stage in ("I", "II", "IIIA", "IIIB")]


def test_the_text_comes_first_then_one_numbered_line_per_choice_then_the_prompt():
    assert numbered_text("Do you agree?", CONSENT) == (
        "Do you agree?\n\n1. Yes, I agree\n2. No, thanks\nReply with a number.")


def test_payloads_are_never_shown():
    shown = numbered_text("Which stage?", STAGES)
    assert "/inform" not in shown and "{" not in shown and '"stage"' not in shown
    assert "4. Stage IIIB" in shown


def test_choices_without_text_are_just_the_list():
    assert numbered_text("", CONSENT) == "1. Yes, I agree\n2. No, thanks\nReply with a number."


@pytest.mark.parametrize("reply, number", [
    ("1", 1), ("2", 2), ("1.", 1), (" 2 ", 2), ("2)", 2), ("option 2", 2), ("Option 3", 3),
    ("choice 1", 1), ("number 4", 4), ("no. 2", 2), ("#3", 3), ("2\ufe0f\u20e3", 2), ("12", 12),
    ("\u0662", 2),                                   # Arabic-Indic two
])
def test_a_reply_that_is_a_number_is_read_as_that_number(reply, number):
    assert choice_number(reply) == number


@pytest.mark.parametrize("reply", [
    "", None, "yes", "1 2", "stage 2", "2 kids", "I'm 67", "100", "1.5", "-1", "+44 20 7946 0000",
])
def test_anything_else_is_not_a_choice(reply):
    assert choice_number(reply) is None


@pytest.mark.parametrize("reply, understood", [
    ("1", "/affirm"), ("2.", "/deny"), (" 2 ", "/deny"), ("option 1", "/affirm"),
    ("3", "3"), ("0", "0"), ("yes", "yes"), ("1 2", "1 2"),
])
def test_a_number_in_range_becomes_the_payload_and_anything_else_stays(reply, understood):
    assert resolve_reply(reply, CONSENT) == understood


def bot(buttons=None, quick_replies=None):
    return {"event": "bot", "text": "...", "data": {"buttons": buttons, "quick_replies": quick_replies}}


@pytest.mark.parametrize("events_newest_first, pending", [
    ([{"event": "action", "name": "action_listen"}, bot(CONSENT)], CONSENT),
    ([bot(quick_replies=CONSENT)], CONSENT),
    ([bot(), bot(CONSENT)], []),                      # a later message without choices
    ([{"event": "user", "text": "2"}, bot(CONSENT)], []),  # already answered
    ([{"event": "session_started"}], []),
    ([], []),
])
def test_only_the_choices_of_the_last_bot_message_are_pending(events_newest_first, pending):
    assert last_bot_choices(events_newest_first) == pending


def test_telegram_shows_buttons_unless_a_payload_exceeds_64_bytes():
    assert telegram_shows_buttons(STAGES)
    assert not telegram_shows_buttons([{"title": "Long", "payload": "/inform" + "x" * 58}])
    assert telegram_shows_buttons([{"title": "Fits", "payload": "/inform" + "x" * 57}])


@pytest.mark.parametrize("choices, shown", [
    (CONSENT, True),
    ([{"title": "Talk to a coordinator", "payload": "/human_handoff"}], False),   # 21 characters
    ([{"title": str(n), "payload": str(n)} for n in range(13)], True),
    ([{"title": str(n), "payload": str(n)} for n in range(14)], False),
])
def test_messenger_shows_titles_up_to_13_choices_of_20_characters(choices, shown):
    assert messenger_shows_titles(choices) is shown
