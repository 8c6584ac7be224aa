"""Free text to contract values: the spaCy rules of bot/nlp."""
import json

import pytest

from bot.nlp import extract, extract_profile
from tests.helpers import ROOT

CASES = [
    ("stage 3b squamous, on chemo and radiation",
     {"stage": "IIIB", "histology": "squamous", "diagnosis": "nsclc", "setting": ["concurrent_chemoradiotherapy"]}),
    ("non small cell", {"diagnosis": "nsclc"}),
    ("NSCLC", {"diagnosis": "nsclc"}),
    ("small-cell", {"diagnosis": "sclc"}),
    ("adeno", {"histology": "adenocarcinoma", "diagnosis": "nsclc"}),
    ("squamous cell carcinoma", {"histology": "squamous", "diagnosis": "nsclc"}),
    ("IIIb", {"stage": "IIIB"}),
    ("stage three b", {"stage": "IIIB"}),
    ("three B", {"stage": "IIIB"}),
    ("stage 4", {"stage": "IV"}),
    ("metastatic", {"stage": "IV"}),
    ("it spread to her liver", {"stage": "IV"}),
    ("limited stage", {"stage": "limited"}),
    ("stage 2a", {"stage": "II"}),
    ("stage 3", {}),  # no letter: no guess
    ("he takes Tagrisso", {"setting": ["targeted_therapy"]}),
    ("osimertinib", {"setting": ["targeted_therapy"]}),
    ("on Keytruda", {"setting": ["immunotherapy"]}),
    ("durvalumab", {"setting": ["immunotherapy"]}),
    ("carboplatin and pemetrexed", {"setting": ["first_line_chemotherapy"]}),
    ("chemo and radiation together", {"setting": ["concurrent_chemoradiotherapy"]}),
    ("had surgery to remove it", {"setting": ["post_resection"]}),
    ("no treatment yet", {"setting": ["none"]}),
    ("EGFR exon 19 deletion", {"egfr": "positive"}),
    ("L858R", {"egfr": "positive"}),
    ("ALK rearranged", {"alk": "positive"}),
    ("EGFR wild type, ALK negative", {"egfr": "negative", "alk": "negative"}),
    ("no EGFR mutation", {"egfr": "negative"}),
    ("I don't know my EGFR", {"egfr": "unknown"}),  # the person does not know: unknown
    ("PD-L1 TPS 60%", {"pdl1": 60}),
    ("pd-l1 high", {"pdl1": "high"}),
    ("ECOG 1", {"ecog": 1}),
    ("performance status of 3", {"ecog": 3}),
    ("fully active, still working", {"ecog": 0}),
    ("can't do heavy work but light housework is fine", {"ecog": 1}),
    ("up and about more than half the day", {"ecog": 2}),
    ("she is in bed most of the day", {"ecog": 3}),
    ("completely bedridden", {"ecog": 4}),
    ("I'm 64", {"age": 64}),
    ("my dad is 71", {"age": 71}),
    ("64 years old", {"age": 64}),
    ("anna.k@example.com", {"contact_email": "anna.k@example.com"}),
    ("+44 7700 900123", {"contact_phone": "+44 7700 900123"}),
    ("we live in Kenya", {"country": "Kenya"}),
    ("UK", {"country": "United Kingdom"}),
    # traps: numbers that are not ages, words that are not countries
    ("stage 4", {"stage": "IV"}),
    ("it takes 14-21 days", {}),
    ("cycle 2 starts at 4", {}),
    ("she was diagnosed 2 years ago", {}),
    ("can you help us", {}),
    ("what is cik?", {}),
    ("", {}),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_extract_profile(text, expected):
    assert extract_profile(text) == expected


def test_offsets_point_at_the_words():
    text = "My mum is 72, stage 4 adeno, on tagrisso"
    for finding in extract(text):
        assert text[finding.start:finding.end] == finding.text
    assert {f.field for f in extract(text)} == {"age", "stage", "histology", "diagnosis", "setting"}


def test_last_mention_wins():
    assert extract_profile("stage 3a, sorry I mean stage 4")["stage"] == "IV"


def test_labelled_set_scores_stay_high():
    """Regression floor on the independent labelled set (make bench prints the figures)."""
    rows = [json.loads(l) for l in (ROOT / "tests/nlp/labelled_sentences.jsonl").read_text().splitlines() if l.strip()]
    assert len(rows) >= 150
    tp = predicted = expected = 0
    for row in rows:
        got = extract_profile(row["text"])
        tp += sum(1 for k, v in got.items() if row["expected"].get(k) == v)
        predicted += len(got)
        expected += len(row["expected"])
    assert tp / predicted >= 0.95 and tp / expected >= 0.95
