"""bot.understanding: the decision, the conversation's context, the classifier, the encoder."""
import numpy as np
import pytest

from bot.understanding import clarifying_buttons, label_of_question, topic_choices
from bot.understanding.classifier import SentenceClassifier
from bot.understanding.context import previous_answer
from bot.understanding.decision import ANSWER, ASK, REFUSE, Policy, decide, flatten
from tests.helpers import ROOT, faq_keys

POLICY = Policy(answer=0.5, ask=0.2, diet_weight=0.5, context_weight=0.3)


def test_flatten_splits_faq_over_the_topics():
    flat = flatten({"faq": 0.8, "greet": 0.2}, {"faq/cost": 0.75, "faq/visa": 0.25})
    assert flat == pytest.approx({"faq/cost": 0.6, "faq/visa": 0.2, "greet": 0.2})


def test_both_readers_sure_answers():
    d = decide({"faq/cost": 0.9}, {"faq/cost": 0.8}, word_count=5, policy=POLICY)
    assert (d.action, d.label) == (ANSWER, "faq/cost") and d.score == pytest.approx(0.85)


def test_two_close_topics_ask_which_one_was_meant():
    d = decide({"faq/schedule": 0.45, "faq/infusions_cycles": 0.4},
               {"faq/schedule": 0.35, "faq/infusions_cycles": 0.4}, word_count=6, policy=POLICY)
    assert d.action == ASK and set(d.choices) == {"faq/schedule", "faq/infusions_cycles"}


def test_nothing_near_enough_is_refused():
    d = decide({"faq/cost": 0.15, "greet": 0.1}, {"faq/visa": 0.15, "thank": 0.1}, word_count=3, policy=POLICY)
    assert d.action == REFUSE


def test_out_of_scope_is_refused_even_when_sure():
    d = decide({"out_of_scope": 0.9}, {"out_of_scope": 0.95}, word_count=4, policy=POLICY)
    assert (d.action, d.label) == (REFUSE, "out_of_scope")


def test_a_social_intent_in_doubt_is_refused_not_asked():
    d = decide({"greet": 0.3}, {"greet": 0.3}, word_count=1, policy=POLICY)
    assert d.action == REFUSE


def test_the_geometric_mean_stays_low_when_the_readers_disagree():
    geometric = Policy(answer=0.5, ask=0.2, combine="geometric")
    d = decide({"faq/schedule": 0.95, "out_of_scope": 0.05}, {"out_of_scope": 0.9, "faq/schedule": 0.1},
               word_count=4, policy=geometric)
    assert d.action != ANSWER, "words say schedule, meaning says 'a dentist appointment': no answer"


def test_a_short_follow_up_is_read_against_the_previous_topic():
    alone = {"inform": 0.8, "faq/histologies": 0.1}
    in_context = {"faq/histologies": 0.95}
    d = decide(alone, alone, word_count=2, in_context=in_context, previous_topic="histologies", policy=POLICY)
    assert (d.action, d.label, d.followup_of) == (ANSWER, "faq/histologies", "histologies")


def test_a_long_message_is_read_alone_even_after_an_answer():
    alone = {"inform": 0.8}
    d = decide(alone, alone, word_count=20, in_context={"faq/histologies": 0.95},
               previous_topic="histologies", policy=POLICY)
    assert d.label == "inform" and d.followup_of is None


def test_thanks_after_an_answer_stays_thanks():
    alone = {"thank": 0.9}
    d = decide(alone, alone, word_count=1, in_context={"faq/cost": 0.9}, previous_topic="cost", policy=POLICY)
    assert d.label == "thank"


def test_the_policy_file_is_valid():
    policy = Policy.from_file()
    assert 0 < policy.ask < policy.answer < 1 and policy.combine in ("mean", "geometric")


def events(*pairs):
    out = []
    for kind, value in pairs:
        if kind == "user":
            out.append({"event": "user", "text": value})
        else:
            out.append({"event": "bot", "text": "...", "metadata": {"utter_action": value}})
    return list(reversed(out))  # newest first


def test_previous_answer_is_the_faq_given_after_the_last_message():
    found = previous_answer(events(("user", "what are the side effects"), ("bot", "utter_faq/side_effects"),
                                   ("bot", "utter_next_steps")))
    assert (found.topic, found.question) == ("side_effects", "what are the side effects")


def test_no_previous_answer_when_the_last_reply_was_not_an_faq():
    assert previous_answer(events(("user", "hi"), ("bot", "utter_greet"))) is None
    assert previous_answer(events(("user", "/check_eligibility"), ("bot", "utter_faq/cost"))) is None
    assert previous_answer([]) is None


def test_the_classifier_learns_saves_and_loads(tmp_path):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=8), rng.normal(size=8)
    vectors = np.stack([a + rng.normal(scale=0.1, size=8) for _ in range(10)]
                       + [b + rng.normal(scale=0.1, size=8) for _ in range(10)]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    clf = SentenceClassifier.fit(vectors, ["faq/cost"] * 10 + ["greet"] * 10)
    probe = (a / np.linalg.norm(a)).astype(np.float32)
    assert max(clf.probabilities(probe).items(), key=lambda kv: kv[1])[0] == "faq/cost"
    assert clf.nearest(probe)[0] == "faq/cost"
    clf.save(tmp_path)
    again = SentenceClassifier.load(tmp_path)
    assert again.probabilities(probe) == pytest.approx(clf.probabilities(probe))


def test_the_classifier_needs_two_labels():
    with pytest.raises(ValueError):
        SentenceClassifier.fit(np.ones((3, 4), dtype=np.float32), ["greet"] * 3)


def test_every_faq_topic_can_be_offered_in_a_clarifying_question():
    offered = {label.split("/", 1)[1] for label in topic_choices() if label.startswith("faq/")}
    assert offered == set(faq_keys())


def test_clarifying_buttons_keep_the_order_and_skip_unknown_labels():
    buttons = clarifying_buttons(["faq/cost", "faq/nonexistent", "check_eligibility"])
    assert [b["payload"] for b in buttons] == ["How much does CIK therapy cost?", "/check_eligibility"]


ENCODER_DIR = ROOT / "models" / "encoder"


@pytest.fixture(scope="module")
def encoder():
    from bot.understanding.encoder import SentenceEncoder
    if not (ENCODER_DIR / "encoder.onnx").exists():
        pytest.fail("no sentence encoder: run the tests through `make test` (it builds models/encoder)")
    return SentenceEncoder(ENCODER_DIR)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    a, b, c = encoder.encode(["how long does it take to make the cells",
                              "how many days until the cik cells are ready", "can i bring my dog on the plane"])
    assert float(a @ b) > float(a @ c) + 0.2
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-4)


def test_batches_give_the_same_vectors_as_single_sentences(encoder):
    texts = ["hi", "my father has stage 4 adenocarcinoma and is on carboplatin, could cik help him?", ""]
    batch = encoder.encode(texts)
    single = np.stack([encoder.encode_one(text) for text in texts])
    assert np.abs(batch - single).max() < 1e-5
    assert not batch[2].any(), "an empty text is no meaning at all"


def test_a_missing_encoder_says_how_to_build_it(tmp_path):
    from bot.understanding.encoder import EncoderMissing, SentenceEncoder
    with pytest.raises(EncoderMissing, match="make model"):
        SentenceEncoder(tmp_path)


def test_the_built_encoder_matches_the_pinned_weights():
    import json
    manifest = json.loads((ENCODER_DIR / "manifest.json").read_text())
    lock = json.loads((ROOT / "bot" / "understanding" / "encoder.lock.json").read_text())
    assert manifest["files"] == lock["files"] and manifest["package"] == lock["package"]
    assert manifest["max_difference_from_tensorflow"] < 1e-4
    from bot.understanding.build import sha256_of
    assert sha256_of(ENCODER_DIR / "encoder.onnx") == manifest["onnx_sha256"]


def test_while_the_intake_waits_a_name_is_an_answer_not_a_request():
    d = decide({"human_handoff": 0.5}, {"human_handoff": 0.4, "inform": 0.3}, word_count=2, in_form=True,
               policy=POLICY)
    assert (d.action, d.label) == (ANSWER, "inform")


def test_while_the_intake_waits_a_sure_request_still_interrupts():
    d = decide({"human_handoff": 0.95}, {"human_handoff": 0.9}, word_count=5, in_form=True, policy=POLICY)
    assert d.label == "human_handoff"


def test_details_with_a_plain_request_for_a_person_are_the_request():
    d = decide({"human_handoff": 0.69, "inform": 0.21}, {"inform": 0.67, "human_handoff": 0.17}, word_count=12,
               policy=POLICY)
    assert (d.action, d.label) == (ANSWER, "human_handoff")


def test_outside_the_intake_an_answer_to_its_questions_gives_way_to_the_question_asked():
    # "why has my oncologist never mentioned this" read a little like "I don't know",
    # which nothing follows outside the intake (the patient got "Sorry, I lost track").
    words = {"dont_know": 0.45, "faq/guidelines": 0.3}
    meaning = {"dont_know": 0.3, "faq/guidelines": 0.6}
    d = decide(words, meaning, word_count=7, policy=POLICY)
    assert d.label == "faq/guidelines" and d.action in (ANSWER, ASK)


def test_inside_the_intake_not_sure_stays_an_answer():
    d = decide({"dont_know": 0.8}, {"dont_know": 0.7}, word_count=2, in_form=True, policy=POLICY)
    assert (d.action, d.label) == (ANSWER, "dont_know")


def test_details_alone_stay_details():
    d = decide({"inform": 0.7, "human_handoff": 0.2}, {"inform": 0.8, "human_handoff": 0.1}, word_count=12,
               policy=POLICY)
    assert d.label == "inform"


@pytest.mark.parametrize("label", sorted(topic_choices()))
def test_every_did_you_mean_question_is_known_by_its_exact_text(label):
    question = topic_choices()[label]["question"]
    assert label_of_question(question) == label
    assert label_of_question("  " + question.upper() + " ") == label


def test_other_text_is_not_a_button_question():
    assert label_of_question("can you guarantee that CIK will work for my dad?") is None
