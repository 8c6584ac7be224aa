"""Run an understanding set through the real assistant, conversation by conversation.

Each item of `dev.jsonl` / `blind.jsonl` (see README.md here) is played over
the REST channel in a fresh conversation, as a patient would, and judged on
what the assistant did: the answer it gave, the question it asked, the slot
it filled (read back from the Rasa HTTP API's tracker). `make bench` prints
the rates; `tests/integration/test_understanding.py` holds floors on them.
"""
from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from tests.helpers import domain, http

HERE = Path(__file__).resolve().parent
DEV_SET = HERE / "dev.jsonl"
# The first blind set, tuned on once it had been measured (README.md).
DEV_B_SET = HERE / "dev_b.jsonl"
BLIND_SET = HERE / "blind.jsonl"
CATEGORIES = ("faq", "followup", "opener", "consent", "form", "intent", "out_of_scope")
# The intake's questions in order (domain.yml forms.intake_form), after consent and respondent.
FORM_ORDER = ("diagnosis", "histology", "stage", "setting", "egfr", "alk", "pdl1", "ecog", "age",
              "country", "contact_name", "contact_email", "contact_phone", "confirmed")
# Answers that take the form past a question quickly (a button's payload, or plain text).
FILLERS: dict[str, str] = {
    "diagnosis": '/inform{"diagnosis":"nsclc"}', "histology": '/inform{"histology":"adenocarcinoma"}',
    "stage": '/inform{"stage":"IV"}', "setting": '/inform{"setting":"first_line_chemotherapy"}',
    "egfr": '/inform{"egfr":"negative"}', "alk": '/inform{"alk":"negative"}',
    "pdl1": '/inform{"pdl1":"high"}', "ecog": '/inform{"ecog":1}', "age": "60", "country": "Kenya",
    "contact_name": "Test Person", "contact_email": "test.person@example.com",
    "contact_phone": "+44 20 7946 0000",
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Outcome:
    item: dict
    ok: bool
    kind: str  # right, asked, offered, wrong, refused, missed...
    replies: list = field(default_factory=list)
    understanding: Optional[dict] = None


class RestChat:
    """The REST channel and the tracker, as a patient and a reviewer see them."""

    def __init__(self, rasa_url: str, token: str) -> None:
        self.rasa_url, self.token = rasa_url.rstrip("/"), token

    def say(self, sender: str, text: str) -> list[dict]:
        status, body = http("POST", f"{self.rasa_url}/webhooks/rest/webhook",
                            {"sender": sender, "message": text}, timeout=60)
        if status != 200:
            raise RuntimeError(f"REST channel answered {status}: {body}")
        return body or []

    def tracker(self, sender: str) -> dict:
        status, body = http("GET", f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}")
        if status != 200:
            raise RuntimeError(f"tracker API answered {status}: {body}")
        return body


def _texts(replies: Iterable[dict]) -> list[str]:
    return [reply.get("text") or "" for reply in replies]


class Judge:
    """Which reply is which answer (from domain.yml)."""

    def __init__(self) -> None:
        responses = domain()["responses"]
        self.topic_of: dict[str, str] = {}
        for name, variants in responses.items():
            if name.startswith("utter_faq/"):
                for variant in variants:
                    self.topic_of[variant["text"]] = name.split("/", 1)[1]
        self.consent_texts = {v["text"] for v in responses["utter_ask_consent"]}
        self.offer_texts = {v["text"] for v in responses["utter_offer_intake"]}
        self.declined_texts = {v["text"] for v in responses["utter_consent_declined"]}
        self.result_prefix = next(iter(responses["utter_intake_next_steps"]))["text"][:40]

    def topics(self, replies: list[dict]) -> list[str]:
        return [self.topic_of[text] for text in _texts(replies) if text in self.topic_of]

    def cik_answer(self, replies: list[dict]) -> bool:
        return any(text in self.topic_of or text in self.consent_texts for text in _texts(replies))

    def starts_intake(self, replies: list[dict]) -> bool:
        return any(text in self.consent_texts for text in _texts(replies))

    def offers_intake(self, replies: list[dict]) -> bool:
        """The intake one tap away: the offer, or an answer with a "could CIK fit my case?" button."""
        if any(text in self.offer_texts for text in _texts(replies)):
            return True
        return bool(self.topics(replies)) and any(
            button.get("payload") == "/check_eligibility"
            for reply in replies for button in reply.get("buttons") or [])


def _latest_user(tracker: dict) -> dict:
    users = [e for e in tracker.get("events", []) if e.get("event") == "user"]
    return (users[-1].get("parse_data") or {}) if users else {}


class Runner:
    def __init__(self, chat: RestChat, prefix: str = "u") -> None:
        self.chat, self.judge, self.prefix = chat, Judge(), prefix

    def _sender(self, item: dict) -> str:
        return f"{self.prefix}-{item['id']}-{os.urandom(4).hex()}"

    def run(self, items: list[dict]) -> list[Outcome]:
        return [getattr(self, f"_{item['category']}")(item) for item in items]

    def _answer(self, item: dict, sender: str, replies: list[dict]) -> Outcome:
        expected = {item["topic"], *item.get("also", [])}
        understanding = _latest_user(self.chat.tracker(sender)).get("understanding") or {}
        given = self.judge.topics(replies)
        if given:
            right = given[0] in expected
            return Outcome(item, right, "right" if right else "wrong", replies, understanding)
        if understanding.get("decision") == "ask":
            offered = {c.split("/", 1)[1] for c in understanding.get("choices", []) if c.startswith("faq/")}
            return Outcome(item, False, "asked_right" if offered & expected else "asked_wrong",
                           replies, understanding)
        return Outcome(item, False, "refused", replies, understanding)

    def _faq(self, item: dict) -> Outcome:
        sender = self._sender(item)
        return self._answer(item, sender, self.chat.say(sender, item["text"]))

    def _followup(self, item: dict) -> Outcome:
        sender = self._sender(item)
        self.chat.say(sender, item["context"]["question"])
        return self._answer(item, sender, self.chat.say(sender, item["text"]))

    def _opener(self, item: dict) -> Outcome:
        sender = self._sender(item)
        replies = self.chat.say(sender, item["text"])
        understanding = _latest_user(self.chat.tracker(sender)).get("understanding")
        if not self.judge.starts_intake(replies):
            kind = "offered" if self.judge.offers_intake(replies) else "missed"
            return Outcome(item, kind == "offered", kind, replies, understanding)
        details = item.get("details") or {}
        if not details:
            return Outcome(item, True, "started", replies, understanding)
        self.chat.say(sender, "/affirm")
        self.chat.say(sender, "/respondent_patient")
        slots = self.chat.tracker(sender)["slots"]
        kept = all(_same(slots.get(name), value) for name, value in details.items())
        return Outcome(item, kept, "started_kept" if kept else "started_lost", replies, understanding)

    def _consent(self, item: dict) -> Outcome:
        sender = self._sender(item)
        self.chat.say(sender, "/check_eligibility")
        replies = self.chat.say(sender, item["text"])
        tracker = self.chat.tracker(sender)
        consent = tracker["slots"].get("consent")
        understanding = _latest_user(tracker).get("understanding")
        if item["answer"] is None:
            # unclear: nothing decided, and one clear re-ask (not three bubbles)
            ok = consent is None and len(replies) == 1 and tracker.get("active_loop", {}).get("name") == "intake_form"
            return Outcome(item, ok, "reasked" if ok else f"consent={consent},{len(replies)} replies",
                           replies, understanding)
        if item["answer"] is False:  # declined: the form ends (the slot is cleared) with the reassurance
            ok = consent is not True and any(t in self.judge.declined_texts for t in _texts(replies))
        else:
            ok = consent is True
        return Outcome(item, ok, "right" if ok else f"consent={consent}", replies, understanding)

    def _form(self, item: dict) -> Outcome:
        sender = self._sender(item)
        target = item["field"]
        for text in ("/check_eligibility", "/affirm"):
            self.chat.say(sender, text)
        if target != "respondent":
            self.chat.say(sender, "/respondent_caregiver")
            for name in FORM_ORDER[:FORM_ORDER.index(target)]:
                if name in ("histology", "egfr", "alk", "pdl1") and item.get("diagnosis") == "sclc":
                    continue
                self.chat.say(sender, FILLERS[name])
            requested = self.chat.tracker(sender)["slots"].get("requested_slot")
            if requested != target:
                return Outcome(item, False, f"setup reached {requested}, not {target}")
        replies = self.chat.say(sender, item["text"])
        tracker = self.chat.tracker(sender)
        value = tracker["slots"].get(target)
        expected = item["value"]
        if target == "confirmed":  # yes gives the result (and clears the slot); no or a change does not
            given = any(t.startswith(self.judge.result_prefix) for t in _texts(replies)) or value is True
            ok = given if expected is True else not given
            value = given
        elif expected is None:
            ok = value is None
        else:
            ok = _same(value, expected)
        return Outcome(item, ok, "right" if ok else f"got {value!r}", replies,
                       _latest_user(tracker).get("understanding"))

    def _intent(self, item: dict) -> Outcome:
        sender = self._sender(item)
        replies = self.chat.say(sender, item["text"])
        parse = _latest_user(self.chat.tracker(sender))
        got = (parse.get("intent") or {}).get("name")
        return Outcome(item, got == item["intent"], "right" if got == item["intent"] else f"got {got}",
                       replies, parse.get("understanding"))

    def _out_of_scope(self, item: dict) -> Outcome:
        sender = self._sender(item)
        replies = self.chat.say(sender, item["text"])
        accepted = self.judge.cik_answer(replies)
        parse = _latest_user(self.chat.tracker(sender))
        return Outcome(item, not accepted, "false_accept" if accepted else "refused", replies,
                       parse.get("understanding"))


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        got_list = got if isinstance(got, list) else [got]
        return sorted(map(str, got_list)) == sorted(map(str, expected))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return float(got) == float(expected)
        except (TypeError, ValueError):
            return False
    if isinstance(expected, str) and isinstance(got, str):
        return got.strip().lower() == expected.strip().lower()
    return got == expected


def rates(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    """Per category: n, the share that went right, and what happened otherwise."""
    by: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by[outcome.item["category"]].append(outcome)
    return {category: {"n": len(items), "rate": sum(o.ok for o in items) / len(items),
                       "kinds": dict(Counter(o.kind for o in items))}
            for category, items in sorted(by.items())}
