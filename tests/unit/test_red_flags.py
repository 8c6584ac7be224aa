"""The red-flag safety net: every category, as patients write it, and only when it is happening.

These sentences were written by the team for the tests; the sets that
measure the net (tests/safety) are held apart and measured in
tests/safety/test_red_flag_sets.py.
"""
import pytest
import yaml

from bot.safety import ASK, NONE, URGENT, RedFlagDetector, assess, pending_answer
from bot.safety import context as ctx
from bot.safety.detector import CATEGORIES_FILE, CONCEPTS_FILE, SPELLING_FILE

URGENT_NOW = {
    "bleeding": ["I'm coughing up blood", "my uncle is hacking up blood clots",
                 "wife bringing up bright red sputum right now", "he vomited a big pool of blood just now",
                 "coughin blod since this morning", "the bleeding from the port won't stop"],
    "breathlessness": ["I can't breathe", "i can barely breathe", "his lips are going blue",
                       "she is breathing really heavy and her oxygen reading is 79", "cant breth properly",
                       "she stopped breathing"],
    "chest_pain": ["my chest feels like it is being squeezed", "dad has a stabbing pain in his chest",
                   "pressure in my chest and pain going down my left arm", "I think he's having a heart attack"],
    "collapse": ["my mum has just collapsed", "he's lying on the floor and won't wake up", "grandad is unresponsive"],
    "confusion": ["my husband doesn't know who i am", "mum has gone very confused this evening",
                  "he's suddenly talking gibberish"],
    "seizure": ["he's fitting right now", "my wife is having convulsions",
                "dad is shaking violently and not responding"],
    "neutropenic_sepsis": ["temp of 38.7 and he's on chemo", "i'm shivering uncontrollably and had chemo 5 days ago",
                           "my dad has a high temperature"],
    "stroke": ["his face is drooping on the left", "she suddenly can't speak properly and her right arm is weak",
               "dad's speech is slurred all of a sudden"],
    "spinal_cord_compression": ["he can't walk since this morning and his back hurts",
                                "mum's legs are weak and she wet herself"],
    "svco": ["his face and neck are really swollen and he's short of breath", "the veins in her neck are bulging"],
    "hypercalcaemia": ["he's really thirsty, weeing loads and very confused",
                       "mum is vomiting, constipated and extremely thirsty"],
    "severe_diarrhoea": ["diarrhoea 10 times today on nivolumab", "he has bloody diarrhoea on keytruda"],
    "infusion_reaction": ["her tongue is swelling up after the infusion", "he's covered in hives from the drip"],
    "opioid_toxicity": ["her pupils are pinpoint and she's on oxycodone", "i think i overdosed on my pain meds"],
    "self_harm": ["I want to die", "i've got pills saved up to end things", "no. i just want to stop living",
                  "no, I just want it all to end", "we'd all be better off dead", "there's no reason to live"],
}

NOT_EMERGENCIES = {
    "definition": ["what is a seizure", "what does svco mean", "whats anaphylaxis"],
    "side_effect_question": ["can cik cause diarrhoea?", "is a rash normal after the cik infusion?",
                             "will the chemo make him sleepy"],
    "past": ["he coughed blood two years ago before his surgery", "in 2022 mum had a stroke, she recovered well"],
    "other_person": ["my neighbour had a stroke last year", "my friend's mum had sepsis"],
    "instruction": ["the doctor told us to watch for fever", "the nurse said to call if her temperature goes over 38"],
    "hypothetical": ["if she gets a fever what do we do", "what are the warning signs of spinal cord compression"],
    "negated": ["no chest pain, no breathlessness", "she is not suicidal, just very sad",
                "I don't want to die, can CIK help me live longer?"],
    "resolved": ["she had a fever yesterday but it's gone now",
                 "mum's confusion last month was due to an infection and has cleared up"],
    "figurative": ["i'm dying to hear back about the trial", "this visa process is killing me",
                   "the price is giving me a heart attack haha"],
    "mild": ["my dad is a bit breathless walking up hills, same as always", "he had diarrhoea once today"],
    "cik_question": ["how long does the cik infusion take", "how much blood do they take for cik",
                     "can CIK help with breathlessness caused by the tumour?"],
}


@pytest.mark.parametrize("category,text", [(c, t) for c, texts in URGENT_NOW.items() for t in texts])
def test_an_emergency_happening_now_gets_urgent_help_in_its_category(category, text):
    result = assess(text)
    assert result.action == URGENT, f"{text!r}: {result.action} ({result.mentions})"
    assert result.category == category
    assert result.trigger, "the words that raised it are kept for the coordinator"


@pytest.mark.parametrize("kind,text", [(k, t) for k, texts in NOT_EMERGENCIES.items() for t in texts])
def test_words_of_an_emergency_that_is_not_happening_raise_no_alarm(kind, text):
    result = assess(text)
    assert result.action == NONE, f"{kind}: {text!r} -> {result.action} {result.category}"


@pytest.mark.parametrize("text", ["mum coughed blood", "my wife had chest pain", "dad had a fit yesterday"])
def test_only_a_past_tense_asks_whether_it_is_happening_now(text):
    assert assess(text).action == ASK


@pytest.mark.parametrize("text", ["my husband fainted", "she collapsed on the floor",
                                  "my mum said she wants to kill herself", "my husband talked about ending his life"])
def test_a_collapse_or_a_suicidal_statement_in_the_past_tense_is_answered_at_once(text):
    assert assess(text).action == URGENT


def test_a_suicidal_statement_wins_over_a_physical_one_in_the_same_message():
    result = assess("I'm coughing blood and I want to die")
    assert (result.action, result.category, result.intent) == (URGENT, "self_harm", "self_harm")


def test_physical_red_flags_map_to_the_emergency_intent():
    assert assess("I can't breathe").intent == "emergency"


def test_the_trigger_is_the_patients_own_words_not_the_corrected_ones():
    assert "coughin" in assess("he is coughin blod right now").trigger


@pytest.mark.parametrize("text", ["", "   ", "ok", "/affirm"])
def test_empty_and_trivial_messages_are_not_red_flags(text):
    assert assess(text).action == NONE


@pytest.mark.parametrize("text,answer", [
    ("no", False), ("No, it stopped an hour ago", False), ("not right now", False), ("it was yesterday", False),
    ("yes", True), ("yes it's happening", True), ("what do you mean?", None), ("", None)])
def test_answers_to_is_this_happening_now(text, answer):
    assert pending_answer(text) is answer


def test_a_category_naming_an_unknown_concept_is_refused(tmp_path):
    categories = yaml.safe_load(CATEGORIES_FILE.read_text())
    categories["categories"]["stroke"]["rules"] = [{"any": ["sneezing"]}]
    bad = tmp_path / "categories.yml"
    bad.write_text(yaml.safe_dump(categories))
    with pytest.raises(ValueError, match="stroke names unknown concepts"):
        RedFlagDetector.from_files(CONCEPTS_FILE, bad, SPELLING_FILE)


def test_every_category_has_rules_an_intent_and_a_response():
    detector = RedFlagDetector.from_files()
    assert len(detector.categories) == 15
    for name, category in detector.categories.items():
        assert category.rules and category.intent in ("emergency", "self_harm")
        assert category.response == f"utter_red_flag_{name}"


def test_negation_hides_a_sign_only_when_it_denies_it():
    text = "no fever and no rash"
    assert ctx.softened(text, text.index("fever"), "fever") == "negated"
    text = "i don't know, he is confused"
    assert ctx.softened(text, text.index("confused"), "confusion") is None


# ----- the meaning: example similarity and the classifier (bot/safety/semantic.py) ---------------

def _toy_encoder():
    """Each text a point on one of three axes by a keyword: enough to test the arithmetic."""
    import numpy as np

    axes = {"blood": 0, "breath": 1}

    def encode(texts):
        out = np.zeros((len(texts), 3), dtype=np.float32)
        for i, text in enumerate(texts):
            axis = next((a for word, a in axes.items() if word in text.lower()), 2)
            out[i, axis] = 1.0
        return out
    return encode


def test_the_meaning_bank_saves_loads_and_names_the_closest_category(tmp_path):
    from bot.safety.semantic import SemanticBank

    examples = tmp_path / "examples.yml"
    examples.write_text(yaml.safe_dump({"categories": {"bleeding": ["coughing blood"],
                                                       "breathlessness": ["no breath"]},
                                        "calm": ["what is cik"]}))
    training = tmp_path / "training.jsonl"
    training.write_text("\n".join(['{"text": "blood everywhere", "label": "bleeding"}',
                                   '{"text": "short of breath", "label": "breathlessness"}',
                                   '{"text": "how much is it", "label": "none"}'] * 5))
    encode = _toy_encoder()
    bank = SemanticBank.build(encode, examples, training)
    bank.save(tmp_path)
    loaded = SemanticBank.load(tmp_path)
    assert loaded.best(encode(["blood"])[0])[0] == "bleeding"
    assert loaded.best(encode(["breath"])[0])[0] == "breathlessness"
    assert loaded.best(encode(["cost"])[0]) is None, "calm wins: nothing fires"
    assert loaded.best([0.0, 0.0, 0.0]) is None
    assert set(loaded.probabilities(encode(["blood"])[0])) == {"bleeding", "breathlessness", "none"}


def test_the_meaning_never_overrides_a_negation():
    from bot.safety.semantic import SemanticBank
    import numpy as np

    class Always(SemanticBank):
        def best(self, vector):
            return "bleeding", 0.99

    detector = RedFlagDetector.from_files(semantic=Always(np.zeros((0, 3)), [], np.zeros((0, 3))))
    assert detector.assess("no, nothing like that", [1.0, 0.0, 0.0]).action == NONE
    heard = detector.assess("something is badly wrong with him right now", [1.0, 0.0, 0.0])
    assert (heard.action, heard.category, heard.source) == (URGENT, "bleeding", "meaning")
    assert detector.assess("this paperwork is killing me", [1.0, 0.0, 0.0]).action == NONE


def test_the_training_data_of_the_meaning_copies_nothing_from_the_evaluation_sets():
    from bot.safety.semantic import load_training
    from tests.safety.evaluate import BLIND_SET, DEV_SETS, load
    from tests.unit.test_faq_content import _near_copies

    texts, labels = load_training()
    assert len(texts) >= 1000 and set(labels) >= {"none", "self_harm", "svco"}
    sets = [i["text"] for path in (BLIND_SET, *DEV_SETS) if path.exists() for i in load(path)]
    assert _near_copies(texts, sets) == []
