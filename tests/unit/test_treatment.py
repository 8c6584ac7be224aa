"""Treatment histories read as the contract's `setting` list (bot/nlp/treatment.py)."""
import pytest

from bot.intake.parsing import parse_answer, revised_setting
from bot.nlp import extract_profile
from bot.nlp.treatment import read_history, revise

FIRST, LATER = "first_line_chemotherapy", "later_line_chemotherapy"
CRT, IO, TKI = "concurrent_chemoradiotherapy", "immunotherapy", "targeted_therapy"


@pytest.mark.parametrize("text, settings", [
    # several drugs at once, generic and brand, in any order
    ("she gets carboplatin, pemetrexed and Keytruda every three weeks", {FIRST, IO}),
    ("Keytruda with carboplatin and pemetrexed", {FIRST, IO}),
    ("pembrolizumab plus carbo/pem", {FIRST, IO}),
    ("on Tagrisso and chemo together now", {FIRST, TKI}),
    ("atezolizumab alone", {IO}),
    # lines of therapy: chemotherapy after an earlier line stopped working
    ("he had 4 cycles of cisplatin and gemcitabine, it grew again, now docetaxel", {LATER}),
    ("second-line docetaxel", {LATER}),
    ("after progression on osimertinib she started carboplatin and pemetrexed", {LATER}),
    ("the Opdivo stopped working so they changed him to gemcitabine", {LATER}),
    # maintenance continues the first line
    ("finished four cycles of carbo/pem, now on pemetrexed maintenance", {FIRST}),
    # finished versus current
    ("finished chemo in March and now he is on Keytruda", {IO}),
    ("Imfinzi now, after finishing chemo and radiation together", {CRT, "consolidation", IO}),
    ("chemoradiation done two weeks ago, waiting for the scan", {CRT}),
    # surgery
    ("lobectomy last year, now adjuvant osimertinib", {"post_resection", TKI}),
    ("they removed the tumour in May and nothing else is planned", {"post_resection"}),
    # chemotherapy and radiotherapy together
    ("stage 3b, on chemo and radiation at the same time", {CRT}),
    ("cisplatin and etoposide with radiotherapy", {CRT}),
    # radiotherapy or supportive care alone, nothing, not known
    ("only radiotherapy to the hip for pain", {"other"}),
    ("she is under the palliative care team now", {"other"}),
    ("sotorasib for a KRAS G12C mutation", {"other"}),
    ("no treatment yet, just diagnosed", {"none"}),
    ("he refused chemo", {"none"}),
    ("not sure what drugs she is on", {"unknown"}),
    # negation, someone else's treatment, only talked about
    ("he is not on immunotherapy, just carboplatin and paclitaxel", {FIRST}),
    ("my neighbour was on Keytruda; my dad hasn't started anything", {"none"}),
    ("my friend is on Keytruda", {IO}),  # the only person named is the patient
    ("the doctor mentioned maybe immunotherapy later, for now only chemo", {FIRST}),
    ("they might add Tagrisso if the test comes back positive; on carboplatin now", {FIRST}),
    # misspelt names
    ("mum is on pembrolizumb and carboplatn", {FIRST, IO}),
])
def test_a_history_gives_every_current_or_planned_treatment(text, settings):
    assert set(read_history(text).settings) == settings


@pytest.mark.parametrize("text", ["what is CIK?", "", "   ", "my dad is 67 and lives in Kenya", "stage 4 adeno"])
def test_no_treatment_said_gives_no_setting(text):
    assert read_history(text).settings == ()
    assert "setting" not in extract_profile(text)


def test_the_list_is_in_the_contracts_order_and_the_finished_are_kept_apart():
    history = read_history("had carbo/pem, then it spread; now on docetaxel and ramucirumab")
    assert history.settings == (LATER,)
    assert history.finished == (FIRST,)
    assert history.later_line


def test_extraction_gives_the_list_with_offsets_on_the_original_words():
    text = "Stage IV, on carboplatn and Keytruda"
    profile = extract_profile(text)
    assert profile["setting"] == [FIRST, IO] and profile["stage"] == "IV"


@pytest.mark.parametrize("previous, text, expected", [
    ([FIRST, IO], "he stopped the keytruda", [FIRST]),
    ([FIRST, IO], "it's second line now", [LATER, IO]),
    ([FIRST, IO], "he's on docetaxel now after the first chemo stopped working", [LATER, IO]),
    ([FIRST, IO], "only keytruda now", [IO]),
    ([FIRST, IO], "also on Tagrisso", [FIRST, TKI, IO]),
    ([FIRST, IO], "actually no chemo, just immunotherapy", [IO]),
    ([FIRST, IO], "nothing now, he stopped everything", ["none"]),
    ([TKI], "they added chemo", [FIRST, TKI]),
])
def test_a_correction_changes_the_list(previous, text, expected):
    assert revise(previous, text) == expected


@pytest.mark.parametrize("text", ["he is 67", "egfr negative", "yes that's right", "what is the cost?",
                                  "should we ask about immunotherapy?"])
def test_a_message_about_something_else_leaves_the_list(text):
    assert revise([FIRST, IO], text) is None


def test_a_correction_needs_a_list_to_change():
    assert revised_setting(None, "he stopped the keytruda") is None
    assert revised_setting("unknown", "it's second line") is None
    assert revised_setting("first_line_chemotherapy", "it's second line") == [LATER]  # a string is a list


@pytest.mark.parametrize("answer, expected", [
    ("carboplatin and keytruda", [FIRST, IO]),
    ("chemo", [FIRST]),
    ("nothing yet", ["none"]),
    ("I don't know", "unknown"),
])
def test_the_treatment_question_is_answered_in_words(answer, expected):
    assert parse_answer("setting", answer) == (expected, None)


def test_an_answer_that_names_no_treatment_is_asked_again():
    assert parse_answer("setting", "blue") == (None, "not_understood")


# Issue 11, fourth development set: general causes of misses, each with sentences of our own.
@pytest.mark.parametrize("text, settings", [
    # "carboplatin stopped working": the "in " of a drug's name is not "in progress"
    ("she is on gemcitabine now because cisplatin stopped working", {LATER}),
    # of two close relatives, the one the message turns to ("but my mum ...") is the patient
    ("My brother was on Opdivo last year, but my mum is starting carbo/pem next week, her first chemo", {FIRST}),
    ("My sister takes Tagrisso, but this is about my father: he is on pembrolizumab", {IO}),
    # an operation called off is not had
    ("The operation was cancelled when scans showed spread; chemo with carboplatin and paclitaxel now", {FIRST}),
    # "kept" a drug: it goes on
    ("after erlotinib alone failed the team kept the erlotinib and added chemo", {LATER, TKI}),
    # suggested, then accepted: planned
    ("the consultant suggested nivolumab on its own and he agreed, first dose Friday", {IO}),
    # a question about how one feels on a drug is not a question whether to have it
    ("Is it common to get a rash on Tagrisso?", {TKI}),
    # treatment not known, or only guessed at
    ("Stage: IV. Treatment: not sure.", {"unknown"}),
    ("she gets immunotherapy I think, or perhaps chemo, I honestly don't know", {"unknown"}),
    # vocabulary: "target therapy", EGFR antibodies and ROS1/NTRK drugs outside the EGFR/ALK row
    ("on a target therapy tablet for ALK", {TKI}),
    ("amivantamab every two weeks", {"other"}),
    ("entrectinib for his ROS1 rearrangement", {"other"}),
    # an operation still to come is not post-resection
    ("the team is doing a wedge resection next week", set()),
    ("chemo and radiation together now, then surgery in the spring", {CRT}),
    ("the surgeon will send the resected tissue for testing; she is on osimertinib", {TKI}),
])
def test_fourth_set_causes_are_read(text, settings):
    assert set(read_history(text).settings) == settings


@pytest.mark.parametrize("text, expected", [
    # biomarkers: unknown when nobody knows the result, even when the test was done
    ("We don't know if they checked for EGFR. On chemo.", {"egfr": "unknown"}),
    ("they looked at ALK, I can't remember the result", {"alk": "unknown"}),
    ("We haven't got the PD-L1 result back yet", {"pdl1": "unknown"}),
    ("I cannot recall whether they did PD-L1", {"pdl1": "unknown"}),
    ("still looking at ALK, nothing back", {"alk": "unknown"}),
    # not tested, in more words
    ("the lab couldn't test ALK", {"alk": "not_tested"}),
    ("they did not do any EGFR testing", {"egfr": "not_tested"}),
    ("EGFR they never did the test", {"egfr": "not_tested"}),
    ("PD-L1 not evaluable on the sample", {"pdl1": "not_tested"}),
    # negative, in more forms
    ("ALK not rearranged", {"alk": "negative"}),
    ("EGFR -, ALK -", {"egfr": "negative", "alk": "negative"}),
    ("ALK: no", {"alk": "negative"}),
    ("he does not have EGFR or ALK", {"egfr": "negative", "alk": "negative"}),
    ("PD-L1 neg", {"pdl1": "negative"}),
    ("PD-L1 below 1 percent", {"pdl1": "negative"}),
    ("PD-L1 score was 0", {"pdl1": "negative"}),
    # positive from a mutation named alone, the treatment's reason, or a known result with an unknown kind
    ("adeno with T790M.", {"egfr": "positive"}),
    ("he takes crizotinib because of his ALK", {"alk": "positive"}),
    ("ALK positive but not sure which fusion", {"alk": "positive"}),
    # a PD-L1 value is read in its own sentence, not from the next one
    ("PD-L1 result pending. ALK is positive", {"pdl1": "unknown", "alk": "positive"}),
    # someone else's result is not the patient's
    ("My dad is ALK positive. My neighbour's wife is EGFR positive.", {"alk": "positive"}),
])
def test_fourth_set_biomarker_wordings(text, expected):
    profile = extract_profile(text)
    assert {k: profile.get(k) for k in ("egfr", "alk", "pdl1") if profile.get(k) is not None} == expected
