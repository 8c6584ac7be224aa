"""The FAQ answer must be confident and clearly ahead of the runner-up."""
import pytest

from bot.faq_guard import judge_faq_answer


@pytest.mark.parametrize(
    "confidence,ranking,accept",
    [
        (0.95, [0.95, 0.02], True),
        (0.61, [0.61, 0.20], True),
        (0.59, [0.59, 0.10], False),  # below the bar
        (0.70, [0.70, 0.60], False),  # two answers too close
        (0.70, [0.70], True),  # a single candidate has no runner-up
        (0.0, [], False),
    ],
)
def test_judge_faq_answer(confidence, ranking, accept):
    verdict = judge_faq_answer(confidence, ranking, min_confidence=0.6, min_margin=0.15)
    assert verdict.accept is accept, verdict.reason


def test_rejection_says_why():
    verdict = judge_faq_answer(0.3, [0.3, 0.2], min_confidence=0.6, min_margin=0.15)
    assert "0.30" in verdict.reason and "0.60" in verdict.reason
