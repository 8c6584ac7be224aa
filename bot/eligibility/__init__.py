"""The eligibility engine: the guide's evidence table as data, and a pure interpreter.

    from bot.eligibility import evaluate, validate_profile, ProfileError
    result = evaluate({"diagnosis": "nsclc", "stage": "IV", "setting": "first_line_chemotherapy"})
    result.tier, result.to_dict()

No tier means "eligible": a tier is the strength of published evidence for a
situation like the patient's. The table lives in `rules.yml`.
"""
from bot.eligibility.engine import (
    EligibilityResult,
    RuleMatch,
    RulesError,
    RuleSet,
    evaluate,
    load_rules,
)
from bot.eligibility.schema import PROFILE_FIELDS, ProfileError, validate_profile

__all__ = [
    "EligibilityResult",
    "PROFILE_FIELDS",
    "ProfileError",
    "RuleMatch",
    "RuleSet",
    "RulesError",
    "evaluate",
    "load_rules",
    "validate_profile",
]
