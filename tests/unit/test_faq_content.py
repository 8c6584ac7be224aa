"""The answers say only what the source page says, and the data stay honest."""
import re

import pytest

from tests.helpers import (
    EVAL_DIR,
    ROOT,
    SOURCE_PAGE,
    domain,
    faq_keys,
    nlu_examples,
    training_examples,
)

# Emergency and crisis answers carry public phone numbers, not clinical facts;
# the intake's questions and re-asks carry examples and ranges ("0 to 4").
PHONE_NUMBER_RESPONSES = {"utter_emergency", "utter_self_harm", "utter_red_flag_not_now", "utter_red_flag_no_answer"}
RED_FLAG_PREFIX = "utter_red_flag_"
INTAKE_PREFIXES = ("utter_ask_", "utter_invalid_", "utter_intake_", "utter_reask", "utter_change_")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:\s*[–-]\s*\d+(?:[.,]\d+)?)?%?")

TOPICS_THE_ISSUE_NAMES = {
    "what_is_cik", "survival", "progression_free", "disease_control", "adds_to_chemo",
    "monotherapy", "adjuvant_after_surgery", "small_cell", "quality_of_life",
    "side_effects", "histologies", "targeted_therapy", "immunotherapy", "stage_four",
    "cure", "schedule", "manufacturing_time", "infusions_cycles", "guidelines",
    "chinese_evidence", "where_treatment", "records_to_send", "how_service_helps",
    "travel_support", "trials", "no_guarantee", "not_medical_advice", "nsclc_share",
    "poor_performance", "cost", "visa", "named_hospitals", "waiting_time",
    "approval", "reaction_after_infusion",
}


def source_text() -> str:
    return SOURCE_PAGE.read_text(encoding="utf-8")


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def all_response_texts():
    for name, variants in domain()["responses"].items():
        for variant in variants:
            yield name, variant["text"]


def test_every_topic_the_issue_names_has_an_answer():
    assert TOPICS_THE_ISSUE_NAMES <= set(faq_keys())


@pytest.mark.parametrize(
    "name,text",
    [(n, t) for n, t in all_response_texts()
     if n not in PHONE_NUMBER_RESPONSES and not n.startswith(INTAKE_PREFIXES + (RED_FLAG_PREFIX,))],
)
def test_every_number_in_an_answer_is_on_the_source_page(name, text):
    page = source_text()
    for number in NUMBER.findall(text):
        assert number.replace(" ", "") in page, f"{name}: {number!r} is not on the source page"


@pytest.mark.parametrize(
    "key,figures",
    [
        ("survival", ["72–78%", "58–65%", "+13–17%"]),
        ("progression_free", ["8–10 months", "5–7 months"]),
        ("disease_control", ["75–85%", "60–72%"]),
        ("schedule", ["14–21 days", "3–5", "3–6 times"]),
        ("manufacturing_time", ["14–21 days"]),
        ("infusions_cycles", ["3–5", "3–6", "6–12 months"]),
        ("nsclc_share", ["85%"]),
        ("guidelines", ["NCCN", "ESMO"]),
        ("chinese_evidence", ["2010", "2022"]),
        ("side_effects", ["grade 3–4"]),
    ],
)
def test_key_figures_appear_in_their_answers(key, figures):
    text = domain()["responses"][f"utter_faq/{key}"][0]["text"]
    for figure in figures:
        assert figure in text, f"{key} should state {figure}"


@pytest.mark.parametrize("key", ["cost", "visa", "named_hospitals", "waiting_time"])
def test_where_the_page_is_silent_the_answer_says_so(key):
    text = domain()["responses"][f"utter_faq/{key}"][0]["text"].lower()
    assert "doesn't" in text and "coordinator" in text


def test_answers_never_promise_eligibility():
    for name, text in all_response_texts():
        lowered = text.lower()
        assert "you are eligible" not in lowered and "you qualify" not in lowered, name
        assert "guarantee" not in lowered or "not guarantee" in lowered or "no," in lowered \
            or "never guarantee" in lowered, name


@pytest.mark.parametrize("key", sorted(TOPICS_THE_ISSUE_NAMES | {"eligibility"}))
def test_each_answer_has_at_least_15_training_examples(key):
    assert len(training_examples().get(f"faq/{key}", [])) >= 15


def test_every_trained_faq_key_has_an_answer():
    trained = {intent.split("/", 1)[1] for intent in training_examples() if intent.startswith("faq/")}
    assert trained == set(faq_keys())


def test_no_example_is_labelled_twice():
    seen = {}
    for intent, examples in training_examples().items():
        for example in examples:
            key = normalise(example)
            assert seen.setdefault(key, intent) == intent, f"{example!r}: {seen[key]} and {intent}"


def _shingles(text: str) -> set:
    words = normalise(text).split()
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def _near_copies(candidates, reference, threshold=0.7):
    ref = [(_shingles(text), text) for text in reference]
    found = []
    for text in candidates:
        mine = _shingles(text)
        for theirs, original in ref:
            union = mine | theirs
            if union and len(mine & theirs) / len(union) >= threshold:
                found.append((text, original))
    return found


def _eval_sentences():
    sentences = []
    for path in sorted(EVAL_DIR.glob("*.tsv")):
        rows = path.read_text(encoding="utf-8").splitlines()[1:]
        sentences += [row.split("\t")[-1] for row in rows if row.strip()]
    return sentences


def test_training_data_holds_no_copy_of_the_outside_evaluation_sets():
    training = [ex for examples in training_examples().values() for ex in examples]
    assert len(_eval_sentences()) > 600
    assert _near_copies(training, _eval_sentences()) == []


def test_held_out_test_set_is_not_in_the_training_data():
    held_out = [ex for examples in nlu_examples(ROOT / "tests/nlu/heldout.yml").values() for ex in examples]
    training = {normalise(ex) for examples in training_examples().values() for ex in examples}
    copies = [ex for ex in held_out if normalise(ex) in training]
    assert copies == []


def _blind_sentences():
    """The project's own evaluation sets, written by helper sessions that never saw data/."""
    import json
    sentences = []
    for path in sorted((ROOT / "tests").glob("**/*.jsonl")):
        if path.parent.name == "nlp" and path.name == "labelled_sentences.jsonl":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sentences.append(json.loads(line)["text"])  # a follow-up's context question only sets it up
    return sentences


def test_training_data_holds_no_copy_of_the_blind_sets():
    training = [ex for examples in training_examples().values() for ex in examples]
    blind = _blind_sentences()
    assert len(blind) > 2000, "the understanding, red-flag and treatment sets are all read"
    assert _near_copies(training, blind) == []


def test_approval_questions_say_the_guide_does_not_cover_regulatory_status():
    text = domain()["responses"]["utter_faq/approval"][0]["text"]
    assert "doesn't cover regulatory approval" in text and "coordinator" in text
    assert not text.lower().startswith("no")  # the guide says nothing about approval either way
    examples = training_examples()
    assert not [e for e in examples["faq/guidelines"] if re.search(r"fda|ema\b|licen|regulat", e)]


def test_a_fever_or_rash_after_an_infusion_means_contacting_the_treating_team_now():
    text = domain()["responses"]["utter_faq/reaction_after_infusion"][0]["text"]
    assert "contact them now" in text and "emergency services" in text
    examples = training_examples()
    assert not [e for e in examples["faq/side_effects"] if re.search(r"fever|rash|chills", e)]
