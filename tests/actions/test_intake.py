"""The intake adapters with in-memory trackers: events and responses."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import intake
from actions.intake import ActionAskConfirmed, ActionIntakeResult, ActionStopIntake, ValidateIntakeForm

STAGE_PAYLOADS = ['/inform{"stage":"I"}', '/inform{"stage":"IV"}', "/dont_know"]
DOMAIN = {"forms": {"intake_form": {"required_slots": [
    "consent", "respondent", "diagnosis", "histology", "stage", "setting", "egfr", "alk", "pdl1",
    "ecog", "age", "country", "contact_name", "contact_email", "contact_phone", "confirmed"]}},
    "responses": {
        "utter_ask_stage": [{"text": "What stage?", "buttons": [{"title": t, "payload": p} for t, p in
                                                                zip(("I", "IV", "?"), STAGE_PAYLOADS)]}],
        "utter_ask_consent": [{"text": "Do you agree?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                                    {"title": "No", "payload": "/deny"}]}]}}


@pytest.fixture
def stored(monkeypatch):
    """Capture what would be written to the database."""
    calls = []
    monkeypatch.setattr(intake.records, "store_consent", lambda *a, **k: calls.append(("consent", a)) or True)
    monkeypatch.setattr(intake.records, "store_answers", lambda *a, **k: calls.append(("answers", a)) or True)
    monkeypatch.setattr(intake.records, "store_result", lambda *a, **k: calls.append(("result", a)) or True)
    monkeypatch.setattr(intake.records, "store_status", lambda *a, **k: calls.append(("status", a)) or True)
    return calls


def make_tracker(text, intent, requested, slots=None, entities=(), events=(), asked=None):
    """The patient's latest message, right after the assistant asked `requested`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    all_slots = {"requested_slot": requested, **(slots or {})}
    question = asked or ("utter_intake_summary" if requested == "confirmed" else f"utter_ask_{requested}")
    conversation = [*events, {"event": "bot", "text": "...", "metadata": {"utter_action": question}},
                    {"event": "user", "text": text, "parse_data": latest, "timestamp": 1700000000.0 + len(events)}]
    return Tracker("patient-1", all_slots, latest, conversation, False, None,
                   {"name": "intake_form"}, "action_listen")


def run_form(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIntakeForm().run(dispatcher, tracker, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m.get("response") for m in dispatcher.messages]


def entity(field, value):
    return {"entity": field, "value": value}


def test_consent_yes_records_consent_and_uses_what_was_said_before(stored):
    earlier = [{"event": "user", "text": "stage 4 adeno",
                "parse_data": {"entities": [entity("stage", "IV"), entity("histology", "adenocarcinoma")]}}]
    slots, responses = run_form(make_tracker("yes", "affirm", "consent", events=earlier))
    assert slots["consent"] is True and slots["stage"] == "IV" and slots["histology"] == "adenocarcinoma"
    assert [kind for kind, _ in stored] == ["consent", "answers"]
    assert responses == []


def test_nothing_is_stored_before_consent(stored):
    slots, _ = run_form(make_tracker("no", "deny", "consent"))
    assert slots["consent"] is False
    assert stored == []


def run_form_messages(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIntakeForm().run(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def payloads(message):
    return [button["payload"] for button in message.get("buttons") or []]


def test_a_bad_answer_is_re_asked_in_one_message_then_skip_is_offered(stored):
    slots, messages = run_form_messages(make_tracker("banana", "nlu_fallback", "stage", {"consent": True}))
    assert "stage" not in slots and slots["intake_retries"]["stage"] == 1
    assert [m["response"] for m in messages] == ["utter_invalid_stage"]
    assert payloads(messages[0]) == STAGE_PAYLOADS, "the re-ask carries the question's own buttons"
    assert slots["intake_reasked"] is True, "so the question itself is not repeated after it"
    slots, messages = run_form_messages(make_tracker("banana", "nlu_fallback", "stage",
                                                     {"consent": True, "intake_retries": {"stage": 1}}))
    assert [m["response"] for m in messages] == ["utter_reask_offer"]
    assert payloads(messages[0]) == STAGE_PAYLOADS + ["/skip_question", "/human_handoff"]
    assert stored == []


def test_an_unclear_consent_is_re_asked_with_yes_and_no_and_never_skipped(stored):
    slots, messages = run_form_messages(make_tracker("who will see my data?", "nlu_fallback", "consent"))
    assert "consent" not in slots
    assert [m["response"] for m in messages] == ["utter_invalid_consent"]
    assert payloads(messages[0]) == ["/affirm", "/deny"]
    slots, messages = run_form_messages(make_tracker("hmm", "nlu_fallback", "consent",
                                                     {"intake_retries": {"consent": 1}},
                                                     asked="utter_invalid_consent"))
    assert [m["response"] for m in messages] == ["utter_reask_offer_yes_no"]
    assert payloads(messages[0]) == ["/affirm", "/deny", "/human_handoff"]
    assert stored == []


def test_a_message_read_twice_in_one_turn_counts_as_one_miss(stored):
    """Rasa runs the form's validation for slot extraction and again in the form."""
    first = make_tracker("hmm", "affirm", "consent")
    slots, _ = run_form_messages(first)
    again = make_tracker("hmm", "affirm", "consent", {"intake_retries": slots["intake_retries"]})
    slots, messages = run_form_messages(again)
    assert slots["intake_retries"]["consent"] == 1
    assert [m["response"] for m in messages] == ["utter_invalid_consent"], "the first miss, not the second"


@pytest.mark.parametrize("text, intent", [
    ("sure, go ahead", "thank"), ("you have my permission", "nlu_fallback"), ("yes pls", "affirm"),
    ("fine by me", "inform"), ("ok", "affirm"), ("alright then", "greet")])
def test_consent_in_ones_own_words(stored, text, intent):
    slots, _ = run_form(make_tracker(text, intent, "consent"))
    assert slots["consent"] is True


@pytest.mark.parametrize("text, intent", [("no thanks", "deny"), ("i'd rather not", "nlu_fallback"),
                                          ("don't store anything", "faq")])
def test_declining_in_ones_own_words(stored, text, intent):
    slots, _ = run_form(make_tracker(text, intent, "consent"))
    assert slots["consent"] is False


def test_yes_that_starts_the_intake_is_not_consent_to_a_text_not_yet_shown(stored):
    slots, messages = run_form(make_tracker("yes, please check my dad's case", "check_eligibility", "consent",
                                            asked="utter_greet"))
    assert "consent" not in slots and stored == []


def test_ecog_seven_and_age_two_hundred_are_refused(stored):
    _, responses = run_form(make_tracker("7", "inform", "ecog", {"consent": True}))
    assert responses == ["utter_invalid_ecog"]
    _, responses = run_form(make_tracker("200", "inform", "age", {"consent": True}))
    assert responses == ["utter_invalid_age"]


def test_a_good_answer_is_stored_and_clears_the_retry_count(stored):
    slots, responses = run_form(make_tracker("stage 3b", "inform", "stage",
                                             {"consent": True, "intake_retries": {"stage": 1}},
                                             entities=[entity("stage", "IIIB")]))
    assert slots["stage"] == "IIIB" and slots["intake_retries"] == {}
    assert stored == [("answers", ("patient-1", {"stage": "IIIB"}))]


def test_a_question_mid_intake_is_left_to_the_conversation(stored):
    slots, responses = run_form(make_tracker("what is cik?", "faq", "stage", {"consent": True}))
    assert slots == {} and responses == []


def test_no_at_the_summary_asks_what_to_change(stored):
    slots, responses = run_form(make_tracker("no", "change_answer", "confirmed", {"consent": True}))
    assert slots["confirmed"] is None and slots["intake_correcting"] is True
    assert responses == ["utter_what_to_change"]


def test_a_correction_updates_the_field_and_returns_to_the_summary(stored):
    slots, _ = run_form(make_tracker("the stage is IV", "inform", "confirmed",
                                     {"consent": True, "stage": "IIIB", "intake_correcting": True},
                                     entities=[entity("stage", "IV")]))
    assert slots["stage"] == "IV" and slots["intake_correcting"] is False
    assert "confirmed" not in slots or slots["confirmed"] is None


def test_the_summary_is_shown_unless_a_correction_is_being_typed():
    dispatcher = CollectingDispatcher()
    ActionAskConfirmed().run(dispatcher, make_tracker("", "affirm", "confirmed", {"stage": "IV"}), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_intake_summary"
    assert "Stage: IV" in dispatcher.messages[0]["summary"]
    dispatcher = CollectingDispatcher()
    ActionAskConfirmed().run(dispatcher, make_tracker("", "x", "confirmed", {"intake_correcting": True}), DOMAIN)
    assert dispatcher.messages == []


def test_the_result_is_explained_and_stored(stored):
    slots = {"consent": True, "diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy",
             "ecog": 1, "confirmed": True}
    dispatcher = CollectingDispatcher()
    events = ActionIntakeResult().run(dispatcher, make_tracker("yes", "affirm", None, slots), DOMAIN)
    explanation = dispatcher.messages[0]["explanation"]
    assert "strong evidence" in explanation and "only the treating centre decides" in explanation
    assert [m["response"] for m in dispatcher.messages] == ["utter_intake_result", "utter_intake_next_steps"]
    assert stored[0][0] == "result" and stored[0][1][1]["tier"] == "strong_evidence"
    assert SlotSet("confirmed", None) in events


def test_declined_consent_result_says_nothing_was_stored(stored):
    dispatcher = CollectingDispatcher()
    ActionIntakeResult().run(dispatcher, make_tracker("no", "deny", None, {"consent": False}), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_consent_declined" and stored == []


def test_a_storage_failure_is_told_honestly(monkeypatch):
    monkeypatch.setattr(intake.records, "store_answers", lambda *a, **k: False)
    slots, responses = run_form(make_tracker("stage 4", "inform", "stage", {"consent": True},
                                             entities=[entity("stage", "IV")]))
    assert slots["stage"] == "IV"  # kept in the conversation
    assert responses == ["utter_intake_not_saved"]


def test_stop_marks_the_intake_cancelled_only_after_consent(stored):
    dispatcher = CollectingDispatcher()
    ActionStopIntake().run(dispatcher, make_tracker("stop", "stop_intake", "stage", {"consent": True}), DOMAIN)
    assert stored == [("status", ("patient-1", "cancelled"))]
    assert dispatcher.messages[0]["response"] == "utter_intake_stopped"
