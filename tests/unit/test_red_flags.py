"""The red-flag safety net catches emergencies however they are phrased."""
import json

import pytest

from bot.safety import RedFlagDetector, detect_red_flag
from bot.safety.red_flags import PATTERNS_FILE

EMERGENCIES = {
    "bleeding": [
        "I'm coughing up blood",
        "my dad is coughing up a lot of blood right now",
        "he coughed up some blod this morning",
        "she's spitting blood",
        "there is blood in his phlegm",
        "blood when i cough",
        "I have haemoptysis",
        "mum is vomiting blood",
        "the bleeding won't stop",
    ],
    "breathing": [
        "I can't breathe",
        "i cant breathe properly",
        "he cannot breathe",
        "my wife is struggling to breathe",
        "hard to breathe and getting worse",
        "he's gasping for air",
        "his lips are turning blue",
        "she stopped breathing",
        "I'm suddenly very short of breath",
        "trouble breathing since an hour",
    ],
    "chest_pain": [
        "I have severe chest pain",
        "crushing chest pressure",
        "terrible chest pain",
        "I think he's having a heart attack",
        "chest pain spreading to my arm",
    ],
    "collapse": [
        "my father collapsed",
        "she passed out in the kitchen",
        "he is unconscious",
        "mum won't wake up",
        "he's not responding to me",
        "he's having a seizure",
        "my husband fainted",
    ],
    "self_harm": [
        "I want to die",
        "i'm thinking about suicide",
        "I feel suicidal",
        "I want to kill myself",
        "my dad says he wants to end his life",
        "i dont want to live anymore",
        "there's no reason to live",
        "we'd all be better off dead",
        "I've been hurting myself",
        "thinking of self-harm",
        "i might take all my pills",
    ],
}

SAFE = [
    "what is CIK therapy",
    "does CIK cause fever or tiredness?",
    "how many cycles are needed",
    "my dad has stage 4 lung cancer that spread to the bones",
    "can I breathe normally after the infusion? I can breathe fine now",
    "I don't want to die, can CIK help me live longer?",
    "what does chest x-ray show",
    "is CIK safe with blood thinners",
    "what is the survival rate",
    "",
    "   ",
]


@pytest.mark.parametrize(
    "category,text",
    [(category, text) for category, texts in EMERGENCIES.items() for text in texts],
)
def test_red_flag_is_detected_in_its_category(category, text):
    flag = detect_red_flag(text)
    assert flag is not None, f"missed a {category} red flag in {text!r}"
    assert flag.category == category


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_questions_raise_no_red_flag(text):
    assert detect_red_flag(text) is None


def test_self_harm_maps_to_crisis_intent_and_physical_flags_to_emergency():
    assert detect_red_flag("I want to kill myself").intent == "self_harm"
    assert detect_red_flag("I can't breathe").intent == "emergency"


def test_crisis_wins_when_a_message_has_both_kinds():
    flag = detect_red_flag("I'm coughing blood and I want to die")
    assert flag.intent == "self_harm"


def test_every_pattern_has_a_known_label_and_compiles(tmp_path):
    detector = RedFlagDetector.from_file()  # validate=True: a bad pattern raises
    assert detector.detect("I can't breathe") is not None
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"label": "sneezing", "pattern": [{"LOWER": "a"}]}) + "\n")
    with pytest.raises(ValueError, match="unknown label 'sneezing'"):
        RedFlagDetector.from_file(bad)


def test_pattern_file_is_one_json_object_per_line():
    lines = [line for line in PATTERNS_FILE.read_text().splitlines() if line.strip()]
    assert len(lines) >= 20
    for line in lines:
        entry = json.loads(line)
        assert set(entry) <= {"label", "pattern", "negatable"}
