"""`python -m bot.eligibility`: one JSON profile in, one JSON result out, or one error line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eligibility import evaluate

ROOT = Path(__file__).resolve().parents[2]
TIERS = ("strong_evidence", "good_evidence", "limited_data", "limited_evidence",
         "investigational", "generally_excluded", "specialist_review")


def run(stdin: bytes | str, *args: str) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot.eligibility", *args], input=data,
                          capture_output=True, cwd=ROOT, env=env, timeout=60)


@pytest.mark.parametrize("profile", [
    {"diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy"},
    {"diagnosis": "sclc", "stage": "limited", "ecog": 3},
    {},
    {"diagnosis": "nsclc", "stage": "IV", "setting": ["first_line_chemotherapy", "immunotherapy"]},
    {"diagnosis": "nsclc", "stage": "IV", "setting": ["later_line_chemotherapy"], "egfr": "not_tested"},
    {"diagnosis": "NSCLC", "stage": "stage 3b", "setting": "concurrent_chemoradiotherapy", "ecog": 1,
     "pdl1": "60%", "age": 64, "country": "Chile", "consent": True, "respondent": "caregiver"},
])
def test_a_profile_gives_one_json_result_equal_to_evaluate(profile):
    done = run(json.dumps(profile))
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1, lines
    assert json.loads(lines[0]) == evaluate(profile).to_dict()


def test_the_output_has_the_contract_shape():
    done = run('{"diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy"}')
    result = json.loads(done.stdout)
    assert list(result) == ["tier", "matches", "missing", "explanation"]
    assert result["tier"] == "strong_evidence"
    assert [m["rule"] for m in result["matches"]] == ["stage4_first_line_chemo"]
    assert set(result["matches"][0]) == {"rule", "tier", "context"}
    assert result["missing"] == ["ecog"]
    assert "treating centre" in result["explanation"]


def test_ecog_7_names_the_field_on_one_line_and_prints_no_tier():
    done = run('{"diagnosis": "nsclc", "ecog": 7}')
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == "error: ecog: must be an integer 0-4 or null, got 7\n"


BAD_INPUT = [
    ("not json", "hello", "input"),
    ("empty", "", "input"),
    ("truncated", '{"ecog": 1', "input"),
    ("two objects", "{} {}", "input"),
    ("array", '[{"ecog": 1}]', "input"),
    ("string", '"nsclc"', "input"),
    ("number", "3", "input"),
    ("null", "null", "input"),
    ("not utf-8", b'{"country": "\xff"}', "input"),
    ("unknown field", '{"diagnosis": "nsclc", "weight": 70}', "weight"),
    ("duplicate field", '{"stage": "IV", "stage": "I"}', "stage"),
    ("bad diagnosis", '{"diagnosis": "lung"}', "diagnosis"),
    ("bad histology", '{"histology": "small cell"}', "histology"),
    ("bad stage", '{"stage": "IIID"}', "stage"),
    ("bad setting", '{"setting": "chemo"}', "setting"),
    ("ecog as bool", '{"ecog": true}', "ecog"),
    ("ecog fraction", '{"ecog": 1.5}', "ecog"),
    ("bad egfr", '{"egfr": "yes"}', "egfr"),
    ("bad alk", '{"alk": 1}', "alk"),
    ("pdl1 over 100", '{"pdl1": 140}', "pdl1"),
    ("pdl1 NaN", '{"pdl1": NaN}', "pdl1"),
    ("age 200", '{"age": 200}', "age"),
    ("bad email", '{"contact_email": "nobody"}', "contact_email"),
    ("bad phone", '{"contact_phone": "ring me"}', "contact_phone"),
    ("consent as text", '{"consent": "yes"}', "consent"),
    ("bad respondent", '{"respondent": "nurse"}', "respondent"),
]


@pytest.mark.parametrize("name, stdin, field", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_naming_the_field(name, stdin, field):
    done = run(stdin)
    assert done.returncode == 2, done.stdout
    assert done.stdout == b"", "bad input must never print a result"
    err = done.stderr.decode("utf-8")
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"error: {field}: "), err
    assert not any(tier in err for tier in TIERS)


def test_arguments_are_refused():
    done = run("{}", "--tier")
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().startswith("error: arguments:")


def test_a_setting_list_lists_every_matching_rule_and_the_most_cautious_wins():
    done = run('{"diagnosis": "nsclc", "stage": "IV", "setting": ["immunotherapy", "first_line_chemotherapy"]}')
    result = json.loads(done.stdout)
    assert result["tier"] == "investigational"
    assert {m["rule"] for m in result["matches"]} == {"stage4_first_line_chemo", "immunotherapy"}


def test_a_bad_item_in_the_setting_list_names_the_field():
    done = run('{"setting": ["first_line_chemotherapy", "chemo"]}')
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("error: setting:") and len(done.stderr.decode().splitlines()) == 1
