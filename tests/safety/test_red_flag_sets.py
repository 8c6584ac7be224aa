"""The red-flag net measured on messages written outside the team (tests/safety/README.md).

The blind set is never tuned against. The issue asks for recall >= 0.98
overall and >= 0.95 in every category with false alarms <= 10%; the false
alarms are met, the recall is not yet. So two kinds of test:

- floors just below what the blind set measures (first read with the rules
  and example similarity alone: recall 0.836, self-harm 0.478, false alarms
  4.1%; with the classifier over sentence vectors added, without looking at
  its messages: recall 0.861, self-harm 0.522, false alarms 4.6%): a change
  that makes the net catch less fails here;
- the issue's targets, marked as expected to fail (strict), so they show in
  every run and turn into a failure the day they are met (then make them
  plain tests).

The development sets were tuned against; their floors keep what was reached.
The net runs as the assistant runs it: rules, the meaning of the sentence
vector (the converted MiniLM encoder of `make model`) and the time/person/
intent reading.
"""
import pytest

from bot.safety import RedFlagDetector
from bot.safety.semantic import EXAMPLES_FILE, SemanticBank, load_examples
from bot.understanding.encoder import SentenceEncoder
from tests.helpers import ROOT
from tests.safety.evaluate import BLIND_SET, DEV_SETS, ordinary_messages, load, measure
from tests.unit.test_faq_content import _near_copies

ENCODER_DIR = ROOT / "models" / "encoder"


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder(ENCODER_DIR)


@pytest.fixture(scope="module")
def detector(encoder):
    """The net as the trained model holds it: rules, examples and classifier."""
    return RedFlagDetector.from_files(semantic=SemanticBank.build(encoder.encode, ordinary=ordinary_messages()))


@pytest.fixture(scope="module")
def net(encoder, detector):
    def run(items):
        vectors = encoder.encode([item["text"] for item in items])
        by_text = {item["text"]: vector for item, vector in zip(items, vectors)}
        return measure(items, lambda text: detector.assess(text, by_text[text]))

    return run


@pytest.fixture(scope="module")
def blind(net):
    return net(load(BLIND_SET))


def test_the_blind_set_is_big_enough_and_covers_every_category():
    items = load(BLIND_SET)
    positives = [i for i in items if i["category"]]
    negatives = [i for i in items if not i["category"]]
    assert len(positives) >= 250 and len(negatives) >= 150
    assert len({i["category"] for i in positives}) == 15


# Floors: the blind set's first reading, rounded down (see the module docstring).
BLIND_RECALL_FLOOR = 0.88
BLIND_CATEGORY_FLOOR = 0.65
ISSUE_RECALL, ISSUE_CATEGORY_RECALL, ISSUE_FALSE_ALARMS = 0.98, 0.95, 0.10


def test_blind_recall_overall_holds_its_floor(blind):
    assert blind.recall() >= BLIND_RECALL_FLOOR, [m["text"] for m in blind.misses]


def test_blind_recall_in_every_category_holds_its_floor(blind):
    low = {c: round(blind.recall(c), 3) for c in blind.positives if blind.recall(c) < BLIND_CATEGORY_FLOOR}
    assert not low, low


def test_blind_false_alarms_are_at_most_10_percent(blind):
    assert blind.false_alarm_rate() <= ISSUE_FALSE_ALARMS, [a["text"] for a in blind.alarms]


@pytest.mark.xfail(strict=True, reason="issue 10's target, not reached yet (see tests/safety/README.md)")
def test_issue_target_blind_recall_at_least_98_percent_overall(blind):
    assert blind.recall() >= ISSUE_RECALL


@pytest.mark.xfail(strict=True, reason="issue 10's target, not reached yet (see tests/safety/README.md)")
def test_issue_target_blind_recall_at_least_95_percent_in_every_category(blind):
    assert all(blind.recall(c) >= ISSUE_CATEGORY_RECALL for c in blind.positives)


def test_the_development_sets_keep_what_was_reached(net):
    items = [item for path in DEV_SETS if path.exists() for item in load(path)]
    result = net(items)
    assert result.recall() >= 0.99, [m["text"] for m in result.misses]
    assert result.false_alarm_rate() <= 0.03, [a["text"] for a in result.alarms]


def test_the_meaning_examples_copy_nothing_from_the_sets():
    texts, _, calm = load_examples(EXAMPLES_FILE)
    sets = [item["text"] for path in (BLIND_SET, *DEV_SETS) if path.exists() for item in load(path)]
    assert _near_copies(texts + calm, sets, threshold=0.6) == []


def test_ordinary_messages_written_outside_the_team_raise_almost_no_red_flag(encoder, detector):
    """The understanding sets (questions, openers, form answers) are not emergencies."""
    import json

    # A fever after an infusion is a red flag (issue 10), even asked as a question.
    items = [json.loads(line) for name in ("dev", "dev_b", "blind")
             for line in (ROOT / "tests" / "understanding" / f"{name}.jsonl").read_text().splitlines() if line.strip()]
    texts = [item["text"] for item in items if item.get("topic") != "reaction_after_infusion"]
    alarms = [t for t, v in zip(texts, encoder.encode(texts)) if detector.assess(t, v).action != "none"]
    assert len(alarms) <= 0.01 * len(texts), alarms
