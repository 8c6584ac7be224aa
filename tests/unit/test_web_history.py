"""The chat history the widget redraws after a reload (bot.web.history.transcript)."""
import pytest

from bot.web.history import transcript

CONSENT_BUTTONS = [{"title": "Yes, I agree", "payload": "/affirm"},
                   {"title": "No, thanks", "payload": "/deny"}]
STAGE_BUTTONS = [{"title": "Stage IIIB", "payload": '/inform{"stage":"IIIB"}'}]


def user(text, **metadata):
    return {"event": "user", "text": text, "timestamp": 1.0, "metadata": metadata}


def bot(text, buttons=None, **metadata):
    return {"event": "bot", "text": text, "timestamp": 2.0, "metadata": metadata,
            "data": {"buttons": buttons} if buttons else {}}


def test_messages_keep_their_order_and_roles():
    events = [{"event": "action", "name": "action_listen"}, user("what is cik"), bot("CIK is ..."),
              {"event": "slot", "name": "cik_context", "value": True}]
    assert [(m["role"], m["text"]) for m in transcript(events)] == [("user", "what is cik"),
                                                                     ("assistant", "CIK is ...")]


def test_a_pressed_button_shows_its_title_not_its_payload():
    events = [bot("Which stage?", STAGE_BUTTONS), user('/inform{"stage":"IIIB"}')]
    assert transcript(events)[-1] == {"role": "user", "text": "Stage IIIB", "ts": 1.0}


def test_quick_replies_are_offered_only_until_the_patient_answers():
    offered = transcript([bot("Do you agree?", CONSENT_BUTTONS)])
    assert offered[-1]["quick_replies"] == CONSENT_BUTTONS
    answered = transcript([bot("Do you agree?", CONSENT_BUTTONS), user("/affirm"), bot("Thank you.")])
    assert all("quick_replies" not in m for m in answered)
    assert answered[1]["text"] == "Yes, I agree"


def test_buttons_stay_on_their_question_when_a_note_follows_it():
    messages = transcript([bot("Do you agree?", CONSENT_BUTTONS), bot("Take your time.")])
    assert messages[0]["quick_replies"] == CONSENT_BUTTONS and "quick_replies" not in messages[1]


def test_blank_lines_split_a_reply_into_bubbles_like_the_live_socket():
    messages = transcript([bot("First part.\n\nSecond part.", CONSENT_BUTTONS)])
    assert [m["text"] for m in messages] == ["First part.", "Second part."]
    assert "quick_replies" in messages[1] and "quick_replies" not in messages[0]


def test_the_widgets_silent_greeting_is_not_shown_but_typed_slash_text_is():
    messages = transcript([user("/greet"), bot("Hello"), user("/etc/hosts is a file")])
    assert [m["text"] for m in messages] == ["Hello", "/etc/hosts is a file"]


def test_client_ids_come_back_so_the_widget_can_drop_delivered_messages():
    assert transcript([user("hi", client_id="c1")])[0]["client_id"] == "c1"
    assert "client_id" not in transcript([user("hi", client_id=7)])[0]


def test_a_coordinators_message_is_marked_as_theirs():
    assert transcript([bot("I'm Anna from the team.", sender="coordinator")])[0]["role"] == "coordinator"


@pytest.mark.parametrize("event", [
    {"event": "bot", "text": None}, {"event": "bot", "text": "   "}, {"event": "user"},
    {"event": "bot", "text": "x", "data": None}, {"event": "user", "text": "x", "metadata": None},
])
def test_odd_events_do_not_break_the_history(event):
    transcript([event])


def test_the_consoles_signals_are_not_shown_as_the_patients_words():
    signal = {"event": "user", "text": "EXTERNAL: EXTERNAL_handoff_claimed", "metadata": {"is_external": True},
              "parse_data": {"intent": {"name": "EXTERNAL_handoff_claimed"}}}
    messages = transcript([user("hello"), signal, bot("Anna has joined.")])
    assert [m["text"] for m in messages] == ["hello", "Anna has joined."]
