"""Turn a patient's free text into the intake contract's values.

A spaCy `Matcher` on `spacy.blank("en")` (patterns in `patterns.jsonl`, token
attributes LOWER/TEXT/ORTH/REGEX only) finds the phrases; small normalisers
turn them into contract values ("stage three b" -> IIIB, "ECOG 2" -> 2). Three
things are read from the raw text instead, where tokens get in the way: the
EGFR/ALK status (a marker with a word of result nearby, or an EGFR mutation
named alone; not someone else's), PD-L1 (often written
"PD-L1 TPS 60%"), and phone numbers. Countries come from `countries.txt`.

Overlapping matches: the longest wins ("non small cell" is NSCLC, not SCLC).
The treatment history (`setting`, a list) is read by `bot.nlp.treatment`.
Several values for one field (a correction, "stage 3... no, stage 4"): in
`extract_profile` the last one mentioned wins. A stage 3 without its letter
(A, B or C) gives no stage: the contract has no plain III, and guessing is
not allowed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from bot.nlp.spelling import corrected
from bot.nlp.treatment import belongs_to_someone_else, read_history

HERE = Path(__file__).parent
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NOT_AN_AGE_BEFORE = {"stage", "ecog", "ps", "status", "cycle", "cycles", "tps", "l1", "pdl1", "score", "exon", "grade"}
_NOT_AN_AGE_AFTER = {"%", "percent", "days", "day", "weeks", "week", "months", "month", "cycles",
                     "cm", "mm", "kg", "times", "infusions", "hours", "pm", "am", "o'clock", "children", "kids"}


@dataclass(frozen=True)
class Finding:
    field: str
    value: Any
    start: int  # character offsets into the text
    end: int
    text: str


@dataclass(frozen=True)
class _Rule:
    field: str
    value: Any


class _Extractor:
    def __init__(self) -> None:
        self.nlp = spacy.blank("en")
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.rules: dict[str, _Rule] = {}
        for index, line in enumerate((HERE / "patterns.jsonl").read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            entry = json.loads(line)
            key = f"{entry['field']}#{index}"
            self.rules[key] = _Rule(entry["field"], entry["value"])
            self.matcher.add(key, [entry["pattern"]])
        self.countries = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for line in (HERE / "countries.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                names = [name.strip() for name in line.split("|")]
                self.countries.add(names[0], [self.nlp.make_doc(name) for name in names])

    def findings(self, text: str) -> list[Finding]:
        original = self.nlp(text)
        doc = _spelling_corrected(original)
        text = doc.text
        spans = []
        for match_id, start, end in self.matcher(doc):
            key = self.nlp.vocab.strings[match_id]
            span = doc[start:end]
            span.label_ = key
            spans.append(span)
        for match_id, start, end in self.countries(doc):
            span = doc[start:end]
            span.label_ = "country=" + self.nlp.vocab.strings[match_id]
            spans.append(span)
        found: list[Finding] = []
        for span in filter_spans(spans):
            if span.label_.startswith("country="):
                found.append(Finding("country", span.label_[8:], span.start_char, span.end_char, span.text))
                continue
            rule = self.rules[span.label_]
            value = rule.value if rule.value is not None else _normalise(rule.field, span, doc)
            if value is not None:
                found.append(Finding(rule.field, value, span.start_char, span.end_char, span.text))
        found += _biomarkers(text) + _pdl1(text) + _phones(text)
        found = _drop_overlaps(found) + _setting(text)
        found += _not_tested(text, {f.field for f in found})
        if any(f.field == "histology" for f in found) and not any(f.field == "diagnosis" for f in found):
            first = next(f for f in found if f.field == "histology")
            found.append(Finding("diagnosis", "nsclc", first.start, first.end, first.text))
        if doc is not original:
            found = [_in_original(f, doc, original) for f in found]
        return sorted(found, key=lambda f: (f.start, f.field))


def _spelling_corrected(doc: Doc) -> Doc:
    """The same words with clinical typos corrected ("sqamous" -> "squamous"), or `doc`."""
    words = [corrected(token.text) or token.text for token in doc]
    if words == [token.text for token in doc]:
        return doc
    return Doc(doc.vocab, words=words, spaces=[bool(token.whitespace_) for token in doc])


def _in_original(finding: Finding, doc: Doc, original: Doc) -> Finding:
    """A finding on the corrected words, with the offsets and words of the original text."""
    span = doc.char_span(finding.start, finding.end, alignment_mode="expand")
    if span is None:
        return finding
    source = original[span.start:span.end]
    return Finding(finding.field, finding.value, source.start_char, source.end_char, source.text)


def _normalise(field: str, span, doc) -> Any:
    if field == "stage":
        return _stage(span)
    if field == "ecog":
        return int(span[-1].text)  if span[-1].text in "01234" else None
    if field == "age":
        return _age(span, doc)
    if field == "contact_email":
        return span.text
    return None


def _stage(span) -> Any:
    words = [t.lower_ for t in span if t.lower_ not in ("stage", "stg")]
    raw = "".join(words)
    match = re.fullmatch(r"(i{1,3}|iv|[1-4]|one|two|three|four)([abc]?)", raw)
    if not match:
        return None
    base, letter = match.groups()
    number = _ROMAN.get(base) or _WORD_NUMBERS.get(base) or int(base)
    if number == 3:
        return f"III{letter.upper()}" if letter else None
    return {1: "I", 2: "II", 4: "IV"}[number]


def _age(span, doc) -> Any:
    number_token = next(t for t in span if re.match(r"^\d", t.text))
    value = int(re.match(r"\d+", number_token.text).group())
    before = {t.lower_ for t in doc[max(0, span.start - 3):span.start]}
    if span[0].lower_ in ("age", "aged"):
        before = set()
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    previous = doc[span.start - 1].lower_ if span.start else ""
    if before & _NOT_AN_AGE_BEFORE or after in _NOT_AN_AGE_AFTER or after == "ago" or previous in ("for", "over"):
        return None
    return value if 0 <= value <= 120 else None


_MARKER = re.compile(r"\b(egfr|alk)\b", re.I)
_POSITIVE = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(positive|pos\b|\+|mutation|mutated|mutant|positiv[oa]s?|mutad[oa]s?|mutaci[oó]n|rearranged|rearrangement|fusion|translocation|exon|l858r|t790m|del\b|\d+\s?del\b|ex\d+\s?del|deletion|insertion|eml4)", re.I)
_NEGATIVE = re.compile(r"^\W{0,3}(?:\w+\W+){0,4}?(negative|neg\b|-ve\b|negativ[oa]s?|wild[- ]?type|wt\b|not detected|no mutation|not found|normal|"
                       r"not (?:rearranged|mutated|amplified|present)|no (?:rearrangement|fusion|translocation))|"
                       r"^\s*(?:-|:?\s*no)\s*(?=[,;.)]|$)", re.I)
_NEGATED_BEFORE = re.compile(r"\b(no|not|without|negative for|(?:doesn'?t|does not|don'?t|do not|didn'?t|did not) have|"
                             r"no (?:mutations?|alterations?|fusions?|"
                             r"rearrangements?|changes?) (?:for|in|of))\s+(an?\s+)?$", re.I)
_UNSURE_BEFORE = re.compile(r"(?:(?:don'?t|do not|dont) (?:know|understand|have the results?)|not sure|no idea|unsure|not certain|"
                            r"awaiting|"
                            r"(?:can'?t|cannot|could ?n'?t|don'?t) (?:recall|remember)|forgot|still (?:looking at|checking)|"
                            r"pending|still being done)\s+(?:[\w(]+[\s,]+){0,5}$|"
                            # "waiting for the PET scan and for the EGFR and ALK results"
                            r"waiting (?:on|for)\s+(?:[\w(]+[\s,]+){0,7}$", re.I)
_UNSURE_AFTER = re.compile(r"^\W{0,3}(?:\w+\W+){0,3}?(unknown|unk\b|dunno|not sure|pending|awaited|awaiting|waiting|"
                           r"(?:still )?wait\b|(?:not yet|not) (?:resulted|reported)|not back|"
                           r"no idea|(?:we |i )?(?:honestly |really |still )?(?:don'?t|dont|do not) know|"
                           r"never found out|not known|still being done|nobody told|"
                           r"(?:is|are|was|were|has|have)(?:n'?t| not)(?: yet)? (?:come )?(?:back|in|out|available)|"
                           r"(?:is|are) (?:all |both |still |now )?being (?:tested|done|run|checked|analy[sz]ed)|"
                           r"(?:pata|maloom|malum) (?:nahi|nahin|nai)|nahi pata|no (?:lo )?s[eé]\b|no sabemos|desconocid[oa])",
                           re.I)
# The result, not the test, is missing: "we haven't had the PD-L1 result back", "no EGFR result yet";
# or the test was done and its result is not known: "tested for EGFR, I don't remember the result".
_NO_RESULT_BEFORE = re.compile(r"\b(?:haven'?t|hasn'?t|have not|has not|not yet|still no|no)\s+(?:\w+\s+){0,3}$", re.I)
_RESULT_AFTER = re.compile(r"^\W*(?:test\s+)?results?\b(?!\s+(?:was|is|were|came back)\s+(?:positive|negative|high|low|\d))",
                           re.I)
_RESULT_NOT_KNOWN = re.compile(
    r"^[^.;]{0,40}?\b(?:(?:don'?t|do not|can'?t|cannot|never) (?:remember|recall|know|got told|were told|heard)|"
    r"forgot|nobody told us)\b[^.;]{0,20}?\b(?:results?|number|score|what it (?:showed|was|said))\b", re.I)
# Other markers named in one breath with a result for all: "EGFR/ALK negative", "EGFR, ALK, ROS1 wild type".
_MARKER_LIST = re.compile(r"^(?:\s*(?:/|,|and|&|\+|or)\s*(?:egfr|alk|ros-?1|kras|braf|met|ret|her-?2|ntrk|"
                          r"pd-?l-?1)\b)+", re.I)
# A test that was never done: "EGFR not tested", "never tested for ALK", "no EGFR test was done".
NOT_TESTED_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,5}?(?:(?:has|have)n'?t been (?:tested|checked|done)|not (?:been )?(?:tested|checked|done|performed|ordered|sent|assessed|"
    r"available|requested|evaluable)|untested|unevaluable|"
    r"(?:not|n'?t|never) (?:make|made|do|did|run|ran|order|ordered|send|sent) (?:the |a |any |that )?tests?|"
    r"never (?:been )?(?:tested|checked|done|performed|sent)|(?:was|were)(?:n'?t| not) (?:tested|checked|done|sent)|"
    r"test(?:ing)? (?:was |were )?(?:not|never) (?:done|performed|ordered)|"
    r"(?:was|were|is|are)(?:n'?t| not) (?:needed|necessary|required|indicated)|not (?:needed|necessary|required))", re.I)
NOT_TESTED_BEFORE = re.compile(
    r"(?:never|not|didn'?t|did not|haven'?t|hasn'?t|have not|has not|wasn'?t|no one|noone|nobody|"
    r"could ?n'?t|could not|can'?t|cannot|unable to)\s+"
    r"(?:ever\s+)?(?:been\s+)?"
    r"(?:tested|checked|test(?:ed)?|check(?:ed)?|do(?:ne)?|did|run|ran|order(?:ed)?|sen[dt]|look(?:ed)?)\s+"
    r"(?:(?:him|her|them|me|us)\s+)?(?:(?:his|her|their|my|the)\s+(?:tumou?r|tissue|biopsy|sample|cancer)\s+)?"
    r"(?:for\s+|at\s+)?(?:an?\s+|the\s+|his\s+|her\s+|any\s+)?$", re.I)
# "never tested for ALK or EGFR", "never checked for mutations or PD-L1": what comes before the marker in a list
_LIST_BEFORE = re.compile(r"(?:\b(?:egfr|alk|ros-?1|kras|pd-?l-?1|mutations?|genes?|biomarkers?)\s*(?:,|/|or|and|&)\s*)+$",
                          re.I)
_TEST_WORD_AFTER = re.compile(r"^\W{0,3}(?:test|tests|testing|analysis|panel)\b", re.I)
# "They did not make the EGFR test", "she never had the EGFR test done": any verb, when a test word follows.
_NO_TEST_BEFORE = re.compile(r"\b(?:not|never|n't|no)\s+(?:\w+\s+){0,2}?(?:(?:the|an?|any|his|her|their|my)\s+)?$", re.I)
# "we should do the EGFR test first but we have not done it yet": the test named, then said not done.
_TEST_NOT_DONE_AFTER = re.compile(
    r"^\W{0,3}(?:test|tests|testing)\b[^.;]{0,50}?\b(?:(?:have|has|had)(?:n'?t| not)|not yet|never)\s+(?:yet\s+)?"
    r"(?:done|had|got|did|do|make|made)\s+(?:it|that|this|them)\b", re.I)
# The kind of cancer named after the marker: "EGFR lung cancer", "ALK-driven NSCLC", "her mutation is EGFR".
_POSITIVE_KIND_AFTER = re.compile(r"^\W{0,3}(?:driven\W+|mutant\W+)?(?:lung\s+)?(?:cancer|nsclc|adenocarcinoma|"
                                  r"carcinoma|disease|tumou?r)\b(?!\s+(?:test|testing|panel))", re.I)
_POSITIVE_BEFORE = re.compile(r"\b(?:mutation|driver|alteration|fusion|change)\s+(?:is|was|=|:)\s*(?:an?\s+)?$", re.I)
# "No biomarker testing was done", "they never checked for mutations": every marker of that kind.
_GENERIC_NOT_TESTED = re.compile(
    r"\b(?:no|never|not|didn'?t|did not|haven'?t|hasn'?t|wasn'?t|weren'?t)\b[^.;]{0,40}?"
    r"\b(?:biomarkers?|mutations?|molecular|genetic|genomic|gene|ngs|markers?|tumou?r tests?)\b[^.;]{0,30}?"
    r"(?:\b(?:test(?:s|ed|ing)?|check(?:s|ed|ing)?|done|performed|ordered|analysis)\b)?"
    r"|\b(?:biomarkers?|mutations?|molecular|genetic|genomic|gene|ngs)\b[^.;]{0,20}?\b(?:test(?:s|ing)?|panel|analysis)\b"
    r"[^.;]{0,20}?(?:\bnot|\bnever|n'?t)\b[^.;]{0,10}?\b(?:done|performed|ordered|tested)\b|"
    r"\b(?:insufficient|not enough|inadequate|too little)\s+(?:\w+\s+)?(?:tissue|sample|material)\b[^.;]{0,30}?"
    r"\b(?:molecular|mutations?|genes?|genetic|ngs|biomarkers?|testing)\b", re.I)
# "Not sure of his gene results", "still waiting on the mutation tests": every marker of that kind unknown;
# not "EGFR positive, I don't know which mutation", where only the kind of a known result is not known.
_GENERIC_UNKNOWN = re.compile(
    r"\b(?:not sure|don'?t know|do not know|no idea|unsure|waiting (?:on|for))\b"
    r"(?![^.;]{0,12}?\b(?:which|what (?:kind|type|exon))\b)[^.;]{0,30}?"
    r"\b(?:biomarkers?|mutations?|molecular|genetic|genomic|gene|ngs|markers?)\b", re.I)
# "NGS is pending", "the molecular results are not back": every marker of that kind unknown.
_GENERIC_PENDING = re.compile(
    r"\b(?:ngs|molecular|genetic|genomic|gene|mutation|biomarker|driver)\s+(?:\w+\s+){0,2}?(?:is\s+|are\s+|still\s+)*"
    r"(?:pending|awaited|outstanding|not (?:yet )?back|being (?:done|run|tested))\b|"
    r"\bpending\s+(?:the\s+)?(?:ngs|molecular|genetic|genomic|mutation|biomarker)\b", re.I)
# "No driver mutations on the big panel", "negative for all actionable alterations": EGFR and ALK negative.
_GENERIC_NEGATIVE = re.compile(
    r"\bno (?:driver|actionable|targetable|druggable)\s+(?:mutations?|alterations?|changes?|genes?|fusions?)\b|"
    r"\bnegative for (?:all|any) (?:\w+\s+)?(?:alterations?|mutations?|markers?|drivers?|biomarkers?)\b|"
    r"\b(?:driver|actionable|targetable)[- ](?:mutations?|alterations?)?\s*negative\b", re.I)
_NOT_TESTED_NEAR = re.compile(r"\b(?:test(?:s|ed|ing)?|check(?:s|ed|ing)?|done|performed|ordered|analy[sz]ed)\b", re.I)


def _setting(text: str) -> list[Finding]:
    """Every current or planned treatment, as one finding whose value is the list."""
    history = read_history(text)
    if not history.settings:
        return []
    return [Finding("setting", list(history.settings), history.start, history.end,
                    text[history.start:history.end])]


def _not_tested(text: str, known: set[str]) -> list[Finding]:
    """Biomarker tests that were never done, or whose result nobody knows, or that found no driver at all,
    said without naming the marker."""
    match, value = _GENERIC_NOT_TESTED.search(text), "not_tested"
    if match is None or not _NOT_TESTED_NEAR.search(text[match.start():match.end() + 40]):
        match, value = _GENERIC_UNKNOWN.search(text) or _GENERIC_PENDING.search(text), "unknown"
    if match is None:
        match, value = _GENERIC_NEGATIVE.search(text), "negative"
        if match is None or _someone_elses(text, match.start()):
            return []
    fields = ["egfr", "alk"] + (["pdl1"] if re.search(r"biomarker|markers?\b", match.group(), re.I) else [])
    return [Finding(name, value, match.start(), match.end(), match.group())
            for name in fields if name not in known]


def _result_unknown(before: str, after: str, raw_after: str) -> bool:
    """Nobody knows the result: "don't know my EGFR", "PD-L1 pending", "no EGFR result yet",
    "tested for EGFR, I don't remember the result"."""
    return bool(_UNSURE_BEFORE.search(before) or _UNSURE_AFTER.search(after)
                or (_NO_RESULT_BEFORE.search(before) and _RESULT_AFTER.search(after))
                or _RESULT_NOT_KNOWN.search(raw_after))


# A result only supposed: "in case he turns out EGFR positive", "if she is ALK positive".
_SUPPOSED_BEFORE = re.compile(r"\b(?:if|in case|whether|unless|assuming|suppose)\b(?![^.;,?]*\b(?:test|check))[^.;,?]{0,30}$",
                              re.I)
# No way to test: "they do not have a lab for EGFR".
_NO_LAB_BEFORE = re.compile(r"\b(?:no|not have an?|n'?t have an?|without an?)\s+(?:\w+\s+)?(?:lab|laboratory|machine|facility)\s+"
                            r"(?:for|to test|to do)\s+(?:the\s+)?$", re.I)
# "EGFR or ALK, so those tests were never done": the tests named, then said not done.
_TESTS_NOT_DONE_LATER = re.compile(r"^[^.;]{0,30}?\b(?:those|these|the|both|such|the two) tests?\s+(?:were|was|have|has)"
                                   r"(?:n'?t| not| never)(?: been)?(?: ever)? (?:done|performed|ordered|sent|run)\b", re.I)
# A targeted drug taken "for her ALK", "because of his EGFR": the marker is positive.
_TREATED_FOR = re.compile(r"\b(?:for|because of|due to)\s+(?:his|her|my|their|your)\s+$", re.I)


def _biomarkers(text: str) -> list[Finding]:
    found = []
    for match in _MARKER.finditer(text):
        field = match.group(1).lower()
        if _someone_elses(text, match.start()):
            continue
        before, raw_after = text[max(0, match.start() - 60):match.start()], text[match.end():match.end() + 60]
        after = _MARKER_LIST.sub("", raw_after)
        # "but" starts another thought: "EGFR positive but I don't know which mutation"
        after = re.split(r"[,;.]|\band\b|\bbut\b|\balk\b|\begfr\b|\bpd", after, maxsplit=1, flags=re.I)[0]
        before = _LIST_BEFORE.sub("", before)
        if _result_unknown(before, after, raw_after):
            value = "unknown"
        elif (NOT_TESTED_AFTER.search(after) or NOT_TESTED_BEFORE.search(before)
                or ((_NEGATED_BEFORE.search(before) or _NO_TEST_BEFORE.search(before)) and _TEST_WORD_AFTER.search(after))
                or _TEST_NOT_DONE_AFTER.search(raw_after) or _NO_LAB_BEFORE.search(before)
                or _TESTS_NOT_DONE_LATER.search(_MARKER_LIST.sub("", raw_after))):
            value = "not_tested"
        elif _SUPPOSED_BEFORE.search(before):  # "in case he turns out EGFR positive": no result
            continue
        elif _NEGATED_BEFORE.search(before) or _NEGATIVE.search(after):
            value = "negative"
        elif (_POSITIVE.search(after) or after.strip().startswith("+") or _POSITIVE_KIND_AFTER.search(after)
              or _POSITIVE_BEFORE.search(before)
              or (_TREATED_FOR.search(before) and not re.search(r"test|result|check", raw_after, re.I))):
            value = "positive"
        else:
            continue
        found.append(Finding(field, value, match.start(), match.end(), match.group()))
    return found + _variants(text)


# EGFR mutations named alone, read from the raw text: the tokenizer keeps "L858R." as one word.
_EGFR_VARIANT = re.compile(r"\b(?:L858R|T790M|L861Q|S768I|G719[A-Z]?|ex(?:on)?\s?19\s?del\w*|del\s?19|"
                           r"ex(?:on)?\s?20\s?ins\w*)\b", re.I)


def _variants(text: str) -> list[Finding]:
    """EGFR positive from a mutation named on its own ("L858R"), unless said to be absent ("no L858R")."""
    return [Finding("egfr", "positive", m.start(), m.end(), m.group()) for m in _EGFR_VARIANT.finditer(text)
            if not _someone_elses(text, m.start())
            and not _NEGATED_BEFORE.search(text[max(0, m.start() - 30):m.start()])
            and not _NEGATIVE.search(text[m.end():m.end() + 30])]


def _someone_elses(text: str, start: int) -> bool:
    """The result at `start` is told of someone other than the patient ("my friend's husband is EGFR+")."""
    sentence_start = max([0] + [m.end() for m in re.finditer(r"[.;!?\n]+\s", text[:start])])
    return belongs_to_someone_else(text, sentence_start, start, relatives_only=True)


_PDL1_MARKER = r"\b(?:pd[- ]?l[- ]?1|pdl1|tps|tumou?r proportion score|22c3|sp263|sp142|28-8)\b"
# The words between the marker and its value stay in one sentence and name no other marker:
# "PD-L1 result back. EGFR is positive" is no PD-L1 value.
_PDL1_GAP = r"(?:(?:[^\w.;!?]|\.(?=\w))+(?!egfr|alk\b)[a-z]+){0,4}?(?:[^\w.;!?]|\.(?=\w))*?"
_PDL1 = re.compile(
    _PDL1_MARKER + _PDL1_GAP +
    r"(?:((?:<|less than|under|below)\s*1\s*(?:%|percent|per cent))|(\d{1,3})\s*(?:%|percent|per cent)|"
    r"(high|low|negative|neg\b|positive|strong|weak)|(?<=\s)(no)(?=\s*(?:[,;.)]|$)))", re.I)
# A score without the % sign, right after the marker: "TPS 80", "PD-L1 score: 50".
_PDL1_SCORE = re.compile(
    _PDL1_MARKER + r"(?:\W+(?:score|result|level|value|is|was|of|about|around|tps|=)){0,3}\W*"
    r"(\d{1,3})\b(?!\s*(?:days?|weeks?|months?|years?|cycles?|mg|cm|mm|times|x\b|[.,]\d))", re.I)


def _pdl1(text: str) -> list[Finding]:
    found = []
    for match in _PDL1.finditer(text):
        below_one, number, word, no = match.groups()
        word = word or no
        if below_one:
            value: Any = "negative"  # under 1% is reported as PD-L1 negative
        elif number is not None:
            value = int(number)
            if value > 100:
                continue
            if value == 0:
                value = "negative"  # 0% is below 1%: PD-L1 negative
        else:
            value = {"strong": "high", "weak": "low", "positive": "high", "neg": "negative",
                     "no": "negative"}.get(word.lower(), word.lower())
            score = re.match(r"\s*[,(]?\s*(\d{1,3})\s*(?:%|percent|per cent)", text[match.end():match.end() + 16])
            if score and int(score.group(1)) <= 100:  # "low (5%)": the score says more
                value = int(score.group(1)) or "negative"
        found.append(Finding("pdl1", value, match.start(), match.end(), match.group()))
    if any(isinstance(f.value, int) for f in found):  # "70 percent ... PD-L1 is high enough": the score says more
        found = [f for f in found if isinstance(f.value, int)]
    if not found:
        found = _pdl1_told_later(text)
    if not found:
        for match in _PDL1_SCORE.finditer(text):
            if int(match.group(1)) <= 100:  # "PD-L1 was 0": below 1%, negative
                found.append(Finding("pdl1", int(match.group(1)) or "negative", match.start(), match.end(),
                                     match.group()))
    if not found:
        level = _PDL1_TC.search(text)
        if level:  # SP263/SP142 "TC3 (>=50%)", "TC0"
            found = [Finding("pdl1", "high" if level.group(1) == "3" else "negative" if level.group(1) == "0"
                             else "low", level.start(), level.end(), level.group())]
    if not found:
        found = _pdl1_status(text)
    return found


_PDL1_ONLY = re.compile(_PDL1_MARKER, re.I)
# The value given later in the sentence, of "it": "the PD-L1 result came late, it's 60%", "I don't remember the
# exact PD-L1 number but the doctor said it was low".
_PDL1_REFERENT = re.compile(
    _PDL1_MARKER + r"[^.;!?]{0,60}?(?<!\bif )(?<!whether )\b(?:it|that|which|the (?:score|result|number|level))\s*(?:'s|\u2019s|\s+is|\s+was|"
    r"\s+came back(?:\s+at)?)\s+(?:at\s+|about\s+|around\s+|very\s+|quite\s+)?"
    r"(?:(\d{1,3})\s*(?:%|percent|per cent)|(high|low|negative|positive|strong|weak)\b)", re.I)


def _pdl1_told_later(text: str) -> list[Finding]:
    for match in _PDL1_REFERENT.finditer(text):
        number, word = match.groups()
        if number is not None:
            if int(number) > 100:
                continue
            value: Any = int(number) or "negative"
        else:
            value = {"strong": "high", "weak": "low", "positive": "high"}.get(word.lower(), word.lower())
        return [Finding("pdl1", value, match.start(), match.end(), match.group())]
    return []
_PDL1_TC = re.compile(_PDL1_MARKER + r"\W+(?:\w+\W+){0,2}?TC\s?([0-3])\b", re.I)


def _pdl1_status(text: str) -> list[Finding]:
    """A PD-L1 test never done ("PD-L1 not tested") or not known ("PD-L1 pending", "don't know my PD-L1")."""
    for match in _PDL1_ONLY.finditer(text):
        before, raw_after = text[max(0, match.start() - 60):match.start()], text[match.end():match.end() + 60]
        after = raw_after
        before = _LIST_BEFORE.sub("", before)
        after = re.sub(r"^\s*(?:,|/|or|and|&)\s*(?:(?:egfr|alk|ros-?1|kras|mutations?|genes?|biomarkers?)"
                       r"\s*(?:,|/|or|and|&)?\s*)+", " ", after, flags=re.I)
        after = re.split(r"[,;.]|\band\b|\balk\b|\begfr\b", after, maxsplit=1, flags=re.I)[0]
        if _result_unknown(before, after, raw_after):
            value = "unknown"
        elif NOT_TESTED_AFTER.search(after) or NOT_TESTED_BEFORE.search(before):
            value = "not_tested"
        else:
            continue
        return [Finding("pdl1", value, match.start(), match.end(), match.group())]
    return []


_PHONE = re.compile(r"(?<![\w@.])(\+?\(?\d[\d\s().-]{5,20}\d)(?![\w%])")


def _phones(text: str) -> list[Finding]:
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if 7 <= len(digits) <= 15 and not re.fullmatch(r"\d{1,3}\s*[-–]\s*\d{1,3}", match.group(1)):
            found.append(Finding("contact_phone", match.group(1).strip(), match.start(1), match.end(1), match.group(1)))
    return found


def _drop_overlaps(found: list[Finding]) -> list[Finding]:
    """Regex findings (biomarkers, PD-L1, phone) beat token matches they cover."""
    regex_fields = {"egfr", "alk", "pdl1", "contact_phone"}
    strong = [f for f in found if f.field in regex_fields]
    kept = []
    for finding in found:
        if finding.field not in regex_fields and any(
            s.start < finding.end and finding.start < s.end for s in strong
        ):
            continue
        kept.append(finding)
    return kept


@lru_cache(maxsize=1)
def _extractor() -> _Extractor:
    return _Extractor()


def extract(text: str) -> list[Finding]:
    """Every finding in `text`, in reading order."""
    if not text or not text.strip():
        return []
    return _extractor().findings(text)


def extract_profile(text: str) -> dict[str, Any]:
    """One value per field; where a field is mentioned twice, the last wins."""
    profile: dict[str, Any] = {}
    for finding in extract(text):
        profile[finding.field] = finding.value
    return profile
