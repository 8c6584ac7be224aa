"""Intake answers as people give them: yes and no, tests never done, mutations, organs, scores."""
import pytest

from bot.intake.parsing import parse_answer
from bot.intake.yesno import read_yes_no
from bot.nlp import extract_profile
from bot.nlp.spelling import corrected


@pytest.mark.parametrize("text", [
    "yes", "y", "yeah sure", "ok", "okay go ahead", "sure, why not", "you have my permission",
    "fine by me", "i agree", "of course", "alright then", "no problem", "that's fine", "please do",
    "go for it", "yes that's right", "correct", "all good", "i don't mind", "yep, thats correct"])
def test_yes_in_ones_own_words(text):
    assert read_yes_no(text) is True


@pytest.mark.parametrize("text", [
    "no", "n", "nope", "no thanks", "not now", "i'd rather not", "don't store anything",
    "i do not agree", "that's wrong", "not quite", "nah", "not comfortable with that"])
def test_no_in_ones_own_words(text):
    assert read_yes_no(text) is False


@pytest.mark.parametrize("text, intent", [
    ("who will see my answers?", "deny"), ("can i delete it later?", "affirm"), ("maybe", "deny"),
    ("hmm", "affirm"), ("not sure", "deny"), ("yes but don't keep my phone number", "affirm"), ("", "affirm")])
def test_a_question_or_a_hesitation_is_neither(text, intent):
    assert read_yes_no(text, intent) is None


def test_the_classifier_counts_only_when_the_words_say_nothing():
    assert read_yes_no("ja bitte", "affirm") is True
    assert read_yes_no("keine daten bitte", "deny") is False
    assert read_yes_no("banana", "greet") is None


@pytest.mark.parametrize("field, text, value", [
    ("egfr", "they never tested for it", "not_tested"),
    ("egfr", "test not done yet", "not_tested"),
    ("alk", "wasnt tested", "not_tested"),
    ("pdl1", "never checked", "not_tested"),
    ("egfr", "exon 19 deletion", "positive"),
    ("egfr", "L858R", "positive"),
    ("egfr", "T790M was found", "positive"),
    ("alk", "EML4-ALK fusion", "positive"),
    ("alk", "yes, a rearrangement was found", "positive"),
    ("egfr", "wild type", "negative"),
    ("egfr", "negetive", "negative"),
    ("alk", "no rearrangement found", "negative"),
    ("egfr", "i can't remember", "unknown"),
    ("pdl1", "<1%", "negative"),
    ("pdl1", "TPS 80", 80),
    ("pdl1", "22C3 score 5%", 5),
    ("pdl1", "about 50 percent", 50),
    ("stage", "it's in her liver and bones now", "IV"),
    ("stage", "it has gone to his brain", "IV"),
    ("stage", "3a", "IIIA"),
    ("stage", "IIIb", "IIIB"),
    ("stage", "the letter says stage 2b", "II"),
    ("stage", "three c", "IIIC"),
    ("stage", "i don't know the stage", "unknown"),
    ("ecog", "still works full time", 0),
    ("ecog", "plays golf every weekend", 0),
    ("ecog", "does light housework but gets tired doing heavy things", 1),
    ("ecog", "washes herself but can't work anymore", 2),
    ("ecog", "mostly in bed now", 3),
    ("ecog", "completely bedridden", 4),
    ("age", "he turned 71 in may", 71),
    ("age", "she is fifty eight", 58),
    ("age", "my mom is 49 yrs", 49),
    ("age", "a hundred and five", 105),
    ("age", "one hundred and twenty", 120),
    ("histology", "it says sqamous", "squamous"),
    ("histology", "adenosquamous", "other"),
    ("respondent", "asking for a friend", "caregiver"),
    ("respondent", "i'm his daughter", "caregiver"),
    ("respondent", "it's me", "patient"),
])
def test_field_answers_as_people_give_them(field, text, value):
    assert parse_answer(field, text) == (value, None)


@pytest.mark.parametrize("text", ["two hundred", "three hundred years", "two hundred and one"])
def test_an_age_in_the_hundreds_is_read_whole_and_refused(text):
    assert parse_answer("age", text) == (None, "out_of_range")


@pytest.mark.parametrize("field, text", [
    ("stage", "stage 3"),          # no letter: never a guess
    ("age", "old"),
    ("age", "70 or 71"),  # two numbers: ask again
    ("egfr", "banana"),
    ("pdl1", "the test is in 2 weeks"),
])
def test_answers_that_give_no_value_are_re_asked(field, text):
    value, reason = parse_answer(field, text)
    assert value is None and reason


@pytest.mark.parametrize("text, expected", [
    ("EGFR not tested, ALK negative", {"egfr": "not_tested", "alk": "negative"}),
    ("no EGFR test was done", {"egfr": "not_tested"}),
    ("no EGFR mutation", {"egfr": "negative"}),
    ("they never checked for mutations", {"egfr": "not_tested", "alk": "not_tested"}),
    ("no biomarker testing was done", {"egfr": "not_tested", "alk": "not_tested", "pdl1": "not_tested"}),
    ("PD-L1 score: 50", {"pdl1": 50}),
    ("brain mets", {"stage": "IV"}),
    ("the liver is fine", {}),
    ("stage 3b sqamous, on chemo and radiaton",
     {"stage": "IIIB", "histology": "squamous", "diagnosis": "nsclc", "setting": ["concurrent_chemoradiotherapy"]}),
])
def test_free_text_details(text, expected):
    assert extract_profile(text) == expected


@pytest.mark.parametrize("word, meant", [("adenocarcenoma", "adenocarcinoma"), ("keytrud", "keytruda"),
                                         ("positve", "positive"), ("smell", None), ("surgeon", None),
                                         ("tomorrow", None), ("cells", None)])
def test_typos_in_clinical_words_only(word, meant):
    assert corrected(word) == meant
