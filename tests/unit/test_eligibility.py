"""The eligibility engine reads the guide's evidence table and never guesses."""
from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import math

import pytest
import yaml

from bot.eligibility import (
    EligibilityResult,
    ProfileError,
    RuleMatch,
    RulesError,
    evaluate,
    load_rules,
    validate_profile,
)
from bot.eligibility.engine import RULES_FILE, _tier, parse_rules
from bot.eligibility.schema import ENUMERATED_VALUES, PROFILE_FIELDS

NSCLC, SCLC = "nsclc", "sclc"
CHEMO_RT = "concurrent_chemoradiotherapy"
FIRST_LINE = "first_line_chemotherapy"

TIER_ORDER = ["generally_excluded", "investigational", "limited_evidence",
              "limited_data", "good_evidence", "strong_evidence"]


def profile(diagnosis=None, stage=None, setting=None, ecog=None, **more) -> dict:
    fields = {"diagnosis": diagnosis, "stage": stage, "setting": setting, "ecog": ecog, **more}
    return {key: value for key, value in fields.items() if value is not None}


def rules_data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def rule_entry(data: dict, rule_id: str) -> dict:
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


# --- every row of the table ---------------------------------------------------------

# (profile, expected tier, rules expected to match)
TABLE = [
    # stage3_chemoradiotherapy: NSCLC, IIIA or IIIB, concurrent chemoradiotherapy
    (profile(NSCLC, "IIIA", CHEMO_RT, 1), "strong_evidence", ["stage3_chemoradiotherapy"]),
    (profile(NSCLC, "IIIB", CHEMO_RT, 0), "strong_evidence", ["stage3_chemoradiotherapy"]),
    (profile(NSCLC, "IIIC", CHEMO_RT, 1), "specialist_review", []),
    (profile(NSCLC, "IV", CHEMO_RT, 1), "specialist_review", []),
    (profile(SCLC, "IIIA", CHEMO_RT, 1), "specialist_review", []),
    # stage4_first_line_chemo: NSCLC, IV, first-line chemotherapy
    (profile(NSCLC, "IV", FIRST_LINE, 2), "strong_evidence", ["stage4_first_line_chemo"]),
    (profile(NSCLC, "IIIB", FIRST_LINE, 1), "specialist_review", []),
    (profile(SCLC, "IV", FIRST_LINE, 1), "specialist_review", []),
    # post_resection_adjuvant: NSCLC, I to IIIC, after surgery
    (profile(NSCLC, "I", "post_resection", 0), "good_evidence", ["post_resection_adjuvant"]),
    (profile(NSCLC, "II", "post_resection", 0), "good_evidence", ["post_resection_adjuvant"]),
    (profile(NSCLC, "IIIA", "post_resection", 1), "good_evidence", ["post_resection_adjuvant"]),
    (profile(NSCLC, "IIIB", "post_resection", 1), "good_evidence", ["post_resection_adjuvant"]),
    (profile(NSCLC, "IIIC", "post_resection", 1), "good_evidence", ["post_resection_adjuvant"]),
    (profile(NSCLC, "IV", "post_resection", 1), "specialist_review", []),
    # targeted_therapy: NSCLC on an EGFR/ALK TKI, whatever the stage
    (profile(NSCLC, "IV", "targeted_therapy", 1, egfr="positive"), "limited_data", ["targeted_therapy"]),
    (profile(NSCLC, "IIIB", "targeted_therapy", 0, alk="positive"), "limited_data", ["targeted_therapy"]),
    (profile(NSCLC, None, "targeted_therapy", 0), "limited_data", ["targeted_therapy"]),
    (profile(SCLC, "extensive", "targeted_therapy", 0), "specialist_review", []),
    # immunotherapy: NSCLC on PD-1/PD-L1
    (profile(NSCLC, "IV", "immunotherapy", 1, pdl1=60), "investigational", ["immunotherapy"]),
    (profile(NSCLC, "unknown", "immunotherapy", 2), "investigational", ["immunotherapy"]),
    # sclc_limited: SCLC, limited stage, whatever the setting
    (profile(SCLC, "limited", "consolidation", 1), "limited_evidence", ["sclc_limited"]),
    (profile(SCLC, "limited", None, 0), "limited_evidence", ["sclc_limited"]),
    (profile(SCLC, "limited", FIRST_LINE, 2), "limited_evidence", ["sclc_limited"]),
    (profile(SCLC, "extensive", FIRST_LINE, 1), "specialist_review", []),
    (profile(NSCLC, "limited", "consolidation", 1), "specialist_review", []),
    # poor_performance: ECOG 3 or 4, any diagnosis, even none
    (profile(ecog=3), "generally_excluded", ["poor_performance"]),
    (profile(ecog=4), "generally_excluded", ["poor_performance"]),
    (profile("unknown", "unknown", "unknown", 3), "generally_excluded", ["poor_performance"]),
    (profile(SCLC, "extensive", "none", 4), "generally_excluded", ["poor_performance"]),
    (profile(NSCLC, "IV", "none", 2), "specialist_review", []),
]


@pytest.mark.parametrize("given, tier, rules", TABLE)
def test_each_row_of_the_table_gives_its_tier(given, tier, rules):
    result = evaluate(given)
    assert result.tier == tier, f"{given} gave {result.tier}, expected {tier}"
    assert [match.rule for match in result.matches] == rules


@pytest.mark.parametrize("given", [
    {},
    profile(NSCLC),
    profile(NSCLC, "IV"),
    profile(NSCLC, "IV", "none", 1),
    profile(NSCLC, "IV", "other", 1),
    profile(NSCLC, "IIIA", "consolidation", 1),
    profile("unknown", "IV", FIRST_LINE, 1),
    profile(NSCLC, "unknown", FIRST_LINE, 1),
    profile(NSCLC, "IV", "unknown", 1),
    {"diagnosis": None, "stage": None, "setting": None, "ecog": None},
    profile(age=70, country="Kenya", respondent="caregiver"),
])
def test_nothing_matching_means_specialist_review_never_a_guess(given):
    result = evaluate(given)
    assert result.tier == "specialist_review"
    assert result.matches == []


def test_each_match_reports_its_rule_tier_and_context_from_the_table():
    data = rules_data()
    result = evaluate(profile(NSCLC, "IV", FIRST_LINE, 1))
    entry = rule_entry(data, "stage4_first_line_chemo")
    assert result.matches == [RuleMatch("stage4_first_line_chemo", "strong_evidence",
                                        " ".join(entry["context"].split()))]


def test_every_rule_of_the_table_is_reached_by_some_row():
    reached = {rule for _, _, rules in TABLE for rule in rules}
    assert reached == {rule.id for rule in load_rules().rules}


# --- precedence ---------------------------------------------------------------------

# One profile per non-override row, each with ECOG 0 (fit) to start from.
FIT_ROWS = {
    "stage3_chemoradiotherapy": profile(NSCLC, "IIIA", CHEMO_RT, 0),
    "stage4_first_line_chemo": profile(NSCLC, "IV", FIRST_LINE, 0),
    "post_resection_adjuvant": profile(NSCLC, "II", "post_resection", 0),
    "targeted_therapy": profile(NSCLC, "IV", "targeted_therapy", 0),
    "immunotherapy": profile(NSCLC, "IV", "immunotherapy", 0),
    "sclc_limited": profile(SCLC, "limited", "consolidation", 0),
}


@pytest.mark.parametrize("ecog", [3, 4])
@pytest.mark.parametrize("rule", sorted(FIT_ROWS))
def test_poor_performance_overrides_every_other_row_and_both_are_reported(rule, ecog):
    result = evaluate({**FIT_ROWS[rule], "ecog": ecog})
    assert result.tier == "generally_excluded"
    assert {match.rule for match in result.matches} == {rule, "poor_performance"}
    tiers = {match.rule: match.tier for match in result.matches}
    assert tiers["poor_performance"] == "generally_excluded"
    assert tiers[rule] != "generally_excluded"


@pytest.mark.parametrize("ecog", [0, 1, 2])
def test_ecog_0_to_2_does_not_touch_strong_evidence(ecog):
    assert evaluate(profile(NSCLC, "IIIB", CHEMO_RT, ecog)).tier == "strong_evidence"


def test_sclc_limited_with_ecog_3_is_generally_excluded_with_both_matches():
    result = evaluate(profile(SCLC, "limited", None, 3))
    assert result.tier == "generally_excluded"
    assert [m.rule for m in result.matches] == ["sclc_limited", "poor_performance"]
    assert [m.tier for m in result.matches] == ["limited_evidence", "generally_excluded"]


def _with_extra_rules(*extra: dict, change: dict | None = None):
    data = rules_data()
    for rule_id, fields in (change or {}).items():
        rule_entry(data, rule_id).update(fields)
    data["rules"].extend(extra)
    return parse_rules(data)


OVERLAP = {"id": "any_stage4_nsclc", "conditions": {"diagnosis": ["nsclc"], "stage": ["IV"]},
           "tier": "limited_data", "context": "A test row that overlaps stage 4 first-line chemotherapy."}


def test_of_several_matching_rules_the_most_cautious_tier_wins():
    rules = _with_extra_rules(OVERLAP)
    result = evaluate(profile(NSCLC, "IV", FIRST_LINE, 0), rules)
    assert [m.rule for m in result.matches] == ["stage4_first_line_chemo", "any_stage4_nsclc"]
    assert result.tier == "limited_data"
    immuno = evaluate(profile(NSCLC, "IV", "immunotherapy", 0), rules)
    assert [m.rule for m in immuno.matches] == ["immunotherapy", "any_stage4_nsclc"]
    assert immuno.tier == "investigational"


def test_an_overriding_rule_decides_even_when_it_is_not_the_most_cautious():
    rules = _with_extra_rules(change={"poor_performance": {"tier": "strong_evidence"}})
    result = evaluate(profile(NSCLC, "IV", "immunotherapy", 3), rules)
    assert result.tier == "strong_evidence"
    assert [m.rule for m in result.matches] == ["immunotherapy", "poor_performance"]


def test_without_overrides_poor_performance_is_simply_the_most_cautious():
    rules = _with_extra_rules(change={"poor_performance": {"overrides": False}})
    assert evaluate(profile(NSCLC, "IV", FIRST_LINE, 3), rules).tier == "generally_excluded"


# --- missing details ----------------------------------------------------------------

MISSING = [
    ({}, ["diagnosis", "stage", "setting", "ecog"]),
    (profile(NSCLC, "IV", FIRST_LINE), ["ecog"]),
    (profile(NSCLC, "IV", FIRST_LINE, 1), []),
    (profile(NSCLC, "IV", FIRST_LINE, 1, egfr="unknown", alk="unknown", pdl1="unknown",
             histology="unknown"), []),
    (profile(NSCLC, None, "post_resection", 1), ["stage"]),
    (profile(NSCLC, "unknown", "post_resection", 1), ["stage"]),
    (profile(NSCLC, None, "targeted_therapy", 0), []),
    (profile(NSCLC, "IV", None, 0), ["setting"]),
    (profile(SCLC, None, None, 1), ["stage"]),
    (profile(SCLC, "extensive", None, 1), []),
    (profile("unknown", "IV", FIRST_LINE, 0), ["diagnosis"]),
    # No consistency between fields is assumed: NSCLC on targeted therapy would match too.
    (profile(None, "limited", None, 0), ["diagnosis", "setting"]),
    (profile(None, "limited", "consolidation", 0), ["diagnosis"]),
    (profile(ecog=3), []),
    (profile(ecog=4, diagnosis=NSCLC), []),
    (profile(NSCLC, "unknown", "unknown", None), ["stage", "setting", "ecog"]),
    ({"diagnosis": NSCLC, "stage": None, "setting": None, "ecog": None}, ["stage", "setting", "ecog"]),
    (profile(NSCLC, "IIIC", CHEMO_RT, 1), []),
]


@pytest.mark.parametrize("given, missing", MISSING)
def test_missing_lists_exactly_the_unknown_details_that_could_change_the_tier(given, missing):
    assert evaluate(given).missing == missing


def _oracle_missing(given: dict) -> list:
    """Brute force over every allowed value of every unknown field, independent of the engine's shortcut."""
    rules = load_rules()
    normal = validate_profile(given)
    fields = ["diagnosis", "histology", "stage", "setting", "ecog", "egfr", "alk", "pdl1"]
    unknown = [f for f in fields if normal.get(f) in (None, "unknown", ["unknown"])
               and f in {c for rule in rules.rules for c in rule.conditions}]
    answers = {f: [None] + [v for v in ENUMERATED_VALUES[f] if v != "unknown"] for f in unknown}
    found = []
    for field in unknown:
        others = [f for f in unknown if f != field]
        for combo in itertools.product(*(answers[o] for o in others)):
            base = {**normal, **dict(zip(others, combo))}
            without = _tier(rules, {**base, field: None})
            if any(_tier(rules, {**base, field: v}) != without for v in answers[field][1:]):
                found.append(field)
                break
    return found


@pytest.mark.parametrize("given", [given for given, _ in MISSING] + [
    profile(SCLC), profile(setting="post_resection"), profile(stage="IIIA"), profile(ecog=2),
])
def test_missing_agrees_with_trying_every_allowed_value(given):
    assert evaluate(given).missing == _oracle_missing(given)


def test_missing_details_are_named_in_plain_words():
    text = evaluate(profile(NSCLC, None, "post_resection", 1)).explanation
    assert "Knowing the stage would help" in text
    text = evaluate(profile(NSCLC, "IV", FIRST_LINE)).explanation
    assert "performance status" in text
    text = evaluate({}).explanation
    assert "non-small cell or small cell" in text and "the stage" in text and "treatment" in text


def test_no_missing_sentence_when_nothing_is_missing():
    assert "Knowing" not in evaluate(profile(NSCLC, "IV", FIRST_LINE, 1)).explanation


# --- the explanation ----------------------------------------------------------------

ALL_PROFILES = [given for given, _, _ in TABLE] + [given for given, _ in MISSING] + [
    {**row, "ecog": 3} for row in FIT_ROWS.values()]


@pytest.mark.parametrize("given", ALL_PROFILES)
def test_explanation_never_says_eligible_and_always_names_who_decides(given):
    text = evaluate(given).explanation
    lowered = text.lower()
    assert "eligib" not in lowered and "qualif" not in lowered
    assert "only the treating centre decides" in lowered
    assert "coordinator reviews every case" in lowered
    assert "\n" not in text and text == text.strip()


@pytest.mark.parametrize("given", ALL_PROFILES)
def test_explanation_states_the_tier_and_every_match(given):
    result = evaluate(given)
    rules = load_rules()
    assert rules.descriptions[result.tier] in result.explanation
    for match in result.matches:
        assert match.context in result.explanation


def test_specialist_review_says_the_table_does_not_cover_it():
    text = evaluate(profile(SCLC, "extensive", FIRST_LINE, 1)).explanation
    assert "table does not clearly cover this situation" in text
    assert "specialist review is needed" in text


def test_overridden_matches_are_explained_after_the_deciding_one():
    result = evaluate(profile(NSCLC, "IV", FIRST_LINE, 4))
    text = result.explanation
    poor, chemo = (next(m.context for m in result.matches if m.rule == r)
                   for r in ("poor_performance", "stage4_first_line_chemo"))
    assert text.index(poor) < text.index("more cautious point above comes first") < text.index(chemo)


def test_strong_evidence_explanation_reads_as_evidence_not_a_verdict():
    text = evaluate(profile(NSCLC, "IIIA", CHEMO_RT, 0)).explanation
    assert text.startswith("Based on the details shared so far, published trials give strong evidence")
    assert "strength of published evidence" in text


# --- the result's shape -------------------------------------------------------------


def test_to_dict_is_exactly_the_contract_shape():
    result = evaluate(profile(NSCLC, "IV", FIRST_LINE))
    data = result.to_dict()
    assert list(data) == ["tier", "matches", "missing", "explanation"]
    assert data["tier"] == "strong_evidence"
    assert data["matches"] == [{"rule": "stage4_first_line_chemo", "tier": "strong_evidence",
                                "context": result.matches[0].context}]
    assert data["missing"] == ["ecog"]
    assert isinstance(data["explanation"], str) and data["explanation"]
    assert json.loads(json.dumps(data)) == data


def test_result_is_frozen():
    result = evaluate({})
    assert isinstance(result, EligibilityResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.tier = "strong_evidence"


def test_evaluate_does_not_change_its_input():
    given = {"diagnosis": " NSCLC ", "stage": "stage 4", "setting": FIRST_LINE}
    before = copy.deepcopy(given)
    assert evaluate(given).tier == "strong_evidence"
    assert given == before


def test_evaluate_normalises_words_before_matching():
    assert evaluate({"diagnosis": "NSCLC", "stage": "three b",
                     "setting": "Concurrent chemoradiotherapy", "ecog": "1"}).tier == "strong_evidence"


def test_evaluate_refuses_a_bad_profile():
    with pytest.raises(ProfileError) as caught:
        evaluate({"ecog": 7})
    assert caught.value.field == "ecog"


# --- the rules file -----------------------------------------------------------------


def test_rules_file_has_the_contract_tiers_in_order_each_described():
    rules = load_rules()
    assert list(rules.tiers) == TIER_ORDER
    assert rules.no_match_tier == "specialist_review"
    for tier in TIER_ORDER + ["specialist_review"]:
        assert rules.descriptions[tier].strip()


def test_rules_file_holds_the_contract_table():
    table = {rule.id: (dict(rule.conditions), rule.tier, rule.overrides) for rule in load_rules().rules}
    assert table == {
        "stage3_chemoradiotherapy": ({"diagnosis": ("nsclc",), "stage": ("IIIA", "IIIB"),
                                      "setting": (CHEMO_RT,)}, "strong_evidence", False),
        "stage4_first_line_chemo": ({"diagnosis": ("nsclc",), "stage": ("IV",),
                                     "setting": (FIRST_LINE,)}, "strong_evidence", False),
        "post_resection_adjuvant": ({"diagnosis": ("nsclc",), "stage": ("I", "II", "IIIA", "IIIB", "IIIC"),
                                     "setting": ("post_resection",)}, "good_evidence", False),
        "targeted_therapy": ({"diagnosis": ("nsclc",), "setting": ("targeted_therapy",)}, "limited_data", False),
        "immunotherapy": ({"diagnosis": ("nsclc",), "setting": ("immunotherapy",)}, "investigational", False),
        "sclc_limited": ({"diagnosis": ("sclc",), "stage": ("limited",)}, "limited_evidence", False),
        "poor_performance": ({"ecog": (3, 4)}, "generally_excluded", True),
    }


def test_stage4_context_is_the_best_studied_situation():
    rule = next(r for r in load_rules().rules if r.id == "stage4_first_line_chemo")
    assert "best-studied" in rule.context and "platinum-doublet" in rule.context


def _break(mutate):
    data = rules_data()
    mutate(data)
    return data


BROKEN_RULES = [
    ("unknown tier", lambda d: rule_entry(d, "immunotherapy").update(tier="promising"), "not one of the tiers"),
    ("unknown field", lambda d: rule_entry(d, "immunotherapy")["conditions"].update(weight=[3]),
     "not a clinical field"),
    ("value outside the contract", lambda d: rule_entry(d, "sclc_limited")["conditions"].update(stage=["IIID"]),
     "stage"),
    ("ecog out of range", lambda d: rule_entry(d, "poor_performance")["conditions"].update(ecog=[5]), "0-4"),
    ("unknown in a condition", lambda d: rule_entry(d, "immunotherapy")["conditions"].update(
        diagnosis=["unknown"]), "never satisfy"),
    ("empty value list", lambda d: rule_entry(d, "immunotherapy")["conditions"].update(diagnosis=[]),
     "non-empty list"),
    ("duplicate id", lambda d: d["rules"].append(dict(rule_entry(d, "immunotherapy"))), "used twice"),
    ("the word eligible", lambda d: rule_entry(d, "immunotherapy").update(context="You are eligible."),
     "must not say"),
    ("the word qualify", lambda d: d["tiers"][0].update(description="you do not qualify"), "must not say"),
    ("missing context", lambda d: rule_entry(d, "immunotherapy").pop("context"), "missing context"),
    ("misspelt key", lambda d: rule_entry(d, "immunotherapy").update(overide=True), "unknown key"),
    ("overrides not bool", lambda d: rule_entry(d, "poor_performance").update(overrides="yes"), "true or false"),
    ("tier without description", lambda d: d["tiers"][2].pop("description"), "missing description"),
    ("no plain name for a field", lambda d: d["explanation"]["field_names"].pop("stage"), "stage"),
    ("opening without placeholder", lambda d: d["explanation"].update(opening="Hello."), "{description}"),
]


@pytest.mark.parametrize("name, mutate, message", BROKEN_RULES, ids=[case[0] for case in BROKEN_RULES])
def test_a_broken_rules_file_is_refused_with_a_reason(name, mutate, message):
    with pytest.raises(RulesError) as caught:
        parse_rules(_break(mutate))
    assert message in str(caught.value)


def test_rules_can_be_loaded_from_an_edited_copy(tmp_path):
    data = rules_data()
    rule_entry(data, "sclc_limited")["conditions"]["stage"] = ["limited", "extensive"]
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rules = load_rules(path)
    assert evaluate(profile(SCLC, "extensive", None, 1), rules).tier == "limited_evidence"
    assert evaluate(profile(SCLC, "extensive", None, 1)).tier == "specialist_review"


# --- validating a profile -----------------------------------------------------------

NORMALISED = [
    ("diagnosis", " NSCLC ", "nsclc"),
    ("diagnosis", "Unknown", "unknown"),
    ("histology", "Large cell", "large_cell"),
    ("histology", "squamous", "squamous"),
    ("stage", "iiib", "IIIB"),
    ("stage", "IIIb", "IIIB"),
    ("stage", "stage 3b", "IIIB"),
    ("stage", "three B", "IIIB"),
    ("stage", "Stage IIIA", "IIIA"),
    ("stage", "3c", "IIIC"),
    ("stage", "stage 4", "IV"),
    ("stage", "metastatic", "IV"),
    ("stage", "IVB", "IV"),
    ("stage", 4, "IV"),
    ("stage", "stage 1a", "I"),
    ("stage", "II", "II"),
    ("stage", "Limited-stage", "limited"),
    ("stage", "extensive", "extensive"),
    ("stage", "UNKNOWN", "unknown"),
    ("setting", "First-line chemotherapy", [FIRST_LINE]),    # a string is a one-item list
    ("setting", "post resection", ["post_resection"]),
    ("setting", "none", ["none"]),
    ("setting", ["immunotherapy", "First line chemotherapy", "immunotherapy"], [FIRST_LINE, "immunotherapy"]),
    ("setting", ["unknown", "targeted_therapy"], ["targeted_therapy"]),
    ("setting", ["unknown"], ["unknown"]),
    ("setting", "later-line chemotherapy", ["later_line_chemotherapy"]),
    ("ecog", 0, 0),
    ("ecog", 4, 4),
    ("ecog", 2.0, 2),
    ("ecog", " 3 ", 3),
    ("ecog", "unknown", None),
    ("egfr", "Positive", "positive"),
    ("alk", "negative", "negative"),
    ("pdl1", "High", "high"),
    ("pdl1", "60%", 60),
    ("pdl1", "60 %", 60),
    ("pdl1", "1.5%", 1.5),
    ("pdl1", 0, 0),
    ("pdl1", 100, 100),
    ("pdl1", 45.5, 45.5),
    ("pdl1", "unknown", "unknown"),
    ("age", 67, 67),
    ("age", "67", 67),
    ("age", 0, 0),
    ("age", 120, 120),
    ("country", "  United   Kingdom ", "United Kingdom"),
    ("contact_name", " Ana Lima ", "Ana Lima"),
    ("contact_name", "   ", None),
    ("contact_email", " ana@example.org ", "ana@example.org"),
    ("contact_phone", "+44 20 7946 0958", "+44 20 7946 0958"),
    ("consent", True, True),
    ("consent", False, False),
    ("respondent", "Caregiver", "caregiver"),
]


@pytest.mark.parametrize("field, given, expected", NORMALISED)
def test_values_are_normalised(field, given, expected):
    normal = validate_profile({field: given})
    assert normal == {field: expected}
    assert type(normal[field]) is type(expected)


@pytest.mark.parametrize("field", PROFILE_FIELDS)
def test_every_field_may_be_null_and_null_stays_apart_from_absent(field):
    assert validate_profile({field: None}) == {field: None}
    assert validate_profile({}) == {}


def test_validation_returns_a_copy_and_is_idempotent():
    given = {"diagnosis": "NSCLC", "stage": "stage 3b", "pdl1": "60%", "ecog": 1.0,
             "contact_name": " Ana ", "consent": True}
    normal = validate_profile(given)
    assert normal is not given and given["diagnosis"] == "NSCLC"
    assert validate_profile(normal) == normal


BAD_VALUES = [
    ("diagnosis", "lung", "one of nsclc, sclc, unknown"),
    ("diagnosis", 1, "one of"),
    ("diagnosis", "", "one of"),
    ("histology", "small_cell", "one of"),
    ("stage", "IIID", "one of"),
    ("stage", "III", "IIIA, IIIB or IIIC"),
    ("stage", "stage 3", "IIIA, IIIB or IIIC"),
    ("stage", "stage 5", "one of"),
    ("stage", "IIC", "one of"),
    ("stage", 4.5, "one of"),
    ("stage", True, "one of"),
    ("stage", ["IV"], "one of"),
    ("setting", "chemo", "one of"),
    ("ecog", 7, "must be an integer 0-4 or null, got 7"),
    ("ecog", -1, "0-4"),
    ("ecog", 2.5, "0-4"),
    ("ecog", True, "0-4"),
    ("ecog", "two", "0-4"),
    ("ecog", float("nan"), "0-4"),
    ("egfr", "maybe", "one of positive, negative, not_tested, unknown"),
    ("alk", True, "one of"),
    ("pdl1", 101, "percentage 0-100"),
    ("pdl1", -5, "percentage"),
    ("pdl1", "150%", "percentage"),
    ("pdl1", "abc", "percentage"),
    ("pdl1", "<1%", "percentage"),
    ("pdl1", True, "percentage"),
    ("pdl1", float("inf"), "percentage"),
    ("pdl1", float("nan"), "percentage"),
    ("age", 200, "must be an integer 0-120 or null, got 200"),
    ("age", -1, "0-120"),
    ("age", True, "0-120"),
    ("age", "sixty", "0-120"),
    ("age", 60.5, "0-120"),
    ("country", 123, "text"),
    ("contact_name", "x" * 201, "at most 200"),
    ("contact_email", "not-an-email", "email address"),
    ("contact_email", "a@b", "email address"),
    ("contact_phone", "call me", "phone number"),
    ("contact_phone", "12", "phone number"),
    ("consent", "yes", "true, false or null"),
    ("consent", 1, "true, false or null"),
    ("respondent", "doctor", "one of patient, caregiver"),
]


@pytest.mark.parametrize("field, value, message", BAD_VALUES)
def test_bad_values_are_refused_naming_the_field(field, value, message):
    with pytest.raises(ProfileError) as caught:
        validate_profile({"diagnosis": "nsclc", field: value} if field != "diagnosis" else {field: value})
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize("name", ["name", "Stage", "ecog_score", "requested_slot", "confirmed"])
def test_unknown_field_names_are_refused(name):
    with pytest.raises(ProfileError) as caught:
        validate_profile({"diagnosis": "nsclc", name: "x"})
    assert caught.value.field == name
    assert "not a profile field" in caught.value.message


@pytest.mark.parametrize("given", [["diagnosis", "nsclc"], "nsclc", None, 3, ("stage", "IV")])
def test_a_profile_that_is_not_a_mapping_is_refused(given):
    with pytest.raises(ProfileError) as caught:
        validate_profile(given)
    assert caught.value.field == "input"


def test_profile_error_is_a_value_error_with_field_and_message():
    error = ProfileError("ecog", "must be an integer 0-4 or null, got 7")
    assert isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == (
        "ecog", "must be an integer 0-4 or null, got 7", "ecog: must be an integer 0-4 or null, got 7")


def test_nan_is_never_a_number_anywhere():
    for field in ("ecog", "age", "pdl1"):
        with pytest.raises(ProfileError):
            validate_profile({field: math.nan})


# --- setting as a list (contract section 1): every rule that matches counts -----------


@pytest.mark.parametrize("setting, tier, rules", [
    # chemotherapy with a PD-1 drug: investigational, whichever is named first
    ([FIRST_LINE, "immunotherapy"], "investigational", {"stage4_first_line_chemo", "immunotherapy"}),
    (["immunotherapy", FIRST_LINE], "investigational", {"stage4_first_line_chemo", "immunotherapy"}),
    # a TKI with chemotherapy: limited data, not strong
    (["targeted_therapy", FIRST_LINE], "limited_data", {"stage4_first_line_chemo", "targeted_therapy"}),
    # chemotherapy after an earlier line stopped working: no rule of the table
    (["later_line_chemotherapy"], "specialist_review", set()),
    (["later_line_chemotherapy", "immunotherapy"], "investigational", {"immunotherapy"}),
])
def test_every_setting_counts_and_the_most_cautious_wins(setting, tier, rules):
    result = evaluate({"diagnosis": NSCLC, "stage": "IV", "setting": setting, "ecog": 1})
    assert result.tier == tier
    assert {match.rule for match in result.matches} == rules


def test_immunotherapy_after_chemoradiotherapy_is_investigational_not_strong():
    result = evaluate({"diagnosis": NSCLC, "stage": "IIIB", "ecog": 0,
                       "setting": [CHEMO_RT, "consolidation", "immunotherapy"]})
    assert result.tier == "investigational"
    assert {m.rule for m in result.matches} == {"stage3_chemoradiotherapy", "immunotherapy"}
    # the result names both, the deciding one first
    assert result.explanation.index("clinical trial") < result.explanation.index("radiotherapy")


def test_poor_performance_still_overrides_a_list():
    result = evaluate({"diagnosis": NSCLC, "stage": "IV", "ecog": 3, "setting": [FIRST_LINE, "immunotherapy"]})
    assert result.tier == "generally_excluded"


@pytest.mark.parametrize("bad", [[], ["chemo"], [FIRST_LINE, 3], {"a": 1}, 7])
def test_a_bad_setting_list_names_the_field(bad):
    with pytest.raises(ProfileError) as error:
        validate_profile({"setting": bad})
    assert error.value.field == "setting"


def test_a_list_answer_never_changes_the_tier_more_than_its_items_do():
    """`missing` tries one setting at a time: any list's tier is the most cautious of its items'."""
    rules = load_rules()
    base = {"diagnosis": NSCLC, "stage": "IIIA", "ecog": 1}
    singles = [v for v in ENUMERATED_VALUES["setting"] if v != "unknown"]
    for pair in itertools.combinations(singles, 2):
        tiers = [_tier(rules, validate_profile({**base, "setting": [v]})) for v in pair]
        matched = [t for t in tiers if t != rules.no_match_tier]
        expected = min(matched, key=rules.caution) if matched else rules.no_match_tier
        assert _tier(rules, validate_profile({**base, "setting": list(pair)})) == expected


@pytest.mark.parametrize("given", [
    {}, {"diagnosis": NSCLC, "stage": "IV", "setting": FIRST_LINE, "ecog": 0},
    {"diagnosis": "sclc", "stage": "limited"}, {"ecog": 4}, {"diagnosis": NSCLC, "setting": "targeted_therapy"},
])
def test_every_result_carries_the_honest_caveat(given):
    text = evaluate(given).explanation
    assert "trials in China" in text and "NCCN" in text and "ESMO" in text
    assert "only the treating centre decides" in text
