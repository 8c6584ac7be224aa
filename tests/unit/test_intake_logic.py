"""How the intake reads answers and which question comes next."""
import pytest

from bot.intake import Turn, interpret, next_questions, profile_from_slots
from bot.intake.flow import FORM_SLOTS
from bot.intake.summary import summarise


def fake_parse(field, text):
    table = {("stage", "3b"): "IIIB", ("age", "67"): 67, ("contact_name", "Ann Lee"): "Ann Lee"}
    value = table.get((field, text.strip()))
    return (value, None) if value is not None else (None, f"{field}_not_understood")


@pytest.mark.parametrize("turn,updates,problem,is_answer", [
    # the asked question answered by an entity the NLU found
    (Turn("stage", "stage 3b", "inform", {"stage": "IIIB"}), {"stage": "IIIB"}, None, True),
    # several details at once, including ones not asked yet
    (Turn("stage", "3b squamous", "inform", {"stage": "IIIB", "histology": "squamous"}),
     {"stage": "IIIB", "histology": "squamous"}, None, True),
    # free text read by the field's parser
    (Turn("stage", "3b", "nlu_fallback", {}), {"stage": "IIIB"}, None, True),
    (Turn("age", "67", "inform", {}), {"age": 67}, None, True),
    # I don't know / skip
    (Turn("stage", "no idea", "dont_know", {}), {"stage": "unknown"}, None, True),
    (Turn("age", "skip", "skip_question", {}), {"age": "unknown"}, None, True),
    # a bad answer: re-ask, naming the field
    (Turn("stage", "banana", "nlu_fallback", {}), {}, "stage", True),
    (Turn("age", "two hundred", "out_of_scope", {}), {}, "age", True),
    # a correction of another field instead of this answer: no complaint
    (Turn("age", "sorry, the stage is IV", "inform", {"stage": "IV"}), {"stage": "IV"}, None, True),
    # consent and the summary are yes/no
    (Turn("consent", "yes", "affirm", {}), {"consent": True}, None, True),
    (Turn("consent", "no", "deny", {}), {"consent": False}, None, True),
    (Turn("consent", "purple", "nlu_fallback", {}), {}, "consent", True),
    (Turn("confirmed", "yes", "affirm", {}), {"confirmed": True}, None, True),
    (Turn("confirmed", "change", "change_answer", {}), {"confirmed": False}, None, True),
    (Turn("respondent", "for my dad", "respondent_caregiver", {}), {"respondent": "caregiver"}, None, True),
    # not answers: the conversation handles them
    (Turn("stage", "what is cik?", "faq", {}), {}, None, False),
    (Turn("stage", "stop", "stop_intake", {}), {}, None, False),
    (Turn("age", "i can't breathe", "emergency", {}), {}, None, False),
    # ... unless they answer the question anyway ("keytruda" can look like a FAQ)
    (Turn("setting", "keytruda", "faq", {"setting": "immunotherapy"}), {"setting": "immunotherapy"}, None, True),
])
def test_interpret(turn, updates, problem, is_answer):
    reading = interpret(turn, fake_parse)
    assert reading.updates == updates
    assert reading.problem == problem
    assert reading.is_answer is is_answer


def test_consent_comes_first_and_no_means_no_questions():
    assert next_questions({}) == ["consent"]
    assert next_questions({"consent": False}) == []
    assert next_questions({"consent": True}) == list(FORM_SLOTS)


def test_small_cell_skips_the_nsclc_only_questions():
    asked = next_questions({"consent": True, "diagnosis": "sclc"})
    assert "histology" not in asked and "egfr" not in asked and "stage" in asked


def test_profile_keeps_unknown_but_turns_unknown_numbers_into_null():
    profile = profile_from_slots({"stage": "unknown", "ecog": "unknown", "age": 67.0,
                                  "consent": True, "confirmed": True, "respondent": "patient"})
    assert profile == {"stage": "unknown", "ecog": None, "age": 67, "respondent": "patient"}


def test_summary_lists_answers_in_order_in_plain_words():
    text = summarise({"diagnosis": "nsclc", "stage": "IV", "ecog": 3, "egfr": "unknown"})
    assert text.splitlines() == [
        "• Type of lung cancer: non-small cell (NSCLC)",
        "• Stage: IV",
        "• EGFR: not known",
        "• Day-to-day activity: in bed or a chair more than half the day (ECOG 3)",
    ]


@pytest.mark.parametrize("field,text,value", [
    ("stage", "4", "IV"), ("stage", "iv", "IV"), ("stage", "three b", "IIIB"), ("stage", "banana", None),
    ("stage", "3", None),
    ("ecog", "2", 2), ("ecog", "7", None), ("ecog", "in bed all day", 4),
    ("age", "67", 67), ("age", "he's 71", 71), ("age", "200", None), ("age", "old", None),
    ("pdl1", "60", 60), ("pdl1", "about 60 percent", 60), ("pdl1", "150", None),
    ("contact_email", "amina@example.com", "amina@example.com"), ("contact_email", "amina at example dot com", None),
    ("contact_phone", "+254 700 000 000", "+254 700 000 000"), ("contact_phone", "12", None),
    ("contact_name", "my name is Amina Otieno", "Amina Otieno"), ("contact_name", "12345", None),
    ("country", "Kenya", "Kenya"), ("country", "we live in Wakanda", "Wakanda"), ("country", "42", None),
    ("respondent", "for my dad", "caregiver"), ("respondent", "myself", "patient"),
    ("setting", "keytruda", ["immunotherapy"]), ("diagnosis", "non small cell", "nsclc"),
])
def test_parse_answer_reads_free_text_for_the_question_asked(field, text, value):
    from bot.intake.parsing import parse_answer

    got, reason = parse_answer(field, text)
    assert got == value
    assert (reason is None) == (value is not None)


def test_free_text_fields_are_only_read_when_asked():
    reading = interpret(Turn("age", "my name is Jordan", "inform", {"country": "Jordan"}), fake_parse)
    assert "country" not in reading.updates
