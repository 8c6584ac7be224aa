"""Handoffs through the running servers: triggers, the database, notifications, the console and its API."""
from __future__ import annotations

from http.cookiejar import CookieJar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import CONSOLE_API_TOKEN, OFFICE_HOURS, RESPONSE_TIME
from tests.helpers import ROOT, http, response_texts

pytestmark = pytest.mark.servers

PASSWORD = "a long enough password"


def texts(replies):
    return [reply.get("text") or "" for reply in replies]


def new_sender(prefix="handoff") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def handoffs(assistant, conversation_id: str) -> list[dict]:
    engine = create_engine(assistant.database_url)
    with engine.connect() as db:
        rows = db.execute(text("select * from handoff where conversation_id = :c order by id"),
                          {"c": conversation_id}).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def audit_actions(assistant, handoff_id: int) -> list[str]:
    engine = create_engine(assistant.database_url)
    with engine.connect() as db:
        rows = db.execute(text("select actor, action from audit_log where handoff_id = :h order by id"),
                          {"h": handoff_id}).all()
    engine.dispose()
    return [f"{actor}:{action}" for actor, action in rows]


def tracker(assistant, conversation_id: str) -> dict:
    status, body = http("GET", f"{assistant.rasa_url}/conversations/{conversation_id}/tracker"
                               f"?token={assistant.token}")
    assert status == 200
    return body


def wait_for(predicate, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# ----- the triggers -----------------------------------------------------------

def test_talk_to_a_human_writes_the_case_then_says_when_to_expect_an_answer(assistant):
    sender = new_sender()
    replies = texts(assistant.say(sender, "I want to talk to a human please"))
    assert replies[0] in [t.format(office_hours=OFFICE_HOURS, response_time=RESPONSE_TIME)
                          for t in response_texts("utter_handoff_done")]
    assert OFFICE_HOURS in replies[0] and RESPONSE_TIME in replies[0]
    [case] = handoffs(assistant, sender)
    assert (case["reason"], case["priority"], case["status"], case["channel"]) == \
        ("patient_request", "normal", "open", "rest")
    assert "I want to talk to a human please" in case["transcript"]


def test_asking_twice_keeps_one_case(assistant):
    sender = new_sender()
    assistant.say(sender, "can I speak to a real person")
    replies = texts(assistant.say(sender, "/human_handoff"))
    assert "already with our coordination team" in replies[0]
    assert len(handoffs(assistant, sender)) == 1


def test_a_red_flag_gets_the_emergency_answer_first_then_an_urgent_case(assistant):
    sender = new_sender()
    assistant.say(sender, "what is cik therapy")
    replies = texts(assistant.say(sender, "my father is coughing up a lot of blood right now"))
    assert replies[0] == response_texts("utter_red_flag_bleeding")[0]
    assert replies[-1] == response_texts("utter_handoff_urgent")[0]
    [case] = handoffs(assistant, sender)
    assert (case["reason"], case["priority"]) == ("red_flag", "urgent")


def test_two_misunderstandings_in_a_row_reach_a_person(assistant):
    sender = new_sender()
    assert texts(assistant.say(sender, "qwzx plork vrrmb"))[0] in response_texts("utter_not_sure")
    assert handoffs(assistant, sender) == []
    replies = texts(assistant.say(sender, "zzkq blorf wumpt"))
    assert replies[0] == response_texts("utter_handoff_not_understood")[0]
    [case] = handoffs(assistant, sender)
    assert case["reason"] == "not_understood"


def complete_intake(say) -> None:
    say("my dad has stage 3b squamous lung cancer, he is on chemo and radiation together")
    say("could cik fit his case?")
    say("yes, I agree")
    say("I'm asking for my father")
    say("egfr negative")
    say("no idea")
    say("TPS 60%")
    say("he is up and about more than half the day but can't work")
    say("he's 67")
    say("Kenya")
    say("Amina Otieno")
    say("amina.otieno@example.com")
    say("+254 700 000 000")
    result = say("yes that's right")
    assert "strong evidence" in result[0], result
    assert "pass your case to a coordinator now?" in result[-1]


def test_yes_at_the_end_of_the_intake_hands_over_the_profile_and_result(assistant):
    sender = new_sender("intake")
    say = lambda message: texts(assistant.say(sender, message))  # noqa: E731
    complete_intake(say)
    replies = say("yes please")
    assert replies[0].startswith("Thank you. I've passed your conversation")
    [case] = handoffs(assistant, sender)
    assert case["reason"] == "intake_complete"
    status, body = http("GET", f"{assistant.web_url}/api/handoffs",
                        headers={"Authorization": f"Bearer {CONSOLE_API_TOKEN}"})
    mine = next(h for h in body if h["conversation_id"] == sender)
    assert mine["profile"]["stage"] == "IIIB" and mine["profile"]["contact_email"] == "amina.otieno@example.com"
    assert mine["eligibility"]["tier"] and mine["eligibility"]["matches"]
    assert any(m["text"] == "Kenya" for m in mine["transcript"])


def test_a_treatment_history_reaches_the_coordinator_with_its_treatments_and_tier(assistant):
    """Issue 11: several drugs at once, a correction in free text, every rule counted, the caveat."""
    sender = new_sender("history")
    say = lambda message: texts(assistant.say(sender, message))  # noqa: E731
    say("my mum has stage 4 adenocarcinoma, she had carbo/pem but it spread, "
        "now she is on docetaxel and also started Keytruda")
    say("could cik help her?")
    say("yes, I agree")
    assert say("I'm her daughter")[-1] in response_texts("utter_ask_egfr")  # the rest came from the opener
    say("they never tested her EGFR")
    say("ALK negative")
    say("TPS 60%")
    say("she is up and about more than half the day but can't work")
    say("she is 71")
    say("Ghana")
    say("Ama Mensah")
    say("ama.mensah@example.com")
    summary = say("+233 20 000 0000")[-1]
    assert "chemotherapy after an earlier treatment stopped working" in summary
    assert "immunotherapy" in summary and "EGFR: not tested" in summary
    say("no")                                          # something to change
    summary = say("she stopped the keytruda last week")[-1]
    assert "immunotherapy" not in summary and "stopped working" in summary
    result = say("yes that's right")
    # chemotherapy after an earlier line: no rule of the table, so a specialist's review
    assert "trials in China" in result[0] and "NCCN" in result[0]
    assert "only the treating centre decides" in result[0]
    say("yes please")
    status, body = http("GET", f"{assistant.web_url}/api/handoffs",
                        headers={"Authorization": f"Bearer {CONSOLE_API_TOKEN}"})
    mine = next(h for h in body if h["conversation_id"] == sender)
    assert mine["profile"]["setting"] == ["later_line_chemotherapy"]
    assert mine["profile"]["egfr"] == "not_tested" and mine["profile"]["alk"] == "negative"
    assert mine["eligibility"]["tier"] == "specialist_review" and mine["eligibility"]["matches"] == []


def test_a_new_case_notifies_the_team_by_webhook_and_email_without_health_details(assistant):
    sender = new_sender()
    assistant.say(sender, "my mum has stage 4 adenocarcinoma, I need to talk to a person")
    [case] = handoffs(assistant, sender)
    link = f"/console/cases/{case['id']}"
    post = wait_for(lambda: next((p for p in assistant.notifications.webhook.delivered
                                  if link in p.json["text"]), None), "the webhook")
    mail = wait_for(lambda: next((m for m in assistant.notifications.smtp.messages
                                  if link in m.message.get_content()), None), "the email")
    for body in (post.json["text"], mail.message.get_content()):
        assert "adenocarcinoma" not in body and "stage 4" not in body.lower()


# ----- the JSON API ------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"},
                                     {"Authorization": f"bearer{CONSOLE_API_TOKEN}"},
                                     {"Authorization": "Bearer \u00e9t\u00e9".encode().decode("latin-1")}])
def test_the_api_answers_nothing_without_the_token(assistant, headers):
    for path in ("/api/handoffs", "/api/handoffs/1"):
        status, body = http("GET", assistant.web_url + path, headers=headers)
        assert status == 401 and "handoffs" not in str(body) and "conversation_id" not in str(body)


def test_the_api_lists_newest_first_with_the_contract_fields(assistant):
    first, second = new_sender(), new_sender()
    assistant.say(first, "talk to a human")
    assistant.say(second, "talk to a human")
    auth = {"Authorization": f"Bearer {CONSOLE_API_TOKEN}"}
    status, body = http("GET", f"{assistant.web_url}/api/handoffs", headers=auth)
    assert status == 200 and isinstance(body, list)
    ids = [h["conversation_id"] for h in body]
    assert ids.index(second) < ids.index(first)
    for key in ("id", "conversation_id", "created_at", "status", "reason", "profile", "eligibility",
                "transcript"):
        assert key in body[0]
    one = http("GET", f"{assistant.web_url}/api/handoffs/{body[0]['id']}", headers=auth)[1]
    assert one["id"] == body[0]["id"]
    assert http("GET", f"{assistant.web_url}/api/handoffs/999999", headers=auth)[0] == 404
    assert http("GET", f"{assistant.web_url}/api/handoffs/99999999999999999999", headers=auth)[0] == 404
    assert http("GET", f"{assistant.web_url}/api/handoffs?offset=99999999999999999999", headers=auth)[0] == 200
    assert http("GET", f"{assistant.web_url}/api/handoffs?limit=abc", headers=auth)[0] == 400
    assert http("GET", f"{assistant.web_url}/api/handoffs?status=lost", headers=auth)[0] == 400


# ----- the console, as a coordinator uses it ----------------------------------------------------

class Browser:
    """A cookie-keeping HTTP client, like a browser without JavaScript."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as reply:
                return reply.status, reply.geturl(), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def login(self, username: str, password: str) -> tuple[int, str, str]:
        _, _, page = self.request("/console/login")
        return self.request("/console/login", {"csrf_token": self.csrf(page), "username": username,
                                               "password": password})


@pytest.fixture(scope="module")
def coordinator(assistant):
    name = f"coord{uuid.uuid4().hex[:6]}"
    result = subprocess.run(
        [sys.executable, "-m", "bot.console", "--url", assistant.database_url, "create-user", name,
         "--name", "Anna Li", "--password-stdin"], cwd=ROOT, input=PASSWORD + "\n",
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return name


def test_console_pages_need_a_sign_in(assistant):
    browser = Browser(assistant.web_url)
    for path in ("/console", "/console/cases/1"):
        status, url, html = browser.request(path)
        assert "/console/login" in url and "Sign in" in html


def test_a_wrong_password_is_refused_and_repeated_failures_are_slowed(assistant, coordinator):
    browser = Browser(assistant.web_url)
    status, _, html = browser.login(coordinator, "not the password")
    assert status == 401 and "wrong" in html
    victim = f"ghost{uuid.uuid4().hex[:6]}"
    statuses = [browser.login(victim, "guess")[0] for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_a_login_without_its_form_token_is_refused(assistant, coordinator):
    browser = Browser(assistant.web_url)
    status, url, page = browser.request("/console/login", {"username": coordinator, "password": PASSWORD})
    assert url.endswith("/console/login?expired=1") and "expired" in page
    assert not any(cookie.name == "cik_console" for cookie in browser.jar)


def test_the_coordinator_works_a_case_from_queue_to_close(assistant, coordinator):
    patient = new_sender("patient")
    assistant.say(patient, 'what is cik therapy <script>alert("x")</script>')
    assistant.say(patient, "I want to talk to a human please")
    [case] = handoffs(assistant, patient)

    browser = Browser(assistant.web_url)
    status, url, queue = browser.login(coordinator, PASSWORD)
    assert status == 200 and url.endswith("/console") and f"Case {case['id']}" in queue
    assert "urgent" in queue and "open" in queue

    status, _, page = browser.request(f"/console/cases/{case['id']}")
    assert status == 200
    assert "&lt;script&gt;alert" in page and '<script>alert("x")' not in page, "patient text is escaped"
    csrf = browser.csrf(page)

    assert browser.request(f"/console/cases/{case['id']}/claim", {"csrf_token": "forged"})[0] == 403
    status, _, page = browser.request(f"/console/cases/{case['id']}/claim", {"csrf_token": csrf})
    assert "You have the conversation" in page and "claimed" in page
    assert tracker(assistant, patient)["slots"]["handoff_active"] is True

    assert assistant.say(patient, "hello? is anyone there? what does cik cost?") == [], \
        "the assistant stays quiet while the coordinator has the conversation"
    status, _, page = browser.request(f"/console/cases/{case['id']}")
    assert "is anyone there?" in page, "the patient's message reaches the coordinator"

    reply_id = re.search(r'name="reply_id" value="([^"]+)"', page).group(1)
    for _ in range(2):  # a double click sends the same form twice
        browser.request(f"/console/cases/{case['id']}/reply",
                        {"csrf_token": csrf, "text": "Hello, I'm Anna.", "reply_id": reply_id})
    bots = [e for e in tracker(assistant, patient)["events"] if e["event"] == "bot"]
    assert bots[-1]["text"] == "Hello, I'm Anna." and bots[-1]["metadata"]["sender"] == "coordinator"
    assert [e["text"] for e in bots].count("Hello, I'm Anna.") == 1, "sent once"

    browser.request(f"/console/cases/{case['id']}/note", {"csrf_token": csrf, "text": "Call back Monday"})
    status, _, page = browser.request(f"/console/cases/{case['id']}/close", {"csrf_token": csrf})
    assert "Call back Monday" in page and "Closed" in page
    assert tracker(assistant, patient)["slots"]["handoff_active"] is False
    replies = texts(assistant.say(patient, "how long does the lab need to grow the cells"))
    assert replies[0] in response_texts("utter_faq/manufacturing_time"), "the assistant is back"

    assert audit_actions(assistant, case["id"]) == [
        "assistant:opened", f"{coordinator}:viewed", f"{coordinator}:claimed", f"{coordinator}:viewed",
        f"{coordinator}:viewed", f"{coordinator}:replied", f"{coordinator}:viewed", f"{coordinator}:viewed",
        f"{coordinator}:noted",
        f"{coordinator}:viewed", f"{coordinator}:closed", f"{coordinator}:viewed"]


def test_signing_out_ends_the_session(assistant, coordinator):
    browser = Browser(assistant.web_url)
    _, _, queue = browser.login(coordinator, PASSWORD)
    browser.request("/console/logout", {"csrf_token": browser.csrf(queue)})
    _, url, _ = browser.request("/console")
    assert url.endswith("/console/login")


def test_a_case_link_from_a_notification_opens_after_sign_in(assistant, coordinator):
    sender = new_sender()
    assistant.say(sender, "talk to a human")
    [case] = handoffs(assistant, sender)
    browser = Browser(assistant.web_url)
    _, url, page = browser.request(f"/console/cases/{case['id']}")
    assert "/console/login?next=/console/cases/" in url
    assert 'name="next" value="/console/cases/%d"' % case["id"] in page
    status, url, page = browser.request("/console/login", {
        "csrf_token": browser.csrf(page), "username": coordinator, "password": PASSWORD,
        "next": f"/console/cases/{case['id']}"})
    assert url.endswith(f"/console/cases/{case['id']}") and f"Case {case['id']}" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/console/", "/console/..//x"])
def test_sign_in_never_sends_the_coordinator_to_another_site(assistant, coordinator, target):
    browser = Browser(assistant.web_url)
    _, _, page = browser.request("/console/login")
    _, url, _ = browser.request("/console/login", {"csrf_token": browser.csrf(page), "username": coordinator,
                                                   "password": PASSWORD, "next": target})
    assert url == f"{assistant.web_url}/console"


def test_odd_tokens_and_ids_get_clear_refusals_not_errors(assistant, coordinator):
    browser = Browser(assistant.web_url)
    browser.login(coordinator, PASSWORD)
    assert browser.request("/console/cases/99999999999999999999")[0] == 404
    assert browser.request("/console/cases/1/claim", {"csrf_token": "\u00e9"})[0] == 403
    status, url, page = browser.request("/console/login", {"csrf_token": "\u00e9", "username": "x", "password": "y"})
    assert url.endswith("/console/login?expired=1") and "expired" in page


def test_closing_a_case_nobody_claimed_tells_the_patient_nothing(assistant, coordinator):
    sender = new_sender()
    assistant.say(sender, "talk to a human")
    [case] = handoffs(assistant, sender)
    browser = Browser(assistant.web_url)
    _, _, queue = browser.login(coordinator, PASSWORD)
    _, _, page = browser.request(f"/console/cases/{case['id']}/close", {"csrf_token": browser.csrf(queue)})
    assert "nothing was sent" in page
    bots = [e for e in tracker(assistant, sender)["events"] if e["event"] == "bot"]
    assert not any("handed the conversation back" in (e.get("text") or "") for e in bots)
