"""When to trust the answer the FAQ response selector picked.

Rasa can be sure a message is "a FAQ" and still unsure *which* FAQ it is. An
answer to the wrong question, given confidently, is worse than an honest
"I'm not sure I understood", so the chosen answer must clear its own bar.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class FaqVerdict:
    accept: bool
    reason: str


def judge_faq_answer(
    confidence: float,
    ranking: Sequence[float],
    *,
    min_confidence: float,
    min_margin: float,
) -> FaqVerdict:
    """Accept the top answer only when it is confident and clearly ahead.

    `ranking` holds the confidences of the candidate answers, best first.
    """
    if confidence < min_confidence:
        return FaqVerdict(False, f"answer confidence {confidence:.2f} < {min_confidence:.2f}")
    if len(ranking) >= 2 and ranking[0] - ranking[1] < min_margin:
        return FaqVerdict(
            False, f"top two answers {ranking[0]:.2f} and {ranking[1]:.2f} too close"
        )
    return FaqVerdict(True, "confident")
