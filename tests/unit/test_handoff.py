"""The handoff service, its triggers, the quiet rule, and the spool that keeps a case when the database is down."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.config import load_notify_settings
from bot.handoff import requests, service, spool, triggers
from bot.handoff.quiet import assistant_stays_quiet
from bot.handoff.service import HandoffError, HandoffRequest, InvalidTransition
from bot.storage.models import AuditEntry, Coordinator, Handoff, Notification

NOTIFY_OFF = replace(load_notify_settings(), webhook_url="", smtp_host="")
NOTIFY_WEBHOOK = replace(NOTIFY_OFF, webhook_url="http://127.0.0.1:9/hook")
CONSOLE = "http://console.test"
PROFILE = {"diagnosis": "nsclc", "histology": "squamous", "stage": "IIIB"}


def request(cid="conv-1", reason="patient_request", **kw) -> HandoffRequest:
    return HandoffRequest(conversation_id=cid, channel="socketio", reason=reason,
                          transcript=[{"role": "user", "text": "hello"}], **kw)


def coordinator(uow, username="anna") -> int:
    with uow() as work:
        user = Coordinator(username=username, display_name=username.title(), password_hash="x")
        work.session.add(user)
        work.session.flush()
        return user.id


def as_user(work, user_id) -> Coordinator:
    return work.session.get(Coordinator, user_id)


# ----- opening -----------------------------------------------------------------

def test_a_handoff_is_written_with_everything_the_coordinator_needs(uow):
    with uow() as work:
        handoff, created = service.open_handoff(work, request(profile=PROFILE, eligibility={"tier": "x"}),
                                                NOTIFY_OFF, CONSOLE)
    assert created
    with uow() as work:
        stored = work.session.execute(select(Handoff)).scalar_one()
        assert (stored.conversation_id, stored.channel, stored.reason, stored.priority, stored.status) == \
            ("conv-1", "socketio", "patient_request", "normal", "open")
        assert stored.profile == PROFILE and stored.eligibility == {"tier": "x"}
        assert stored.transcript == [{"role": "user", "text": "hello"}]
        assert stored.created_at.tzinfo is not None
        assert [a.action for a in work.session.execute(select(AuditEntry)).scalars()] == ["opened"]


def test_a_second_trigger_updates_the_same_case_and_a_red_flag_makes_it_urgent(uow):
    with uow() as work:
        first, _ = service.open_handoff(work, request(), NOTIFY_WEBHOOK, CONSOLE)
    with uow() as work:
        again, created = service.open_handoff(work, request(reason="red_flag"), NOTIFY_WEBHOOK, CONSOLE)
        assert not created and again.id == first.id and again.priority == "urgent"
    with uow() as work:
        assert work.session.execute(select(Handoff)).scalars().all().__len__() == 1
        kinds = [n.kind for n in work.session.execute(select(Notification)).scalars()]
        assert kinds == ["webhook", "webhook"], "one for the new case, one when it became urgent"


def test_notifications_are_committed_with_the_handoff_or_not_at_all(uow):
    with pytest.raises(RuntimeError):
        with uow() as work:
            service.open_handoff(work, request(), NOTIFY_WEBHOOK, CONSOLE)
            raise RuntimeError("crash before commit")
    with uow() as work:
        assert work.session.execute(select(Handoff)).first() is None
        assert work.session.execute(select(Notification)).first() is None


def test_a_red_flag_case_is_urgent_from_the_start(uow):
    with uow() as work:
        handoff, _ = service.open_handoff(work, request(reason="red_flag"), NOTIFY_OFF, CONSOLE)
        assert handoff.priority == "urgent"


@pytest.mark.parametrize("bad", [{"reason": "bored"}, {"conversation_id": ""}])
def test_a_malformed_request_is_refused(bad):
    with pytest.raises(ValueError):
        HandoffRequest(**{"conversation_id": "c", "channel": "rest", "reason": "red_flag", **bad})


# ----- the coordinators' work ------------------------------------------------------

def test_claim_then_close_records_who_and_when(uow):
    anna = coordinator(uow)
    with uow() as work:
        case_id = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)[0].id
    with uow() as work:
        case, changed = service.claim(work, case_id, as_user(work, anna))
        assert changed and case.status == "claimed" and case.assigned_to == anna and case.claimed_at
    with uow() as work:
        assert service.claim(work, case_id, as_user(work, anna))[1] is False, "claiming again changes nothing"
    with uow() as work:
        case = service.close(work, case_id, as_user(work, anna))
        assert case.status == "closed" and case.closed_at
    with uow() as work:
        actions = [a.action for a in work.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]
        assert actions == ["opened", "claimed", "closed"]


def test_a_released_claim_can_be_claimed_again(uow):
    anna, bob = coordinator(uow, "anna"), coordinator(uow, "bob")
    with uow() as work:
        case_id = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)[0].id
        service.claim(work, case_id, as_user(work, anna))
        service.release(work, case_id, as_user(work, anna))
    with uow() as work:
        case, changed = service.claim(work, case_id, as_user(work, bob))
        assert changed and case.assigned_to == bob


def test_a_case_cannot_be_taken_from_a_colleague_or_closed_twice(uow):
    anna, bob = coordinator(uow, "anna"), coordinator(uow, "bob")
    with uow() as work:
        case_id = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)[0].id
        service.claim(work, case_id, as_user(work, anna))
    with uow() as work, pytest.raises(InvalidTransition, match="Anna"):
        service.claim(work, case_id, as_user(work, bob))
    with uow() as work:
        service.close(work, case_id, as_user(work, bob))
    with uow() as work, pytest.raises(InvalidTransition):
        service.close(work, case_id, as_user(work, anna))
    with uow() as work, pytest.raises(service.HandoffNotFound):
        service.claim(work, 999, as_user(work, anna))


def test_after_closing_a_new_trigger_opens_a_new_case(uow):
    anna = coordinator(uow)
    with uow() as work:
        first = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)[0].id
        service.close(work, first, as_user(work, anna))
    with uow() as work:
        second, created = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)
        assert created and second.id != first


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_huge_notes_are_refused(uow, text):
    anna = coordinator(uow)
    with uow() as work:
        case_id = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)[0].id
    with uow() as work, pytest.raises(HandoffError):
        service.add_note(work, case_id, as_user(work, anna), text)


def test_the_queue_puts_urgent_first_then_oldest(uow):
    with uow() as work:
        for cid, reason in [("a", "patient_request"), ("b", "red_flag"), ("c", "intake_complete"),
                            ("d", "red_flag")]:
            service.open_handoff(work, request(cid, reason), NOTIFY_OFF, CONSOLE)
    with uow() as work:
        assert [h.conversation_id for h in service.queue(work)] == ["b", "d", "a", "c"]
        assert service.counts(work) == {"open": 4, "claimed": 0, "closed": 0, "urgent": 2}
        assert [h.conversation_id for h in service.newest_first(work)] == ["d", "c", "b", "a"]


def test_the_api_shape_has_every_contract_field(uow):
    with uow() as work:
        handoff, _ = service.open_handoff(work, request(profile=PROFILE), NOTIFY_OFF, CONSOLE)
        body = service.to_api(handoff)
    for key in ("id", "conversation_id", "created_at", "status", "reason", "profile", "eligibility",
                "transcript"):
        assert key in body
    assert body["profile"] == PROFILE and body["status"] == "open"


def test_a_red_flag_case_keeps_its_category_and_words_and_can_be_marked_not_an_emergency(uow):
    anna = coordinator(uow)
    flag = {"category": "seizure", "text": "dad had a fit"}
    with uow() as work:
        handoff, _ = service.open_handoff(work, request(reason="red_flag", red_flag=flag), NOTIFY_OFF, CONSOLE)
        case_id = handoff.id
        assert service.to_api(handoff)["red_flag"] == {
            "category": "seizure", "text": "dad had a fit", "not_emergency": False,
            "marked_not_emergency_at": None, "marked_not_emergency_by": None}
        assert service.red_flag_counts(work) == {"raised": 1, "not_emergency": 0}
    with uow() as work:
        service.mark_not_emergency(work, case_id, as_user(work, anna))
    with uow() as work:
        service.mark_not_emergency(work, case_id, as_user(work, anna))  # twice: counted once
        body = service.to_api(service.get_handoff(work, case_id), service.coordinator_names(work))
        assert body["red_flag"]["not_emergency"] and body["red_flag"]["marked_not_emergency_by"] == "anna"
        assert service.red_flag_counts(work) == {"raised": 1, "not_emergency": 1}
        marks = work.session.execute(select(AuditEntry).where(AuditEntry.action == "marked_not_emergency")).scalars()
        assert [m.detail for m in marks] == [{"category": "seizure"}]


def test_only_a_red_flag_case_can_be_marked_not_an_emergency(uow):
    anna = coordinator(uow)
    with uow() as work:
        handoff, _ = service.open_handoff(work, request(), NOTIFY_OFF, CONSOLE)
        case_id = handoff.id
        assert service.to_api(handoff)["red_flag"] is None
    with uow() as work, pytest.raises(service.InvalidTransition, match="not raised by a red flag"):
        service.mark_not_emergency(work, case_id, as_user(work, anna))


def test_a_spooled_request_from_before_red_flag_categories_still_loads():
    old = {"conversation_id": "c", "channel": "rest", "reason": "red_flag", "profile": {}, "eligibility": None,
           "transcript": []}
    assert HandoffRequest(**old).red_flag is None


# ----- triggers and the quiet rule ----------------------------------------------------

def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def action(name):
    return {"event": "action", "name": name}


@pytest.mark.parametrize("intent, events, reason", [
    ("emergency", [], "red_flag"),
    ("self_harm", [], "red_flag"),
    ("nlu_fallback", [], "not_understood"),
    ("human_handoff", [action("action_intake_result"), action("action_listen"), user("human_handoff")],
     "intake_complete"),
    ("affirm", [action("action_intake_result"), action("action_listen"), user("affirm")], "intake_complete"),
    ("human_handoff", [action("action_answer_faq"), action("action_listen"), user("human_handoff")],
     "patient_request"),
    ("human_handoff", [], "patient_request"),
])
def test_the_reason_of_a_handoff(intent, events, reason):
    assert triggers.reason_for(intent, events) == reason


@pytest.mark.parametrize("intents, twice", [
    (["nlu_fallback", "nlu_fallback"], True),
    (["faq", "nlu_fallback", "nlu_fallback"], True),
    (["nlu_fallback", "faq", "nlu_fallback"], False),
    (["nlu_fallback"], False),
    ([], False),
])
def test_two_misunderstandings_in_a_row(intents, twice):
    assert triggers.misunderstood_twice([user(i) for i in intents]) is twice


@pytest.mark.parametrize("active, intent, just_heard, quiet", [
    (True, "faq", True, True),
    (True, "greet", True, True),
    (True, "emergency", True, False),
    (True, "self_harm", True, False),
    (True, "EXTERNAL_handoff_closed", True, False),
    (True, "faq", False, False),
    (False, "faq", True, False),
    (None, "faq", True, False),
])
def test_the_assistant_is_quiet_only_while_a_coordinator_has_the_patient(active, intent, just_heard, quiet):
    assert assistant_stays_quiet(active, intent, just_heard) is quiet


# ----- nothing lost when the database is down ---------------------------------------------

def broken_uow():
    raise RuntimeError("database is down")


def test_a_handoff_goes_to_the_spool_when_the_database_is_down_and_comes_back(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_WEBHOOK_URL", "")
    outcome = requests.request_handoff(request("spooled"), broken_uow, tmp_path)
    assert outcome.status == requests.SPOOLED and not outcome.with_coordinators
    assert len(spool.pending(tmp_path)) == 1

    outcome = requests.request_handoff(request("next"), uow, tmp_path)
    assert outcome.status == requests.CREATED
    assert spool.pending(tmp_path) == []
    with uow() as work:
        assert sorted(h.conversation_id for h in work.session.execute(select(Handoff)).scalars()) == \
            ["next", "spooled"]


def test_when_even_the_spool_fails_the_outcome_says_so(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    outcome = requests.request_handoff(request(), broken_uow, blocked / "spool")
    assert outcome.status == requests.FAILED


def test_an_unreadable_spool_file_is_set_aside_not_retried_forever(uow, tmp_path):
    (tmp_path / "junk.json").write_text("{not json")
    assert spool.replay(requests.store_request, uow, tmp_path) == 0
    assert spool.pending(tmp_path) == [] and (tmp_path / "junk.bad").exists()


def test_a_file_the_database_refuses_does_not_hold_up_the_others(uow, tmp_path):
    spool.write({"conversation_id": "x", "channel": "rest", "reason": "no such reason"}, tmp_path)
    spool.write(request("good").to_json(), tmp_path)
    assert spool.replay(requests.store_request, uow, tmp_path) == 1
    assert len(list(tmp_path.glob("*.bad"))) == 1 and spool.pending(tmp_path) == []


def test_a_did_you_mean_question_is_not_a_misunderstanding():
    asked = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"},
                                             "understanding": {"decision": "ask"}}}
    assert triggers.misunderstood_twice([asked, user("nlu_fallback")]) is False
    assert triggers.misunderstood_twice([user("nlu_fallback"), asked]) is False
