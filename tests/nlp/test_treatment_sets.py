"""Floors on the labelled treatment-history sets (tests/nlp/README.md says how they were made)."""
import pytest

from tests.nlp.evaluate import BIOMARKERS, HERE, load, measure

DEV_SETS = ("treatment_histories_dev_a.jsonl", "treatment_histories_dev_b.jsonl", "treatment_histories_dev_c.jsonl",
            "treatment_histories_dev_d.jsonl", "treatment_histories_dev_e.jsonl", "treatment_histories_dev_f.jsonl")
BLIND_SET = "treatment_histories_blind.jsonl"
# The issue's target, reached on the development sets.
TARGET = 0.95
# What the blind set measured when it was first read (2026-12-06), less a little room:
# a change that makes it worse fails here.
BLIND_FLOOR = {"setting": 0.86, "egfr": 0.94, "alk": 0.95, "pdl1": 0.91}


@pytest.fixture(scope="module", params=DEV_SETS)
def dev(request):
    return measure(load(HERE / request.param))


@pytest.fixture(scope="module")
def blind():
    return measure(load(HERE / BLIND_SET))


def test_the_sets_are_large_enough():
    assert sum(len(load(HERE / name)) for name in DEV_SETS) >= 300
    assert len(load(HERE / BLIND_SET)) >= 150


@pytest.mark.parametrize("field", ["setting", *BIOMARKERS, *(f"{b}:not_tested" for b in BIOMARKERS)])
def test_development_sets_meet_the_target(dev, field):
    figures = dev["figures"][field]
    assert figures["precision"] >= TARGET and figures["recall"] >= TARGET, (field, figures)


@pytest.mark.parametrize("field", sorted(BLIND_FLOOR))
def test_blind_set_stays_above_its_first_reading(blind, field):
    figures = blind["figures"][field]
    assert min(figures["precision"], figures["recall"]) >= BLIND_FLOOR[field], (field, figures)


@pytest.mark.xfail(strict=True, reason="issue 11's target on a blind set, not reached yet (see the note on issue 11)")
def test_issue_target_on_the_blind_set(blind):
    assert all(blind["figures"][field]["precision"] >= TARGET and blind["figures"][field]["recall"] >= TARGET
               for field in ("setting", *BIOMARKERS))


def test_the_evaluation_can_fail():
    """A reader that answers nothing scores zero recall, and a wrong label lowers precision."""
    rows = [{"text": "on Keytruda", "expected": {"setting": ["first_line_chemotherapy"]}}]
    result = measure(rows)
    assert result["figures"]["setting"]["precision"] == 0.0 and result["figures"]["setting"]["recall"] == 0.0
    assert result["misses"]
