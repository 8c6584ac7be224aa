"""Answer, ask, or refuse: one decision for every message.

Two readers give a probability to every label (an intent such as `greet`, or
`faq/<topic>` for a question the guide answers): DIET with the
ResponseSelector, which read the words, and the sentence classifier, which
reads the meaning (`bot.understanding.classifier`). Their average is the
score of each label. A short message right after an answer is also read
together with the question that answer was for ("is it painful?" after the
side effects), and that reading wins when it is surer.

Then one rule, with thresholds tuned on a development set that training
never sees (`decision.yml`, `python -m bench --tune`):
- the best label's score is at least `answer`: answer it;
- at least `ask` and the label is a question or the triage opener: ask which
  of the closest candidates the person meant (buttons);
- otherwise: say honestly that it was not understood (or, when the best label
  is `out_of_scope`, that it is outside what the assistant covers).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

import yaml

POLICY_FILE = Path(__file__).with_name("decision.yml")
FAQ_PREFIX = "faq/"
OUT_OF_SCOPE = "out_of_scope"
ANSWER, ASK, REFUSE = "answer", "ask", "refuse"
# Labels a clarifying question may offer; for the rest a doubt is a refusal.
ASKABLE = ("check_eligibility", "human_handoff")
# A request that wins over `inform` when a message gives details and asks for it
# ("stage 4 adeno, I need to talk to a person"); details alone are offered the
# intake, they do not start it.
REQUESTS = ("human_handoff",)
# Labels that are answers to an intake question (the form reads the text).
FORM_ANSWERS = ("inform", "affirm", "deny", "dont_know", "skip_question", "respondent_patient",
                "respondent_caregiver", "change_answer")
FORM_ANSWER = "inform"
# Answers that mean something only while the intake waits for one ("not sure",
# "skip", "I'm his daughter"); outside it nothing follows them, so they are set
# aside and the next reading decides ("why has my oncologist never mentioned
# this" reads a little like "I don't know", but asks about the guidelines).
INTAKE_ONLY = ("dont_know", "skip_question", "change_answer", "respondent_patient", "respondent_caregiver")


@dataclass(frozen=True)
class Policy:
    answer: float
    ask: float
    diet_weight: float = 0.5
    ask_choices: int = 3
    ask_min_score: float = 0.1
    followup_max_words: int = 8
    context_weight: float = 0.5
    # "mean": weight * words + (1 - weight) * meaning; "geometric": their
    # weighted geometric mean, which stays low when the two readers disagree.
    combine: str = "mean"
    # A short message after an answer is read in context when, alone, it reads
    # as one of these (or as a question): "squamous too?" alone is `inform`.
    followup_from: tuple = ("inform", "out_of_scope", "deny", "dont_know", "affirm")
    # While the intake waits for an answer, a message is read as that answer
    # unless it is surely something else: "Test Person" is a name, not a
    # request for a person; "he's on keytruda" is an answer, not a question.
    in_form_interrupt: float = 0.6
    # Outside the intake, details plus a request the words read surely (at
    # least this) are the request, with the details kept as entities.
    request_in_words: float = 0.5

    @classmethod
    def from_file(cls, path: Path = POLICY_FILE) -> "Policy":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        values = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        if "followup_from" in values:
            values["followup_from"] = tuple(values["followup_from"])
        return cls(**values)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return Policy.from_file()


@dataclass(frozen=True)
class Decision:
    action: str  # ANSWER, ASK or REFUSE
    label: str  # the best label: an intent, or faq/<topic>
    score: float
    choices: tuple[str, ...] = ()  # for ASK: the labels to offer, best first
    followup_of: Optional[str] = None  # the topic answered before, when the context decided
    ranking: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {"decision": self.action, "label": self.label, "score": round(self.score, 4),
                "choices": list(self.choices), "followup_of": self.followup_of,
                "ranking": [[label, round(score, 4)] for label, score in self.ranking[:5]]}


def flatten(intents: Mapping[str, float], topics: Mapping[str, float]) -> dict[str, float]:
    """DIET's intents with `faq` split over the ResponseSelector's topics."""
    total = sum(intents.values()) or 1.0
    out: dict[str, float] = {}
    for name, p in intents.items():
        if name == "faq":
            topic_total = sum(topics.values()) or 1.0
            for topic, q in topics.items():
                key = topic if topic.startswith(FAQ_PREFIX) else FAQ_PREFIX + topic
                out[key] = out.get(key, 0.0) + p / total * q / topic_total
        else:
            out[name] = out.get(name, 0.0) + p / total
    return out


def mix(first: Mapping[str, float], second: Mapping[str, float], weight: float) -> dict[str, float]:
    """weight * first + (1 - weight) * second, over the labels of both."""
    return {label: weight * first.get(label, 0.0) + (1 - weight) * second.get(label, 0.0)
            for label in set(first) | set(second)}


def combine(words: Mapping[str, float], meaning: Mapping[str, float], policy: Policy) -> dict[str, float]:
    if policy.combine == "geometric":
        floor, w = 1e-4, policy.diet_weight
        return {label: max(words.get(label, 0.0), floor) ** w * max(meaning.get(label, 0.0), floor) ** (1 - w)
                for label in set(words) | set(meaning)}
    return mix(words, meaning, policy.diet_weight)


def _ranked(scores: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(scores.items(), key=lambda item: (-item[1], item[0])))


def decide(words: Mapping[str, float], meaning: Mapping[str, float], *, word_count: int,
           in_context: Optional[Mapping[str, float]] = None, previous_topic: Optional[str] = None,
           in_form: bool = False, policy: Optional[Policy] = None) -> Decision:
    """The decision for one message.

    `words`: DIET + ResponseSelector, flattened; `meaning`: the sentence
    classifier on the message alone; `in_context`: the sentence classifier on
    the previous question and this message together, when an FAQ answer came
    just before (`previous_topic`); `in_form`: the intake is waiting for an
    answer.
    """
    policy = policy or default_policy()
    ranking = _ranked(combine(words, meaning, policy))
    if not in_form:
        ranking = tuple(item for item in ranking if item[0] not in INTAKE_ONLY) or ranking
    followup_of = None
    if in_context is not None and word_count <= policy.followup_max_words:
        contextual = _ranked(mix(dict(ranking), in_context, policy.context_weight))
        alone = ranking[0][0]
        leans_on_context = alone.startswith(FAQ_PREFIX) or alone in policy.followup_from
        if leans_on_context and contextual[0][0].startswith(FAQ_PREFIX) and (
                contextual[0][1] > ranking[0][1] or not alone.startswith(FAQ_PREFIX)):
            ranking, followup_of = contextual, previous_topic
    label, score = ranking[0]
    if label == FORM_ANSWER and not in_form:
        request = _request_in_words(words, policy)
        if request is not None:  # "stage 4 adeno, I need to talk to a person": details and a request
            label, score = request, max(score, dict(ranking).get(request, 0.0))
            return Decision(ANSWER, label, score, followup_of=followup_of, ranking=ranking)
    if in_form and label not in FORM_ANSWERS and score < policy.in_form_interrupt:
        return Decision(ANSWER, FORM_ANSWER, score, ranking=ranking)  # the intake reads it as the answer
    if label == OUT_OF_SCOPE:
        return Decision(REFUSE, label, score, followup_of=followup_of, ranking=ranking)
    if score >= policy.answer:
        return Decision(ANSWER, label, score, followup_of=followup_of, ranking=ranking)
    if score >= policy.ask and _askable(label):
        choices = tuple(name for name, p in ranking[:policy.ask_choices]
                        if _askable(name) and p >= policy.ask_min_score)
        if choices:
            return Decision(ASK, label, score, choices, followup_of, ranking)
    return Decision(REFUSE, label, score, followup_of=followup_of, ranking=ranking)


def _request_in_words(words: Mapping[str, float], policy: Policy) -> Optional[str]:
    """A request (a person, a case check) the words say plainly, beside details of the case."""
    if not words:
        return None
    best, p = max(words.items(), key=lambda item: item[1])
    return best if best in REQUESTS and p >= policy.request_in_words else None


def _askable(label: str) -> bool:
    return label.startswith(FAQ_PREFIX) or label in ASKABLE
