"""A small, pure interpreter of the evidence table in `rules.yml`.

`evaluate(profile)` returns the tier of published evidence for a situation like
the patient's, every rule that applied, the details whose absence could change
the tier, and a plain-language explanation. It decides nothing clinical itself:
every threshold and every patient-facing word comes from `rules.yml`.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from bot.eligibility.schema import (
    CLINICAL_FIELDS,
    ProfileError,
    is_unknown,
    show,
    validate_item,
    validate_profile,
    values_of,
)

RULES_FILE = Path(__file__).with_name("rules.yml")

# Words a tier must never be dressed in: the table is evidence, not a verdict.
FORBIDDEN_WORDS = re.compile(r"eligib|qualif", re.IGNORECASE)


class RulesError(ValueError):
    """The rules file is not a valid evidence table."""


@dataclass(frozen=True)
class Rule:
    id: str
    conditions: Mapping[str, tuple]
    tier: str
    context: str
    overrides: bool = False

    def applies_to(self, profile: Mapping[str, Any]) -> bool:
        """Every condition's field holds one of its listed values (for a list, one of
        its items does: each setting can match its own rule); unknown never does."""
        for field, values in self.conditions.items():
            value = profile.get(field)
            if is_unknown(value) or not any(item in values for item in values_of(value)):
                return False
        return True


@dataclass(frozen=True)
class Wording:
    opening: str
    also_matched: str
    missing: str
    last_joiner: str
    closing: tuple
    field_names: Mapping[str, str]


@dataclass(frozen=True)
class RuleSet:
    """The evidence table: tiers (most cautious first), rules, and their wording."""

    tiers: tuple
    descriptions: Mapping[str, str]
    no_match_tier: str
    rules: tuple
    wording: Wording

    @property
    def fields(self) -> tuple:
        """The profile fields the rules look at, in the contract's order."""
        used = {field for rule in self.rules for field in rule.conditions}
        return tuple(field for field in CLINICAL_FIELDS if field in used)

    def caution(self, tier: str) -> int:
        """Lower is more cautious."""
        return self.tiers.index(tier)


@dataclass(frozen=True)
class RuleMatch:
    rule: str
    tier: str
    context: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "tier": self.tier, "context": self.context}


@dataclass(frozen=True)
class EligibilityResult:
    """The evidence tier for a profile, with its reasons. `to_dict` is the contract's JSON."""

    tier: str
    matches: list
    missing: list
    explanation: str

    def to_dict(self) -> dict:
        return {
            "tier": self.tier,
            "matches": [match.to_dict() for match in self.matches],
            "missing": list(self.missing),
            "explanation": self.explanation,
        }


# --- reading the rules file -----------------------------------------------------------


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: must be non-empty text, got {show(value)}")
    text = " ".join(value.split())
    if FORBIDDEN_WORDS.search(text):
        raise RulesError(f"{where}: patient-facing text must not say 'eligible' or 'qualify': {text!r}")
    return text


def _mapping(value: Any, where: str, required: set, optional: set = frozenset()) -> Mapping:
    if not isinstance(value, Mapping):
        raise RulesError(f"{where}: must be a mapping, got {show(value)}")
    keys = set(value)
    if required - keys:
        raise RulesError(f"{where}: missing {', '.join(sorted(required - keys))}")
    if keys - required - set(optional):
        raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(map(str, keys - required - set(optional))))}")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list) or not value:
        raise RulesError(f"{where}: must be a non-empty list, got {show(value)}")
    return value


def _conditions(value: Any, where: str) -> dict:
    if not isinstance(value, Mapping) or not value:
        raise RulesError(f"{where}: must map profile fields to lists of values")
    conditions = {}
    for field, values in value.items():
        if field not in CLINICAL_FIELDS:
            raise RulesError(f"{where}: {field!r} is not a clinical field ({', '.join(CLINICAL_FIELDS)})")
        normalised = []
        for item in _list(values, f"{where}.{field}"):
            try:
                item = validate_item(field, item)
            except ProfileError as exc:
                raise RulesError(f"{where}.{field}: {exc.message}") from None
            if is_unknown(item):
                raise RulesError(f"{where}.{field}: 'unknown' or null can never satisfy a condition")
            if item not in normalised:
                normalised.append(item)
        conditions[field] = tuple(normalised)
    return conditions


def parse_rules(data: Any) -> RuleSet:
    """A RuleSet from the parsed YAML, or RulesError saying what is wrong where."""
    data = _mapping(data, "rules file", {"tiers", "no_match", "rules", "explanation"})

    tiers, descriptions = [], {}
    for number, entry in enumerate(_list(data["tiers"], "tiers"), 1):
        entry = _mapping(entry, f"tiers[{number}]", {"id", "description"})
        tier = _text(entry["id"], f"tiers[{number}].id")
        if tier in descriptions:
            raise RulesError(f"tiers: {tier!r} is listed twice")
        tiers.append(tier)
        descriptions[tier] = _text(entry["description"], f"tiers.{tier}.description")

    no_match = _mapping(data["no_match"], "no_match", {"tier", "description"})
    no_match_tier = _text(no_match["tier"], "no_match.tier")
    if no_match_tier in descriptions:
        raise RulesError(f"no_match.tier: {no_match_tier!r} must not be one of the rule tiers")
    descriptions[no_match_tier] = _text(no_match["description"], "no_match.description")

    rules, ids = [], set()
    for number, entry in enumerate(_list(data["rules"], "rules"), 1):
        where = f"rules[{number}]"
        entry = _mapping(entry, where, {"id", "conditions", "tier", "context"}, {"overrides"})
        rule_id = _text(entry["id"], f"{where}.id")
        where = f"rules.{rule_id}"
        if rule_id in ids:
            raise RulesError(f"{where}: the id is used twice")
        ids.add(rule_id)
        tier = entry["tier"]
        if tier not in tiers:
            raise RulesError(f"{where}.tier: {show(tier)} is not one of the tiers ({', '.join(tiers)})")
        overrides = entry.get("overrides", False)
        if not isinstance(overrides, bool):
            raise RulesError(f"{where}.overrides: must be true or false, got {show(overrides)}")
        rules.append(Rule(rule_id, _conditions(entry["conditions"], f"{where}.conditions"),
                          tier, _text(entry["context"], f"{where}.context"), overrides))

    words = _mapping(data["explanation"], "explanation",
                     {"opening", "also_matched", "missing", "last_joiner", "closing", "field_names"})
    names = _mapping(words["field_names"], "explanation.field_names", set(), set(CLINICAL_FIELDS))
    wording = Wording(
        opening=_text(words["opening"], "explanation.opening"),
        also_matched=_text(words["also_matched"], "explanation.also_matched"),
        missing=_text(words["missing"], "explanation.missing"),
        last_joiner=_text(words["last_joiner"], "explanation.last_joiner"),
        closing=tuple(_text(line, "explanation.closing") for line in _list(words["closing"], "explanation.closing")),
        field_names={field: _text(name, f"explanation.field_names.{field}") for field, name in names.items()},
    )
    if "{description}" not in wording.opening:
        raise RulesError("explanation.opening: must contain {description}")
    if "{fields}" not in wording.missing:
        raise RulesError("explanation.missing: must contain {fields}")
    ruleset = RuleSet(tuple(tiers), descriptions, no_match_tier, tuple(rules), wording)
    unnamed = [field for field in ruleset.fields if field not in wording.field_names]
    if unnamed:
        raise RulesError(f"explanation.field_names: no plain-language name for {', '.join(unnamed)}")
    return ruleset


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The evidence table from `path` (default: the shipped rules.yml, read once)."""
    if path is None:
        return _default_rules()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_rules(data)


@lru_cache(maxsize=1)
def _default_rules() -> RuleSet:
    return load_rules(RULES_FILE)


# --- evaluating a profile -------------------------------------------------------------


def _matching(rules: RuleSet, profile: Mapping[str, Any]) -> list:
    return [rule for rule in rules.rules if rule.applies_to(profile)]


def _deciding(rules: RuleSet, matched: Sequence[Rule]) -> list:
    """The matched rules that set the tier: overriding rules first, then the most cautious."""
    pool = [rule for rule in matched if rule.overrides] or list(matched)
    if not pool:
        return []
    tier = min((rule.tier for rule in pool), key=rules.caution)
    return [rule for rule in pool if rule.tier == tier]


def _tier(rules: RuleSet, profile: Mapping[str, Any]) -> str:
    deciding = _deciding(rules, _matching(rules, profile))
    return deciding[0].tier if deciding else rules.no_match_tier


def _trial_values(rules: RuleSet, field: str) -> list:
    """One value of `field` per distinct effect on the rules, in the file's order.

    A value no rule lists acts exactly like an unknown one, so trying the listed
    values (one per set of rules they satisfy) covers every possible answer.
    """
    seen, values = set(), []
    for value in dict.fromkeys(v for rule in rules.rules for v in rule.conditions.get(field, ())):
        effect = frozenset(rule.id for rule in rules.rules if value in rule.conditions.get(field, ()))
        if effect not in seen:
            seen.add(effect)
            values.append(value)
    return values


def _missing(rules: RuleSet, profile: Mapping[str, Any]) -> list:
    """Unknown fields for which some answer could change the tier.

    A field counts when, for some answers to the other unknown fields (each may
    also stay unknown), some answer to it gives a different tier than leaving it
    unknown.
    """
    unknown = [field for field in rules.fields if is_unknown(profile.get(field))]
    trials = {field: _trial_values(rules, field) for field in unknown}
    missing = []
    for field in unknown:
        others = [other for other in unknown if other != field]
        choices = [[None] + trials[other] for other in others]
        if any(_changes_tier(rules, {**profile, **dict(zip(others, answers))}, field, trials[field])
               for answers in itertools.product(*choices)):
            missing.append(field)
    return missing


def _changes_tier(rules: RuleSet, profile: dict, field: str, values: list) -> bool:
    without = _tier(rules, {**profile, field: None})
    return any(_tier(rules, {**profile, field: value}) != without for value in values)


def _join(items: Sequence[str], joiner: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _explain(rules: RuleSet, tier: str, matched: Sequence[Rule], deciding: Sequence[Rule],
             missing: Sequence[str]) -> str:
    words = rules.wording
    sentences = [words.opening.replace("{description}", rules.descriptions[tier])]
    sentences += [rule.context for rule in deciding]
    others = [rule for rule in matched if rule not in deciding]
    if others:
        sentences.append(words.also_matched)
        sentences += [rule.context for rule in others]
    if missing:
        names = [words.field_names[field] for field in missing]
        sentences.append(words.missing.replace("{fields}", _join(names, words.last_joiner)))
    sentences += words.closing
    return " ".join(sentences)


def evaluate(profile: Mapping, rules: RuleSet | None = None) -> EligibilityResult:
    """The evidence tier for `profile`, with its reasons; ProfileError on a bad profile."""
    rules = rules or load_rules()
    profile = validate_profile(profile)
    matched = _matching(rules, profile)
    deciding = _deciding(rules, matched)
    tier = deciding[0].tier if deciding else rules.no_match_tier
    missing = _missing(rules, profile)
    return EligibilityResult(
        tier=tier,
        matches=[RuleMatch(rule.id, rule.tier, rule.context) for rule in matched],
        missing=missing,
        explanation=_explain(rules, tier, matched, deciding, missing),
    )
