"""A treatment history in free text, read as the contract's `setting` list.

Patients and oncologists' letters name several drugs at once, lines that
stopped working, treatment finished and treatment now:

    "had 4 rounds of carbo/pem, then it spread and now he's on docetaxel"
    -> setting ["later_line_chemotherapy"], finished ["first_line_chemotherapy"]

How it reads:

1. Every treatment named (`treatments.yml`: generic and brand names, short
   forms, misspellings through the clinical speller) is a `Mention` of a kind
   (chemotherapy, immunotherapy, targeted, radiotherapy, ...).
2. The text is cut into clauses where time moves on ("then", "now", "but",
   "until", a full stop). Inside its clause, each mention gets a status from
   the words around it: negated ("not on chemo", "declined radiation"),
   someone else's ("my neighbour was on Keytruda"), only talked about ("the
   doctor mentioned immunotherapy", "if it stops working"), finished
   ("finished", "after", "stopped working", "progressed on"), current ("now",
   "is on", "started") or planned ("will start", "scheduled"). The nearest
   word before the mention decides; a few words after it ("... stopped
   working", "... was mentioned") override.
3. A history in sequence: when some treatment is current or planned, what
   was only "had" before it is finished; when nothing is said to be current,
   the last treatment told is taken as the present one. A time span that has
   ended ("2020-22 gefitinib") is past. What a later sentence says of a
   treatment told before changes it: "so it was stopped", "durvalumab was
   cancelled", "the chemo was stopped for good", "continues pembrolizumab
   alone", "postponed one week", "she has not agreed".
4. Settings: chemotherapy and radiotherapy in one clause are concurrent
   chemoradiotherapy; chemotherapy after an earlier treatment stopped working
   (or called second line) is `later_line_chemotherapy`; immunotherapy after
   chemoradiotherapy is consolidation; surgery that happened makes the
   setting `post_resection`; radiotherapy or supportive care alone is `other`;
   nothing current is `none`; not knowing the drugs is `unknown`.

`read_history(text)` gives the whole reading; `revise(previous, text)` applies
a correction ("he stopped the Keytruda", "it's second line now") to a list
already collected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bot.nlp.spelling import corrected_text

LEXICON_FILE = Path(__file__).with_name("treatments.yml")

# Statuses of one mention.
CURRENT, PLANNED, FINISHED, PAST, TOLD = "current", "planned", "finished", "past", "told"
NEGATED, OTHER_PERSON, HYPOTHETICAL = "negated", "other_person", "hypothetical"
ACTIVE = (CURRENT, PLANNED)

# The contract's order (section 1): lists are given in it.
SETTING_ORDER = ("first_line_chemotherapy", "later_line_chemotherapy", "concurrent_chemoradiotherapy",
                 "post_resection", "targeted_therapy", "immunotherapy", "consolidation", "none", "other",
                 "unknown")
# What a current treatment of each kind adds to the list (radiotherapy or
# supportive care only when nothing else is current; surgery when it happened).
SETTINGS_OF_KIND = {
    "chemotherapy": ("first_line_chemotherapy",),
    "chemoimmunotherapy": ("first_line_chemotherapy", "immunotherapy"),
    "immunotherapy": ("immunotherapy",),
    "targeted": ("targeted_therapy",),
    "chemoradiotherapy": ("concurrent_chemoradiotherapy",),
    "surgery": (),
    "consolidation": ("consolidation",),
    "trial": ("other",),
    "targeted_other": ("other",),
    "radiotherapy": (),
    "supportive": (),
    "companion": (),
}
CHEMOTHERAPY = {"chemotherapy", "chemoimmunotherapy"}
SYSTEMIC = {"chemotherapy", "chemoimmunotherapy", "immunotherapy", "targeted", "targeted_other", "trial"}
LOCAL_OR_SUPPORTIVE = {"radiotherapy", "supportive"}

# Where a clause ends: time moves on.
_CLAUSE_BREAK = re.compile(
    r"[.;!?\n]+(?=\s|$)|\s[-–—]\s|->|→|=>|,\s*(?=so\b)|"
    r"\b(?=(?:then|but|now|currently|presently|however|although|though|followed by|switched|changed|moved|"
    r"afterwards|after that|later on|until|till|whereas|while|since then|so now|so they|so it|at the moment|"
    r"these days|this week|next week|next month|recently|because|as of|ahora|pero|luego|despu[eé]s)\b)", re.I)
_SENTENCE_BREAK = re.compile(r"[.;!?\n]+(?=\s|$)|\bbut\b|\bwhile\b|\bwhereas\b", re.I)
_SEQUENCE_WORDS = re.compile(r"\b(?:then|after|before|followed|later|prior|until|once)\b", re.I)
# Names given together: "carboplatin, pemetrexed and pembrolizumab", "carbo/pem + pembro".
_LIST_GAP = re.compile(r"^[\s,/+&()\[\]:-]*(?:(?:and|with|plus|or|&|\+|w/)[\s,/+&()\[\]:-]*)?$", re.I)

_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|never|without|nor|neither|nobody|no one|noone|declined|declining|refused|refusing|refuses|declines|"
    r"against|instead of|rather than|ruled out|avoid|avoiding|except|other than|cancell?ed|left out|leaving out|leave out|"
    r"omitted|omitting|skipped|sin|"
    r"too (?:\w+ )?(?:old|elderly|weak|frail|fragile|sick|ill|unwell) (?:for|to have)|not (?:a )?candidate for|not (?:eligible|suitable|fit) for|"
    r"unable to (?:have|get|take)|(?:can|could|wo|did|does|do|has|have|is|was|were|are)n'?t|cannot|"
    r"(?:can|could|will|did|does|do|has|have|is|was|were|are) not)\b)"
    r"(?:[^,.;:\w]+[\w'/+-]+){0,4}?[^,.;:\w]+$", re.I)
_NEGATION_AFTER = re.compile(
    r"^[^.;:]{0,25}?\b(?:(?:is|are|was|were)(?:n'?t| not) (?:for|right for|suitable for) (?:him|her|me|them|us)|"
    r"contraindicated|not (?:suitable|appropriate|indicated|recommended|given|planned|started|offered|possible|"
    r"an option)|(?:is|are|was|were)(?:n'?t| not) (?:available|approved|funded|covered|reimbursed|affordable|possible|"
    r"an option|given|started|offered)|not available|not approved|not funded|not covered|not reimbursed|"
    r"decided against|chose not to|opted (?:against|out)|(?:was|were) (?:declined|refused|"
    r"ruled out|not given)|declined|refused|ruled out|cancell?ed|called off|not going ahead)\b", re.I)
# Finished, said before the name: "no longer on", "had to stop", "switched from", "progressed on".
_FINISHED_BEFORE = re.compile(
    r"\b(?:no longer|no more|not anymore|not any more|came off|come off|taken off|off (?:the )?|stopp?e?d|stop|"
    r"stopping|had to stop|quit|(?:switched|changed|moved|taken|transitioned|swapped) (?:\w+ ){0,2}from|"
    r"(?:didn'?t|did not|doesn'?t|does not|wasn'?t|not) (?:respond\w*|work\w*|help\w*|hold\w*)(?: \w+){0,2} (?:to|on|with)|"
    r"progres+\w* (?:\w+ ){0,2}(?:on|after|through|despite|with|during|while on)|(?:PD|progressive disease) (?:on|after|with)|(?:grew|growth|spread|worse) "
    r"(?:\w+ ){0,2}(?:on|after|despite|during|while on)|failed|failing|failure of|after failing|intolerant of|"
    r"resistant to|refractory to|recurr\w* (?:\w+ )?after|relaps\w* (?:\w+ )?after|(?:1st|first|initial|original) (?:one|treatment|chemo\w*|line|regimen) was)\b"
    r"(?:\W+(?:the|a|an|his|her|my|their|of|on|to|with|first|line|1st|2nd|second|previous|prior|initial|"
    r"taking|having|getting|using))*\W*$",
    re.I)
_RELATIVE = (r"(?:father|mother|brother|sister|son|daughter)[- ]in[- ]law|dad|daddy|father|papa|mum|mom|mother|mama|mummy|mommy|husband|wife|partner|son|daughter|brother|"
             r"sister|grand\w+|uncle|aunt|auntie|cousin|friend|neighbou?r|colleague|nephew|niece|"
             r"boss|fiance\w*|buddy|mate|pal|co-?worker|classmate|roommate")
_CLOSE = re.compile(r"^(?:dad|daddy|father|papa|mum|mom|mother|mama|mummy|mommy|husband|wife|partner|son|daughter|"
                    r"brother|sister|grand\w+)$", re.I)
# A person a treatment can belong to: "my mum", "her sister", "my wife's cousin", "Dad", "I", "most patients".
_PERSON = re.compile(
    r"(?i:\b(?:(?:my|our|his|her|their|your|a|the)\s+)?(?:\w+'s\s+)?(?:" + _RELATIVE + r")\b)|"
    r"\b(?:Dad|Mum|Mom|Father|Mother)\b|(?i:\b(?:i|i'm|im|i've|me|myself)\b|"
    r"\b(?:someone|somebody|another patient|other patients|most patients|patients|people|others|a lady|a man|"
    r"a woman|a guy|the man|the woman|the lady|the guy|the nurse|the doctor|he|she)\b)")


def _is_close(person: str) -> bool:
    """The patient's own voice or a close relative named as theirs ("my dad", "Dad", "I")."""
    words = person.lower().split()
    if words[0] in ("i", "i'm", "im", "i've", "me", "myself"):
        return True
    if "'s" in person or words[0] in ("his", "her", "their", "a", "the", "your"):
        return False
    return bool(_CLOSE.match(words[-1]))


_RELATIVE_OR_SELF = re.compile(r"(?i:\b(?:" + _RELATIVE + r"|i|i'm|im|i've|me|myself)\b)|\b(?:Dad|Mum|Mom)\b")


def belongs_to_someone_else(text: str, sentence_start: int, start: int, relatives_only: bool = False) -> bool:
    """The treatment (or test result) at `start` is told of someone other than the patient.

    Only when the message also speaks of the patient in their own voice or as a
    close relative ("my neighbour was on Keytruda, my dad hasn't started"): when
    the only person named is a friend, that friend is the patient. With
    `relatives_only`, people such as "the doctor" own nothing ("the doctor said
    EGFR negative" is still the patient's result).
    """
    people = [m for m in _PERSON.finditer(text, sentence_start, start) if m.group().lower() not in ("he", "she")
              and (not relatives_only or _RELATIVE_OR_SELF.search(m.group()))
              and not _treats_the_patient(m, text[m.end():start])]
    if not people:
        return False
    if _is_close(people[-1].group()):
        patient = _the_patient(text)
        return patient is not None and _relation(people[-1].group()) not in (patient, "self")
    # a close relative named elsewhere, or earlier in the sentence ("my wife is on X and her buddy is on Y")
    others = [m for m in _PERSON.finditer(text) if m.start() < sentence_start or m.start() >= start
              or (m.start() < people[-1].start() and _relation(m.group()) != "self")]
    return any(_is_close(m.group()) for m in others) or (not relatives_only and _patient_told_before(text, sentence_start))


_CARER = re.compile(r"^the (?:doctor|nurse)$", re.I)
# "the doctor added pembrolizumab", "the doctor has prescribed Tagrisso": the doctor's act, the patient's drug
_CARER_GIVES = re.compile(r"^\s*(?:(?:has|have|had|then|also|now|just)\s+){0,2}(?:added|adds|started|starts|prescribed|prescribes|"
                          r"gave|gives|ordered|switched|changed|put|added on|increased|reduced|restarted|re-?started)\b",
                          re.I)
_PATIENT_AS_OBJECT = re.compile(r"\b(?:him|her|me|them|us)\b", re.I)


def _treats_the_patient(person: re.Match, between: str) -> bool:
    """"The doctor has now started him on docetaxel": the doctor gives the treatment, the patient has it."""
    return bool(_CARER.match(person.group()) and (_PATIENT_AS_OBJECT.search(between) or _CARER_GIVES.match(between)))


def _patient_told_before(text: str, sentence_start: int) -> bool:
    """An earlier sentence told a treatment with nobody named ("On docetaxel since March. His friend
    is on Keytruda"; "She takes Alecensa. A man at her clinic gets chemo"): that was the patient's,
    so someone named afterwards is someone else."""
    earlier = text[:sentence_start]
    people = [m for m in _PERSON.finditer(earlier) if m.group().lower() not in ("he", "she")
              and not _is_close(m.group())]
    return bool(_names(earlier)) and not people


_SAME_PERSON = {"dad": "father", "daddy": "father", "papa": "father", "mum": "mother", "mom": "mother",
                "mama": "mother", "mummy": "mother", "mommy": "mother"}
# Which of two close relatives the message is about: "..., but this is about my mum", "but my dad is on ...".
_ABOUT = re.compile(r"\b(?:(?:this|it|the question|my question) is|i'?m|i am|am|asking|writing|enquiring|inquiring)\s+"
                    r"(?:about|for|on behalf of)\s+(my\s+(?:" + _RELATIVE + r")|myself|me)\b", re.I)
_ALSO_ILL = re.compile(r"\b(my\s+(?:" + _RELATIVE + r"))\s+(?:also\s+)?(?:had|has|was diagnosed with|got)\s+"
                       r"(?:\w+\s+){0,2}?cancer\s+(?:too|as well|also)\b|"
                       r"\b(my\s+(?:" + _RELATIVE + r"))\s+also\s+(?:had|has|was diagnosed with|got)\s+(?:\w+\s+){0,2}?cancer",
                       re.I)
_SELF_PATIENT = re.compile(r"\b(?:i am|i'm|im) the (?:\w+ ){0,3}?patient\b|\bthe patient is me\b|"
                           r"\bi(?: am|'m) the one with (?:\w+ ){0,2}?cancer\b", re.I)
_DIED = re.compile(r"\b(my\s+(?:" + _RELATIVE + r"))\s+(?:\w+\s+)?(?:died|passed away|passed on|lost (?:his|her|their) (?:battle|fight))\b",
                   re.I)
_CONTRAST = re.compile(r"\b(?:but|whereas|while)\s+(my\s+(?:" + _RELATIVE + r"))\b", re.I)


def _relation(person: str) -> str:
    word = person.lower().split()[-1]
    return "self" if word in ("i", "i'm", "im", "i've", "me", "myself") else _SAME_PERSON.get(word, word)


def _the_patient(text: str) -> Optional[str]:
    """The relation of the patient, when the message tells of two close relatives' treatments.

    "My sister had Keytruda, but my dad is on carbo/pem": the one the message
    turns to ("this is about my mum", or "but my dad" with a treatment of their
    own in that sentence) is the patient; the other's treatment is not theirs.
    None when only one close relative is named ("my mum is on Keytruda but my
    dad thinks ..." keeps the mum's).
    """
    relations = {_relation(m.group()) for m in _PERSON.finditer(text) if _is_close(m.group())} - {"self"}
    about = _ABOUT.search(text)
    if about and about.group(1).lower() in ("myself", "me"):  # "my brother is on Keytruda; I'm asking about myself"
        return "self"
    if _SELF_PATIENT.search(text):  # "My wife is on chemo. I am the lung cancer patient"
        return "self"
    died = _DIED.search(text)
    if died and len(relations) == 2:  # "My mother died after years on Tagrisso. Now my brother ...": not the patient
        return (relations - {_relation(died.group(1))}).pop() if _relation(died.group(1)) in relations else None
    if len(relations) < 2:
        return None
    also_ill = _ALSO_ILL.search(text)
    if also_ill and len(relations) == 2:  # "My mum had lung cancer too ...": the other one is the patient
        return (relations - {_relation(also_ill.group(1) or also_ill.group(2))}).pop()
    turned_to = _ABOUT.search(text)
    if turned_to is None:
        turned_to = next((m for m in _CONTRAST.finditer(text) if _names(re.split(r"[.;!?\n]", text[m.end():])[0])),
                         None)
    return _relation(turned_to.group(1)) if turned_to else None


# Talked about, not decided: anywhere before the name in its clause.
_CONDITIONAL = re.compile(r"\b(?:if|whether|in case|unless|once it|when it|should it|might|maybe|perhaps|"
                          r"possibly|considering|consider|debating|wondering|option|options|asked about|"
                          r"asking about|thinking (?:about|of)|looking into|reading about|heard about|"
                          r"read about|instead|could be|might be|may be|supposed to|still deciding|"
                          r"talked about|talking about|suggested|discussing|discussed|considered|offered|eligible for|mentioned|"
                          r"mention|spoke about|spoke of|raised|"
                          r"a candidate for|would (?:like|want|prefer)|hope to|hoping|want(?:s|ed)? to try|held back on|"
                          r"decid\w* between|choos\w* between|(?:we|i) (?:really |also |all )?want(?:ed)?|"
                          r"holding (?:back|off) on|hold(?:ing)? off|held off|postponed|deferred|delayed)\b",
                          re.I)
_QUESTION_START = re.compile(r"^\W*(?:should|could|can|would|will|is|are|does|do|did|what about|how about|"
                             r"what if|has|have)\b", re.I)
# "Is it normal to be tired on Imfinzi?": asks about a treatment being had, not whether to have it.
_EXPERIENCE_QUESTION = re.compile(r"^\W*(?:is|are) (?:it|this|that) (?:normal|common|usual|ok|okay|expected|fine)\b", re.I)
_HYPOTHETICAL_AFTER = re.compile(
    r"^[^,.;:]{0,30}?\b(?:is|are|was|were|as|might be|may be|could be|would be|remains)?\s*(?:an?\s+)?"
    r"(?:option|options|possibility|possible|being considered|considered|being discussed|discussed|mentioned|"
    r"suggested|offered|raised|maybe|possibly|might|could|later maybe|down the line|in the future|if needed|"
    r"if it|still (?:being )?decid\w*|to be decided|undecided|not decided|optional|under (?:discussion|consideration|review)|"
    r"to be discussed|being evaluated)\b", re.I)
_FINISHED_AFTER = re.compile(
    r"^[^.;:]{0,60}?\b(?:stopped working|stopped|failed|didn'?t work|did not work|wasn'?t working|"
    r"was not working|not working|no longer work\w*|quit working|didn'?t hold|finished|completed|complete|done|"
    r"ended|discontinued|was stopped|were stopped|was halted|(?<!\bin )(?<!\bno )(?<!\bwithout )progress\w*|PD(?![-\w])|"
    r"on (?:a )?break|paused|on hold|dej[oó] de funcionar|"
    r"(?:held|stopped|discontinued) permanently|permanently (?:held|stopped|discontinued)|withheld|was too (?:hard|much|toxic|strong)|"
    r"were too (?:hard|much|toxic|strong)|did nothing|didn'?t do anything|did not help|didn'?t help|"
    r"no effect|no response|stopped responding|but (?:it|the cancer|the tumou?r) "
    r"(?:spread|grew|came back|progressed|returned)|(?:years?|months?|weeks?) ago|last (?:year|month|summer|"
    r"spring|autumn|fall|winter)|back in|in 20[0-2]\d\b(?!\s*(?:and|,)?\s*(?:is|are|still|continu)))", re.I)
_PART_OF_COURSE = re.compile(
    r"\b(?:(?:first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)?|one|two|three|four|five|six) "
    r"(?:cycles?|rounds?|doses?|infusions?|weeks?|sessions?)|(?:cycles?|rounds?|doses?|c|week) ?\d+)"
    r"(?: (?:of \w+ )?(?:is |are |was |were )?(?:done|completed|complete|finished|given|in))\b", re.I)
_FOR_PROGRESSION = re.compile(r"\b(?:after|following|for|at|on|upon|due to|beyond)\s+(?:\w+\s+){0,2}?"
                              r"(?:progres+\w*|relapse|recurrence|failure|pd)\b", re.I)
_PLANNED_AFTER = re.compile(
    r"^[^.;:]{0,40}?\b(?:planned|is planned|to follow|scheduled|booked|is due|due to start|due on|due next|"
    r"to start|to begin|starts|starting|from next|next (?:week|month|monday|tuesday|wednesday|thursday|friday)|"
    r"tomorrow|recommended|is the plan|was prescribed|prescribed|(?:got |was |been |is )?approved|authori[sz]ed)\b", re.I)
_CURRENT_AFTER = re.compile(r"^[\s,(]*(?:[\w/+.-]+[\s,()]+){0,5}?(?:now|currently|current|at the moment|these days|right now|"
                            r"ongoing|continued|continues|continuing|since|in progress|so far|going well|"
                            r"is working|has been working|started|commenced|begun|initiated|cycle \d+ today|"
                            r"today|added|still (?:taking|on|having|getting|receiving))\b", re.I)

_MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
          r"nov(?:ember)?|dec(?:ember)?")
# The nearest of these before a name, in its clause, gives its status.
_CUES = [
    (PLANNED, r"will|'ll|going to|gonna|plan|plans|planned|planning|scheduled|booked|due to|about to|to start|"
              r"to begin|to commence|to receive|to have|to get|starts|starting (?:next|on|in|tomorrow)|"
              r"start (?:next|on|in|tomorrow)|begins|next (?:week|month|cycle)|tomorrow|recommended|"
              r"advised|proposed|prescribed|ordered|set up for|lined up|waiting to start|awaiting|"
              r"offered and (?:we )?accepted|agreed to|decided on|going for|"
              # "after I finish, durvalumab": a time still to come; Spanish
              r"(?:after|once|when) (?:i|he|she|we|they) (?:finish|finishes|complete|completes|am done|is done|are done)|"
              r"va a (?:empezar|comenzar|recibir)|empezar[aá]|comenzar[aá]"),
    (CURRENT, r"now|currently|current:?|presently|at present|at the moment|these days|right now|is on|are on|am on|"
              r"'s on|s on|on|started|start|starting|began|begun|commenced|initiated|receiving|getting|taking|"
              r"takes|gets|having|doing|undergoing|ongoing|continu\w*|still|remains on|has been on|"
              r"have been on|been on|treated with|being treated with|treatment with|cycle \d+ of|"  # not "maintenance":
              # "then maintenance pemetrexed" may be past too; only "now on maintenance" says it goes on
              r"since|today|this week|in the middle of|halfway through|under|put on|switched to|"
              r"switching to|changed to|moved to|moving to|giving|given|re-?challeng\w*|addition of|added|went onto|went on to|onto|back to|back on|re-?started|"
              r"adding|kept|keeps|keeping|kept (?:\w+ )?on|keeps (?:\w+ )?on|still on|"
              r"(?:switched|swapped|changed|moved|put) (?:\w+ ){0,2}(?:to|on|onto)|"
              r"(?:chemo|treatment|line|drug) (?:number )?(?:two|three|2|3) is|"
              r"ahora|actualmente|est[aá] con|est[aá] recibiendo|recibe|en tratamiento con"),
    (FINISHED, r"finished|completed|complete|done with|done|stopped|discontinued|ended|was on|were on|"
               r"had been on|been through|went through|underwent|undergone|after(?!\s+(?:that|this|which))|following|post|"
               r"failed|failing|progressed on|progression on|progressing on|progressed after|"
               r"progressed through|progressed despite|resistant to|refractory to|previously|prior|"
               r"previous|initially|earlier|originally|used to (?:be on|take|have)|s/p|status post|"
               r"history of|last year|years ago|in 20[0-2]\d|first had|first got|first tried|"
               r"(?:first|1st|initial) (?:one|treatment|chemo|line|regimen) was|off|before that|before this|"
               r"(?:first|second|1st|2nd) was|line 1:?|1L:?|lines? 1\s*(?:[-–]|to|and)\s*\d:?|"
               r"prior to that|before (?:it|that|this) was|before,|neo-?adjuvant|neo-?adj\.?|induction|"
               r"termin[oó]|acab[oó]|complet[oó]|recibi[oó]|"
               # a time span that has ended: "2020-22 gefitinib", "Feb-May 2023 carbo/pem"
               r"(?:19|20)\d\d\s*[-\u2013\u2014/]\s*(?:19|20)?\d\d(?![-/]\d)|"
               r"(?:" + _MONTH + r")\.?(?:\s+(?:19|20)\d\d)?\s*(?:[-\u2013\u2014]|to|until|till|through)\s*(?:" + _MONTH +
               r")\.?\s+(?:19|20)\d\d"),
    # a bare date ("Sept 2024 carbo/pem"): past when something comes after it
    (PAST, r"(?<!since )(?<!from )(?<!until )(?<!till )(?:" + _MONTH + r")\.?\s+(?:19|20)\d\d|"
           r"had|has had|have had|got|did|tried|received|was given|were given|was treated with|"
           r"were treated with|was treated|gave|"
           r"has received|have received"),
]
_CUE_BEFORE = [(status, re.compile(r"\b(?:" + words + r")\b", re.I)) for status, words in _CUES]
# "to" after "switched from X": the new treatment; weak, only when no other cue is near.
_WEAK_CURRENT = re.compile(r"\bto\s*$", re.I)

_LATER_LINE = re.compile(
    r"\b(?:second|2nd|third|3rd|fourth|4th|later|subsequent|next)[- ]line\b|\bsalvage\b|\bline (?:2|3|4|two|three)\b|"
    r"\bre-?challeng\w*|\bbeyond progression\b|\b(?:after|on|at|following) (?:disease |further )?progression\b|"
    r"\b[2-4]L\b|\b(?:second|third|fourth|2nd|3rd|4th) (?:chemo\w*|treatment|regimen|drug|one)\b|"
    r"\b(?:the )?first (?:one |chemo\w* |treatment |line )?(?:did not|didn'?t|doesn'?t|stopped|failed|no longer)"
    r"(?: (?:help|work|hold)\w*)?\b|\b(?:chemo|treatment|regimen) (?:number )?(?:two|three|2|3)\b", re.I)
_FIRST_LINE = re.compile(r"\b(?:first|1st|front)[- ]line\b", re.I)
# "It's his first chemo ever", "cycle 2 of her first chemo": the chemotherapy now is the first one.
_FIRST_CHEMO = re.compile(r"(?<!after )(?<!since )(?<!following )\b(?:his|her|my|their|the)\s+(?:very\s+)?(?:first|1st)\s+"
                          r"(?:ever\s+)?(?:chemo\w*|treatment|course)$", re.I)
_PROGRESSION = re.compile(
    r"\b(?<!\bin )(?<!\bno )(?<!\bwithout )(?:progres+\w*|dej[oó] de funcionar|stopped (?:controlling|helping|responding)|stopped working|stop working|didn'?t work|did not work|wasn'?t working|not working|"
    r"no longer work\w*|didn'?t hold|doesn'?t hold|holds? anymore|didn'?t respond|did not respond|failed|failing|"
    r"failure|came back|come back|coming back|(?:it'?s|it is|is|it has|has been|now) back\b(?! (?:to|on|at|home|from))|recurr\w*|relaps\w*|returned|growth|grew|grown|growing|"
    r"got worse|getting worse|worsen\w*|resistan\w*|refractory|new lesions?|new spots?|bigger|"
    r"(?:then|again|since|after|despite|while)\W+(?:\w+\W+){0,3}?spread|spread (?:again|further|more))\b", re.I)
_SWITCH = re.compile(r"\b(?:switch\w*|changed|changing|moved|moving|different|new chemo|another chemo|"
                     r"next chemo|second chemo|rechalleng\w*|re-?started)\b", re.I)
_CONTINUES = re.compile(r"\bcarr(?:y|ies|ying) on\b|\bcontinu\w*|\bstill (?:on|having|getting)\b|"
                        r"\bremains? on\b|\bkeeps? (?:going|on)\b", re.I)
_MAINTENANCE = re.compile(r"\bmaintenance\b|\bconsolidat\w*", re.I)
_NONE = re.compile(
    r"\b(?:no|not|nothing|hasn'?t|haven'?t|has not|have not|never|not yet|isn'?t|wasn'?t)\b[^.,;]{0,25}?"
    r"\b(?:treatment|treatments|therapy|therapies|started|begun|anything|any drugs|drugs|medication)\b|"
    r"\bnothing (?:yet|so far|at the moment|right now|now|currently|planned|for now|at all)\b|"
    r"\b(?:for now|right now|at the moment|so far|currently),? nothing\b|\buntreated\b|"
    r"\btreatment[- ]na[iï]ve\b|\b(?:newly|just|only just|recently) (?:been )?diagnosed\b|"
    r"\bdiagnosed (?:\w+ ){0,3}(?:days?|weeks?) ago\b|"
    r"\bwatch(?:ful)?(?:ing)? (?:and )?wait\w*\b|\bactive (?:surveillance|monitoring)\b|"
    r"\bnot on anything\b|\bon nothing\b|\b(?:declined|refused|refuses|declines|stopped) (?:all |any |further )?"
    r"(?:treatment|therapy)\b|\b(?:just|only) (?:scans|monitoring|follow[- ]ups?|check[- ]ups?)\b|"
    r"\boff (?:all )?treatment\b|\btreatment break\b|\bbreak from treatment\b|"
    r"\bwaiting (?:for|on) (?:the |an? |his |her |our )?(?:mdt|results?|appointment|oncolog\w*|tumou?r board|"
    r"plan|decision|first appointment|referral)\b|\bappointment (?:is )?not (?:yet )?booked\b|\bnot yet booked\b|"
    r"\bwaiting (?:for|on) (?:\w+ ){0,5}(?:results?|decision)\b|\bbefore (?:they|we) decide\b|"
    r"\bnothing (?:\w+ )?(?:decided|planned|else)\b|\bnot (?:yet )?decided\b|"
    r"\b(?:she|he|i|they|we|mum|mom|dad) (?:refused|declined|said no|turned (?:it|them) down)\b|"
    r"\bsaid no to\b|\b(?:doesn'?t|does not|don'?t|do not) want (?:any )?(?:more )?(?:treatment|chemo\w*)\b|"
    r"\bno (?:cancer )?(?:drugs|treatment) (?:any ?more|now)\b|\b(?:on |under )?observation(?: only)?\b|"
    r"\b(?:just|only) (?:has |having |gets |getting )?(?:scans|check-?ups)\b|\bnow nothing\b|"
    r"\bnothing (?:\w+ )?(?:scheduled|booked|arranged|since)\b|\b(?:chemo|treatment|drug) holiday\b|"
    r"\b(?:on|taking|having) a break\b|\bfinished all (?:\w+ )?treatment\b|"
    r"\b(?:has|have|had)(?:n'?t| not)(?: yet)? (?:agreed|consented)\b|\bnot (?:yet )?agreed\b|"
    r"\bstill (?:talking|thinking|deciding)\b",
    re.I)
_UNSURE = re.compile(
    r"\b(?:not sure|don'?t know|do not know|dont know|no idea|unsure|can'?t remember|cannot remember|"
    r"don'?t remember|forgot|not certain|no clue|don'?t understand|do not understand|dont understand|"
    r"didn'?t catch|did not catch|won'?t (?:say|tell)|(?:do|does|did|will)(?:n'?t| not) (?:tell|say))\b[^.;]{0,50}?\b(?:drugs?|treatments?|medicines?|"
    r"medications?|chemo\w*|therapy|regimen|called|name|names|on|getting|having|taking|given|what it is|"
    r"plan|what kind|what type|which one|which drugs?)\b|\btreatment (?:is )?(?:unknown|unclear)\b|"
    r"\btreatments?\s*[:=-]\s*(?:don'?t know|do not know|not sure|unsure|no idea|unknown|\?+)|"
    r"\b(?:some|a) (?:kind|sort|type) of (?:drug|treatment|"
    r"therapy|medicine|infusion|pill)s?\b|\bstarted (?:her|him|me|them) on something\b|"
    r"\b(?:didn'?t|did not) catch the name\b|\bwon'?t (?:say|tell)\b|\bnot sure what\b|"
    r"\b(?:no idea|don'?t know|not sure) what (?:they|he|she) (?:gave|give|gives|is given|got)\b|"
    r"\bsome (?:treatment|drip|infusion|medicine|drug)s?\b|\bon something\b", re.I)

@dataclass(frozen=True)
class Mention:
    kind: str
    start: int  # character offsets into the text read
    end: int
    text: str
    status: str
    clause: int


@dataclass(frozen=True)
class TreatmentHistory:
    """The reading of one text. `settings` is empty when the text says nothing about treatment."""

    mentions: tuple
    settings: tuple
    finished: tuple
    later_line: bool
    start: int = 0
    end: int = 0


@lru_cache(maxsize=1)
def _lexicon() -> list:
    """(kind, compiled pattern) for every name, longest names first."""
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    names = sorted(((kind, name) for kind, listed in data.items() for name in listed),
                   key=lambda pair: (not pair[1].startswith("re:"), -len(pair[1])))
    entries = []
    for kind, name in names:
        if name.startswith("re:"):  # a pattern, for what a list of words cannot say
            entries.append((kind, re.compile(r"(?<!\w)(?:" + name[3:] + r")(?!\w)", re.I)))
            continue
        body = r"[\s-]*".join(re.escape(part) for part in re.split(r"[\s-]+", name.lower()))
        entries.append((kind, re.compile(r"(?<![^\W\d])" + body + r"(?!\w)" if name == "gy"
                                         else r"(?<!\w)" + body + r"(?!\w)", re.I)))
    return entries


def _names(text: str) -> list:
    """(kind, start, end) of every treatment named, the longest name winning overlaps."""
    taken = [False] * len(text)
    found = []
    for kind, pattern in _lexicon():
        for match in pattern.finditer(text):
            if any(taken[match.start():match.end()]):
                continue
            taken[match.start():match.end()] = [True] * (match.end() - match.start())
            found.append((kind, match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def _clauses(text: str) -> list:
    """(start, end) of each clause."""
    cuts = sorted({0, len(text), *(m.start() for m in _CLAUSE_BREAK.finditer(text) if m.start() > 0)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _clause_of(clauses: list, position: int) -> int:
    for index, (start, end) in enumerate(clauses):
        if start <= position < end:
            return index
    return len(clauses) - 1


def _nearest_cue(before: str) -> Optional[str]:
    """The status of the cue word nearest the end of `before` (the longer one on a tie)."""
    best, best_key = None, (-1, -1)
    for status, pattern in _CUE_BEFORE:
        for match in pattern.finditer(before):
            key = (match.end(), match.end() - match.start())
            if key > best_key:
                best, best_key = status, key
    if best is None and _WEAK_CURRENT.search(before):
        return CURRENT
    return best


_PAST_PREFIX = re.compile(r"(?:\bpost[\s-]*|\bs/p\s*)$", re.I)


def _groups(text: str, clauses: list, names: list) -> list:
    """Names given together, in one clause: [(clause index, [names...]), ...]."""
    groups: list = []
    alone = False  # "post-chemoradiotherapy consolidation osimertinib": only the first is past
    for name in names:
        index = _clause_of(clauses, name[1])
        after_marker = bool(_PAST_PREFIX.search(text[max(0, name[1] - 12):name[1]]))
        gap = text[groups[-1][1][-1][2]:name[1]] if groups else ""
        joined = bool(re.fullmatch(r"[/+]", gap))  # "s/p carbo/pem/pembro": one regimen, all past
        if (groups and groups[-1][0] == index and (joined or not alone) and not after_marker
                and _LIST_GAP.match(gap)):
            groups[-1][1].append(name)
        else:
            groups.append((index, [name]))
        alone = after_marker or (alone and joined)
    return groups


def _after_cue(after: str) -> Optional[str]:
    """The status said just after the names ("... stopped working", "... started", "... planned")."""
    after = _PART_OF_COURSE.sub(" ", after)  # "second cycle done": the course goes on
    after = _FOR_PROGRESSION.sub(" ", after)  # "docetaxel after progression on X": why it is given
    after = re.sub(r"\.(?=,)", " ", after)  # "maint., PD after 5 months": an abbreviation's dot ends nothing
    if _PAUSE_AFTER.match(after):  # "chemo holiday", "chemo break": not given now
        return FINISHED
    found = []
    for status, pattern in ((NEGATED, _NEGATION_AFTER), (HYPOTHETICAL, _HYPOTHETICAL_AFTER),
                            (CURRENT, _CURRENT_AFTER), (PLANNED, _PLANNED_AFTER), (FINISHED, _FINISHED_AFTER)):
        match = pattern.search(after)
        if match:
            found.append((match.end(), status))
    return min(found)[1] if found else None


_PAUSE_AFTER = re.compile(r"^\s*(?:holiday|break|pause)\b", re.I)
_BEYOND_PROGRESSION = re.compile(r"\b(?:beyond|through|despite) (?:\w+ )?progression\b", re.I)
_FIRST_LINE_CUE = re.compile(r"\b(?:1L|line 1)\W*$", re.I)


def _first_line_now(text: str, before: str) -> bool:
    """"1L pembrolizumab, cycle 6" with no later line named and nothing else said of it (not
    "progressed on 1L osimertinib"): the line given now, not a finished one."""
    line = _FIRST_LINE_CUE.search(before)
    return bool(line) and not _LATER_LINE.search(text) and _nearest_cue(before[:line.start()]) != FINISHED


def _status(text: str, clause: tuple, window_start: int, start: int, end: int, window_end: int,
            other_subject: bool, inherited: Optional[str]) -> str:
    """The status of names from `start` to `end`, from the words around them in their clause."""
    whole_before, before, after = text[clause[0]:start], text[window_start:start], text[end:window_end]
    if other_subject:
        return OTHER_PERSON
    if inherited is not None and before.strip() in ("(", "[", ", (", "- ("):  # "chemo (cisplatin and pemetrexed)"
        return inherited
    before = _BEYOND_PROGRESSION.sub(" ", before)  # "Tagrisso continued beyond progression with chemo added": both go on
    if _FINISHED_BEFORE.search(before):
        return FINISHED
    if _NEGATION_BEFORE.search(before):
        return NEGATED
    if _CONDITIONAL.search(whole_before) or (_QUESTION_START.match(whole_before) and
                                              not _EXPERIENCE_QUESTION.match(whole_before) and
                                              re.match(r"[^.!?;\n]*\?", text[start:])):
        return HYPOTHETICAL  # "if it stops working, immunotherapy"; "should we ask about Keytruda?"
    cue, said_after = _nearest_cue(before), _after_cue(after)
    if cue == FINISHED and _first_line_now(text, before):
        cue = None
    if said_after in (NEGATED, HYPOTHETICAL):
        return said_after
    if said_after == FINISHED and cue != PLANNED:
        timed_only = not re.search(r"stopped|failed|didn'?t|did not|not working|progress|finished|completed|"
                                   r"ended|discontinued|too (?:hard|much|toxic)|did nothing|no effect", after, re.I)
        started = re.search(r"\b(?:started|began|commenced|since)\b", after, re.I)
        if not (timed_only and (cue == CURRENT or started)):  # "started Keytruda three weeks ago" goes on
            return FINISHED
    if said_after in (CURRENT, PLANNED) and cue in (None, PAST):
        return said_after
    if cue is None and inherited in (FINISHED, PAST, CURRENT, PLANNED):
        return inherited
    return cue or TOLD


_NOW_START = re.compile(r"^\s*(?:now|currently|at the moment|at present|right now|these days)\b", re.I)


def _now_said_after(text: str, clauses: list, index: int, end: int) -> int:
    """Where the words after the last names of a clause end: at the clause's end, or, when the
    names end it and the next clause starts with "now" and names nothing ("topotecan now because
    it came back"), at the next clause's end, the "now" being theirs."""
    clause_end = clauses[index][1]
    if text[end:clause_end].strip(" ,") or index + 1 >= len(clauses):
        return clause_end
    following = text[slice(*clauses[index + 1])]
    return clauses[index + 1][1] if _NOW_START.match(following) and not _names(following) else clause_end


def _mentions(text: str, clauses: list) -> list:
    groups = _groups(text, clauses, _names(text))
    mentions: list = []
    for number, (index, names) in enumerate(groups):
        clause = clauses[index]
        previous = groups[number - 1] if number and groups[number - 1][0] == index else None
        following = groups[number + 1] if number + 1 < len(groups) and groups[number + 1][0] == index else None
        start, end = names[0][1], names[-1][2]
        window_start = previous[1][-1][2] if previous else clause[0]
        if previous and "," in text[window_start:start]:  # "chemoradiation finished in May, durvalumab since June"
            window_start = text.rfind(",", window_start, start) + 1
        window_end = following[1][0][1] if following else _now_said_after(text, clauses, index, end)
        if following:  # words just before the next names are theirs: "..., she is starting carboplatin"
            comma = text.find(",", end, window_end)
            window_end = comma if comma != -1 else window_end
        inherited = mentions[-1].status if previous and not _PAST_PREFIX.search(
            text[max(0, previous[1][0][1] - 12):previous[1][0][1]]) else None
        sentence_start = max([0] + [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)])
        status = _status(text, clause, window_start, start, end, window_end,
                         belongs_to_someone_else(text, sentence_start, start), inherited)
        for number_in_group, (kind, a, b) in enumerate(names):
            if status in (FINISHED, NEGATED) and number_in_group and "," in text[names[number_in_group - 1][2]:a]:
                # "after progression on pembrolizumab + chemo, docetaxel planned": a new treatment
                following_name = names[number_in_group + 1][1] if number_in_group + 1 < len(names) else window_end
                said_after = _after_cue(text[b:following_name])
                if said_after in ACTIVE:
                    status = said_after
            mentions.append(Mention(kind, a, b, text[a:b], status, index))
    return _joined_chemoradiotherapy(text, mentions)


def _joined_chemoradiotherapy(text: str, mentions: list) -> list:
    """Chemotherapy and radiotherapy named together in one clause: one chemoradiotherapy mention."""
    result = list(mentions)
    for radio in [m for m in mentions if m.kind == "radiotherapy" and m.status not in (NEGATED, OTHER_PERSON)]:
        partners = [m for m in result if m.kind == "chemotherapy" and m.clause == radio.clause
                    and m.status not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)
                    and not _SEQUENCE_WORDS.search(text[min(m.end, radio.end):max(m.start, radio.start)])]
        if not partners or radio not in result:
            continue
        first = min(partners + [radio], key=lambda m: m.start)
        last = max(partners + [radio], key=lambda m: m.end)
        status = partners[0].status if partners[0].status != TOLD else radio.status
        joined = Mention("chemoradiotherapy", first.start, last.end, text[first.start:last.end], status, radio.clause)
        result = [m for m in result if m not in partners and m is not radio] + [joined]
    return sorted(result, key=lambda m: m.start)


_DONE_SURGERY = re.compile(r"removed|resected|took out|taken out|cut out|operated", re.I)
# Said after an operation's name, it is still to come: "a lobectomy next Tuesday", "surgery in summer".
_FUTURE_AFTER = re.compile(r"^[^.;:]{0,25}?\b(?:next|tomorrow|scheduled|planned|booked|is due|to follow|in (?:the )?"
                           r"(?:summer|spring|autumn|fall|winter|coming)|on (?:monday|tuesday|wednesday|thursday|friday))\b",
                           re.I)


def _operated(text: str, clauses: list, mentions: list, surgery: Mention) -> bool:
    """The operation has happened, so the setting is post-resection; not one still to come.

    Still to come: planned ("lobectomy scheduled"), said with a future time ("they're doing a
    lobectomy next Tuesday"), or told after "then" following a treatment now or planned
    ("chemo with radiation right now, then surgery").
    """
    if surgery.status == PLANNED:
        return bool(_DONE_SURGERY.search(surgery.text))
    if surgery.status not in (FINISHED, PAST, TOLD, CURRENT):
        return False
    if surgery.status != FINISHED and _FUTURE_AFTER.search(text[surgery.end:surgery.end + 40]):
        return False
    if surgery.status == TOLD and _STARTS_LATER.match(text[slice(*clauses[surgery.clause])]):
        earlier = [m for m in mentions if m.end <= surgery.start and m.kind != "surgery"
                   and m.status not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)]
        return not (earlier and earlier[-1].status in ACTIVE)
    return True
# Treatment finished a while ago, nothing since: no chemoradiotherapy "just finished".
_LONG_FINISHED = re.compile(r"\bnothing since\b|\bsince then\b|\bfinished all\b|\b(?:only|just) (?:follow[- ]ups?|scans|"
                            r"monitoring|check[- ]?ups)\b|\bfollow[- ]up scans\b|\bin remission\b|\byears? ago\b|"
                            r"\blast year\b", re.I)
_STARTS_LATER = re.compile(r"^\W*(?:and\s+)?(?:then|followed by|after that|afterwards|later|next|switched|changed|"
                           r"moved|now|so now|until|till|current|currently|presently|started|starting|commenced|began)\b|"
                           r"^\s*(?:->|→|=>)", re.I)
# "Now that's failed too": the treatment just told is finished.
_FAILED_BACK = re.compile(r"^\W*(?:and\s+|but\s+)?(?:now\s+|then\s+)?(?:that|it|this)(?:'s|\s+has|\s+is|\s+was)?\s+"
                          r"(?:also\s+)?(?:failed|stopped working|progressed|not working|no longer working)|"
                          r"^\W*(?:it'?s |it is |that'?s |treatment'?s? )?(?:all|everything) (?:done|finished|over|"
                          r"completed)\b", re.I)
_REFUSED_ALL = re.compile(
    r"\b(?:said no|refused|declined|turned (?:it|them|both) down|doesn'?t want|does not want|decided against|"
    r"opted against|chose not to have)(?: to)?"
    r"(?: (?:both|all|it|them|everything|any(?:thing)?|treatment|chemo\w*|that))?"
    r"(?=\s*(?:[;.,!]|$|\bbecause\b|\bbut\b|\bas\b|\bsince\b|\band\b))", re.I)


_ACCEPTED = re.compile(r"\b(?:said yes|agreed|accepted|went ahead|are going ahead|is going ahead|signed the consent)\b"
                       r"(?! to (?:think|wait|discuss))", re.I)


def _accepted(text: str, mentions: list) -> list:
    """What was suggested or offered and then accepted ("suggested Keytruda ... and we said yes") is planned."""
    acceptance = _ACCEPTED.search(text)
    if acceptance is None:
        return mentions
    return [Mention(m.kind, m.start, m.end, m.text, PLANNED, m.clause)
            if m.status == HYPOTHETICAL and m.start < acceptance.start() else m for m in mentions]


_GUESS = re.compile(r"\bor (?:maybe|perhaps|possibly)\b|\b(?:i think|i guess|i believe)\b[^.;!?]{0,30}\bor\b", re.I)
_NOT_KNOWN = re.compile(r"\b(?:don'?t|do not|dont) know\b|\bnot sure\b|\bno idea\b|\bunsure\b", re.I)


def _guessing(text: str) -> Optional[re.Match]:
    """A guess between treatments by someone who says they do not know, or None."""
    return _GUESS.search(text) if _NOT_KNOWN.search(text) else None


def _guessed(text: str, mentions: list) -> list:
    """Treatments given as guesses by someone who says they do not know ("chemo I think, or maybe
    immunotherapy, we really don't know") are only talked about: the setting is `unknown`."""
    guess = _guessing(text)
    if guess is None:
        return mentions
    start = max([0] + [m.end() for m in re.finditer(r"[.;!?\n]+\s", text[:guess.start()])])
    end_mark = re.search(r"[.;!?\n]+(?:\s|$)", text[guess.end():])
    end = guess.end() + end_mark.start() if end_mark else len(text)
    return [Mention(m.kind, m.start, m.end, m.text, HYPOTHETICAL, m.clause)
            if start <= m.start < end and m.status not in (NEGATED, OTHER_PERSON) else m for m in mentions]


# A clause that gives the number of the next or current cycle: the course named before goes on.
_COURSE_GOES_ON = re.compile(r"^\W*(?:(?:cycle|round|dose|infusion|c)\s*#?\d+|(?:next|another) (?:cycle|dose|round|"
                             r"infusion))\b(?!\s*(?:(?:was|is|were|has been)\s+)?(?:done|completed|complete|finished)\b)",
                             re.I)


def _course_going_on(text: str, clauses: list, mentions: list) -> list:
    """"Keytruda, carboplatin and pemetrexed - cycle 3 tomorrow, then ...": what was told just
    before a cycle's number is being given now, not something finished."""
    going_on = {index - 1 for index, (a, b) in enumerate(clauses) if index and _COURSE_GOES_ON.match(text[a:b])}
    return [Mention(m.kind, m.start, m.end, m.text, CURRENT, m.clause) if m.clause in going_on and m.status == TOLD
            else m for m in mentions]


# Said earlier in a sentence, these put what the sentence tells in the past.
_PAST_TIME = re.compile(r"\b(?:at the start|at first|in the beginning|initially|originally|at (?:the time of )?diagnosis|"
                        r"back then|at that time|the first time)\b", re.I)


def _told_in_the_past(text: str, mentions: list) -> list:
    """"topotecan now because it came back. At diagnosis he was treated with cisplatin, etoposide and
    chest radiation": what a sentence places "at diagnosis" or "at the start", beside a treatment said
    to be current or planned, is finished."""
    result = []
    for m in mentions:
        sentence_start = max([0] + [b.end() for b in _SENTENCE_BREAK.finditer(text, 0, m.start)])
        now = any(n.status in ACTIVE and not sentence_start <= n.start <= m.end for n in mentions)
        if m.status in (TOLD, PAST) and now and _PAST_TIME.search(text, sentence_start, m.start):
            m = Mention(m.kind, m.start, m.end, m.text, FINISHED, m.clause)
        result.append(m)
    return result


def _in_sequence(text: str, clauses: list, mentions: list) -> list:
    """What was only "had" or told, placed in time by what comes after it.

    When something is current or planned, what was told before it is finished,
    what was "had" is finished, and what a "then" adds to a finished line is
    finished too; otherwise what was told is the present, unless a later
    clause moves time on ("then ...", "now ...").
    """
    mentions = _guessed(text, _accepted(text, _told_in_the_past(text, _course_going_on(text, clauses, mentions))))
    timed = [m for m in mentions if m.kind != "surgery" and m.status not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)]
    active = [m for m in timed if m.status in ACTIVE]
    moves_on = {index for index, (a, b) in enumerate(clauses) if _STARTS_LATER.match(text[a:b])}
    updated: dict = {}
    failed_back = {index for index, (a, b) in enumerate(clauses) if _FAILED_BACK.match(text[a:b])}
    for index in failed_back:  # "... went onto osimertinib. Now that's failed too"
        told_before = [m for m in timed if m.clause < index]
        if told_before:
            last_clause = told_before[-1].clause
            updated.update({m: FINISHED for m in told_before if m.clause == last_clause})
    for number, m in enumerate(timed):  # "Prior: carbo/pem x4, then pem/pembro maintenance": still prior
        if m in updated:
            continue
        if number and m.status == TOLD and m.clause in moves_on and \
                updated.get(timed[number - 1], timed[number - 1].status) == FINISHED:
            updated[m] = FINISHED
    timed = [m for m in timed if m not in updated]
    active = [m for m in timed if m.status in ACTIVE]
    if active:
        first_active = min(m.clause for m in active)
        if first_active not in moves_on:  # "Keytruda and chemo; radiotherapy to follow": both go on
            first_active = -1
        for number, m in enumerate(timed):
            earlier = timed[number - 1] if number else None
            follows_finished = (m.clause in moves_on and earlier is not None
                                and updated.get(earlier, earlier.status) in (FINISHED, PAST))
            if m.status == PAST or (m.status == TOLD and (m.clause < first_active or follows_finished)):
                updated[m] = FINISHED
            elif m.status == TOLD:
                updated[m] = CURRENT
    else:
        weak = [m for m in timed if m.status in (PAST, TOLD)]
        for m in weak:
            later = [n for n in weak if n.clause > m.clause]
            moved = any(n.clause in moves_on for n in later)
            updated[m] = FINISHED if later and (m.status == PAST or moved) else CURRENT
        refusal = _REFUSED_ALL.search(text)
        if refusal:  # "offered chemo, then immunotherapy, but she said no to both"; "the chemo option was declined"
            everything = bool(re.search(r"\b(?:both|all|everything|them|any(?:thing)?)\b", refusal.group(), re.I))
            refused_clause = _clause_of(clauses, refusal.start())
            earlier = [m for m in mentions if m.start < refusal.start() and m.kind != "surgery"]
            last = earlier[-1] if earlier and re.search(r"\b(?:it|that)$", refusal.group(), re.I) else None
            updated.update({m: NEGATED for m in earlier
                            if m.status == HYPOTHETICAL or (m.status in (PAST, TOLD)
                                                            and (everything or m.clause == refused_clause or m is last))})
    return [Mention(m.kind, m.start, m.end, m.text, updated.get(m, m.status), m.clause) for m in mentions]


# One name for each drug, so that "the pembro" said later is the "pembrolizumab" told before.
_NAME_ALIASES = {"pembro": "pembrolizumab", "keytruda": "pembrolizumab", "durva": "durvalumab",
                 "imfinzi": "durvalumab", "nivo": "nivolumab", "opdivo": "nivolumab", "atezo": "atezolizumab",
                 "tecentriq": "atezolizumab", "osi": "osimertinib", "tagrisso": "osimertinib",
                 "alecensa": "alectinib", "iressa": "gefitinib", "tarceva": "erlotinib", "libtayo": "cemiplimab",
                 "xalkori": "crizotinib", "lorbrena": "lorlatinib", "alunbrig": "brigatinib",
                 "chemotherapy": "chemo", "quimio": "chemo", "quimioterapia": "chemo", "kemo": "chemo",
                 "immuno": "immunotherapy", "inmunoterapia": "immunotherapy", "immunoterapia": "immunotherapy"}
_GENERIC_NAMES = {"chemo", "chemotherapy", "chemos", "quimio", "quimioterapia", "kemo", "immunotherapy", "immuno",
                  "inmunoterapia", "targeted therapy", "tki"}


def _canonical(name: str) -> str:
    name = re.sub(r"[\s-]+", " ", name.lower().strip())
    name = re.sub(r"^key ?tr\w*$", "keytruda", name)
    return _NAME_ALIASES.get(name) or _DRUG_ALIASES.get(name, name)


# "..., so it was stopped", "the oncologist cancelled it": the treatment told just before.
_STOPPED_BACK = re.compile(
    r"\b(?:cancell?ed|called off|scrapped|stopped|discontinued|withdrew|halted)\s+(?:it|that|them|this)\b|"
    r"\b(?:it|that|this|they)\s+(?:was|were|has been|have been|had been|had to be|got)\s+(?:\w+\s+)?"
    r"(?:cancell?ed|called off|scrapped|stopped|discontinued|withdrawn|halted)\b", re.I)
# Put off by a fixed time, or given a new date: still planned.
_RESCHEDULED = re.compile(r"\b(?:postponed|delayed|pushed back|put back|moved)\s+(?:by\s+|for\s+)?(?:a|one|two|three|\d+|"
                          r"a few|a couple of)\s+(?:days?|weeks?)\b|\bnew (?:start )?date\b|\brescheduled (?:for|to)\b",
                          re.I)
_PUT_OFF = re.compile(r"\b(?:supposed to|postponed|delayed|pushed back|put back)\b", re.I)
_NOT_DECIDED = re.compile(r"\bmaybe|\bif\b|\bwhether|\bmight|\boptions?\b|\bperhaps|\bconsider", re.I)
# The patient has not said yes to what the doctor plans.
_NOT_AGREED = re.compile(r"\b(?:has|have|had)(?:n'?t| not)(?: yet)? (?:agreed|consented|accepted)\b|\bnot (?:yet )?agreed\b",
                         re.I)
_STOPPED_WORD = re.compile(r"\b(?:stopped(?! (?:working|helping|responding))|discontinued|halted|for good|permanently|"
                           r"dropped)\b", re.I)
_SUBORDINATE_BEFORE = re.compile(r"\b(?:after|following|post|since|than|before|because)\s+(?:the\s+|his\s+|her\s+|my\s+)?$",
                                 re.I)
_THEN_START = re.compile(r"^\W*(?:and\s+)?(?:then|followed by|after that|afterwards|later)\b", re.I)
_NOW_WORD = re.compile(r"\b(?:now|currently|at the moment|right now)\b", re.I)
_ALONE_AFTER = re.compile(r"^\s*(?:alone|by itself|on its own|only|monotherapy|solo)\b", re.I)
_ONLY_BEFORE = re.compile(r"\bonly\s+(?:the\s+)?$", re.I)


def _told_later(text: str, clauses: list, mentions: list) -> list:
    """What a later sentence says of a treatment told before.

    "Alectinib ..., so it was stopped": finished. "durvalumab was cancelled", "the insurance refused the
    pembro": the same drug planned before is not given. "the chemo was stopped for good" (a generic word):
    the chemotherapy drugs named before are finished. "continues pembrolizumab alone", "only carbo/paclitaxel
    started": the others named before are not given now. "postponed one week", "new date": still planned.
    "Amma has not agreed": what was planned is only talked about.
    """
    status = {index: m.status for index, m in enumerate(mentions)}

    def told(i: int) -> bool:
        return status[i] not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)

    def stop(i: int, never_given: bool = False) -> None:
        status[i] = NEGATED if never_given or status[i] in (PLANNED, HYPOTHETICAL) else FINISHED

    for match in _STOPPED_BACK.finditer(text):
        # "it" is the nearest treatment told before, not one said as the reason ("after chemo failed")
        before = [i for i, m in enumerate(mentions) if m.end <= match.start() and told(i)
                  and not _SUBORDINATE_BEFORE.search(text[max(0, m.start - 20):m.start])]
        if not before or match.start() - mentions[before[-1]].end > 200 \
                or status[before[-1]] not in ACTIVE + (TOLD, PAST):
            continue
        group = [before[-1]]
        while len(group) < len(before):
            previous = before[-len(group) - 1]
            if not _LIST_GAP.match(text[mentions[previous].end:mentions[group[-1]].start]):
                break
            group.append(previous)
        for i in group:
            stop(i)
    for j, later in enumerate(mentions):
        name = _canonical(later.text)
        said_stopped = status[j] == NEGATED or (
            status[j] == FINISHED and name in _GENERIC_NAMES
            and _STOPPED_WORD.search(text, clauses[later.clause][0], clauses[later.clause][1]))
        if not said_stopped:
            continue
        if any(status[k] in ACTIVE and _canonical(m.text) == name for k, m in enumerate(mentions) if k > j):
            continue
        for i, m in enumerate(mentions[:j]):
            same = _canonical(m.text) == name or (name in _GENERIC_NAMES and m.kind == later.kind
                                                  and status[j] == FINISHED)
            if same and status[i] in ACTIVE + (TOLD, PAST, HYPOTHETICAL) and m.clause != later.clause \
                    and not (_canonical(m.text) != name and _NOW_WORD.search(text[slice(*clauses[m.clause])])):
                stop(i, never_given=status[j] == NEGATED)  # "refused the pembro": never given
    for j, only in enumerate(mentions):
        if status[j] not in ACTIVE or not (_ALONE_AFTER.match(text[only.end:only.end + 20])
                                           or _ONLY_BEFORE.search(text[max(0, only.start - 12):only.start])):
            continue
        if _THEN_START.match(text[slice(*clauses[only.clause])]):  # "..., then Keytruda alone": what follows
            continue
        names = {_canonical(m.text) for k, m in enumerate(mentions) if m.clause == only.clause and status[k] in ACTIVE}
        for i, m in enumerate(mentions):
            if m.clause < only.clause and status[i] in (CURRENT, TOLD) and _canonical(m.text) not in names \
                    and m.kind != "surgery":
                status[i] = FINISHED
    rescheduled = _RESCHEDULED.search(text)
    if rescheduled:
        for i, m in enumerate(mentions):
            own = text[slice(*clauses[m.clause])]
            put_off = _PUT_OFF.search(text, max(0, m.start - 40), rescheduled.end())
            if status[i] == HYPOTHETICAL and m.start < rescheduled.start() and put_off and not _NOT_DECIDED.search(own):
                status[i] = PLANNED
    not_agreed = _NOT_AGREED.search(text)
    if not_agreed:
        for i, m in enumerate(mentions):
            if status[i] == PLANNED and m.start < not_agreed.start():
                status[i] = HYPOTHETICAL
    return [Mention(m.kind, m.start, m.end, m.text, status[i], m.clause) for i, m in enumerate(mentions)]


def _ordered(settings) -> tuple:
    return tuple(s for s in SETTING_ORDER if s in set(settings))


def _later_line(text: str, clauses: list, mentions: list, active_chemo: list, done: list) -> bool:
    """Chemotherapy now is later-line: said so, or given after an earlier treatment (not as its maintenance)."""
    if not active_chemo:
        return bool(_LATER_LINE.search(text))
    if _LATER_LINE.search(text):
        return True
    own = " ".join(text[max(0, m.start - 25):m.end] for m in active_chemo)
    own_clauses = " ".join(text[slice(*clauses[m.clause])] for m in active_chemo)
    first_chemo = any(_FIRST_CHEMO.search(text[max(0, m.start - 30):m.end]) for m in active_chemo)
    if _FIRST_LINE.search(own) or first_chemo or _MAINTENANCE.search(own_clauses) or _CONTINUES.search(own):
        return False
    before_drugs = {drug for m in done if m.kind in CHEMOTHERAPY for drug in _drugs(m.text)}
    new_drugs = {drug for m in active_chemo for drug in _drugs(m.text)} - before_drugs
    earlier_systemic = [m for m in done if m.kind in SYSTEMIC | {"chemoradiotherapy"}]
    # told before the chemotherapy now, in an earlier clause or earlier in a timeline ("2022-24 osimertinib, since
    # Feb 2025 docetaxel")
    earlier_clause = any(m.clause < min(c.clause for c in active_chemo) or (
        m.end < min(c.start for c in active_chemo) and (m.kind not in CHEMOTHERAPY or _drugs(m.text)))
        for m in earlier_systemic)
    if earlier_systemic and ((new_drugs and earlier_clause) or _PROGRESSION.search(text)):
        return True  # a new chemotherapy after an earlier one (not its maintenance), or after progression
    progressions = [p.start() for p in _PROGRESSION.finditer(text)]
    for chemo in active_chemo:  # "did great on Tagrisso but it came back; now chemo"
        if any(m.kind in SYSTEMIC and m is not chemo and m.status not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)
               and any(m.start < p < chemo.start for p in progressions) for m in mentions):
            return True
    return bool(_PROGRESSION.search(text) and _SWITCH.search(text))


_DRUG_ALIASES = {"carbo": "carboplatin", "paraplatin": "carboplatin", "cis": "cisplatin", "platinol": "cisplatin",
                 "pem": "pemetrexed", "alimta": "pemetrexed", "taxol": "paclitaxel", "pacli": "paclitaxel",
                 "abraxane": "nab-paclitaxel", "nab-pac": "nab-paclitaxel", "taxotere": "docetaxel",
                 "doce": "docetaxel", "gem": "gemcitabine", "gemzar": "gemcitabine", "navelbine": "vinorelbine",
                 "vp-16": "etoposide", "hycamtin": "topotecan", "zepzelca": "lurbinectedin"}
_GENERIC_CHEMO = {"chemo", "chemos", "chemotherapy", "chemotherapies", "kemo", "platinum", "doublet", "taxane",
                  "chemoimmunotherapy"}


def _drugs(name: str) -> set:
    """The chemotherapy drugs a name stands for ("carbo/pem" -> carboplatin, pemetrexed); generic words none."""
    parts = [part.strip().lower() for part in re.split(r"[/+]|\s-\s|(?<=[a-z])-(?=[a-z]{3})", name)]
    drugs = {_DRUG_ALIASES.get(part, part) for part in parts if part}
    return {drug for drug in drugs if drug not in _GENERIC_CHEMO and not drug.startswith(("platinum", "chemo"))}


def read_history(text: str) -> TreatmentHistory:
    """The treatment history told in `text` (see the module's notes)."""
    if not text or not text.strip():
        return TreatmentHistory((), (), (), False)
    text = corrected_text(text)
    clauses = _clauses(text)
    mentions = _told_later(text, clauses, _in_sequence(text, clauses, _mentions(text, clauses)))
    active = [m for m in mentions if m.status in ACTIVE]
    done = [m for m in mentions if m.status == FINISHED]
    kinds_active = {m.kind for m in active}
    later_line = _later_line(text, clauses, mentions, [m for m in active if m.kind in CHEMOTHERAPY], done)

    settings = set()
    for m in active:
        settings.update(SETTINGS_OF_KIND[m.kind])
    if later_line and "first_line_chemotherapy" in settings:
        settings.discard("first_line_chemotherapy")
        settings.add("later_line_chemotherapy")
    if "concurrent_chemoradiotherapy" in settings:  # the chemotherapy of the chemoradiotherapy
        settings.discard("first_line_chemotherapy")
    if any(m.kind == "surgery" and _operated(text, clauses, mentions, m) for m in mentions):
        settings.add("post_resection")
    said = [m for m in mentions if m.status not in (NEGATED, OTHER_PERSON, HYPOTHETICAL)]
    chemoradiotherapy = any(m.kind == "chemoradiotherapy" for m in said)
    if "consolidation" in settings and chemoradiotherapy:
        settings.add("concurrent_chemoradiotherapy")
    if chemoradiotherapy and settings & {"immunotherapy", "targeted_therapy"} and not later_line \
            and not any(m.kind in SYSTEMIC for m in done):
        settings.update({"concurrent_chemoradiotherapy", "consolidation"})  # given after chemoradiation
    explicit_none = bool(_NONE.search(text))
    if not settings - {"post_resection"} and chemoradiotherapy and not _PROGRESSION.search(text) \
            and not any(m.kind in SYSTEMIC for m in done) and not _LONG_FINISHED.search(text) \
            and not any(m.kind in LOCAL_OR_SUPPORTIVE and m.status in ACTIVE
                        and _ONLY.search(text[max(0, m.start - 25):m.end + 10]) for m in mentions):
        # just finished: CIK is given alongside or after it; not "nothing since then", "finished all treatment
        # in 2024", "now only brain radiation"
        settings.add("concurrent_chemoradiotherapy")
    if not settings - {"post_resection"} and kinds_active & LOCAL_OR_SUPPORTIVE:
        settings.add("other")
    if not settings and any(m.kind == "surgery" and m.status == PLANNED for m in mentions):
        settings.add("other")  # an operation still to come, alone
    if not settings:
        negated_only = mentions and all(m.status == NEGATED for m in mentions)
        if (_UNSURE.search(text) or _guessing(text)) and not done:
            settings.add("unknown")
        elif explicit_none or (done and not active) or negated_only:
            settings.add("none")

    finished = {setting for m in done for setting in SETTINGS_OF_KIND[m.kind]}
    told = said or mentions
    start = min((m.start for m in told), default=0)
    end = max((m.end for m in told), default=0)
    if not told:
        cue = _NONE.search(text) or _UNSURE.search(text)
        if cue:
            start, end = cue.start(), cue.end()
    return TreatmentHistory(tuple(mentions), _ordered(settings), _ordered(finished), later_line, start, end)


def revise(previous: Optional[Sequence[str]], text: str) -> Optional[list]:
    """The setting list after a change told in `text`, or None when it says nothing about treatment.

    "he stopped the Keytruda" takes immunotherapy out; "it's second line now"
    makes the chemotherapy later-line; a treatment named now takes the place of
    the same kind of treatment in the list and leaves the others ("he's on
    docetaxel now" changes the chemotherapy, not the immunotherapy), unless the
    message says it is the only one ("only Keytruda now").
    """
    previous = [s for s in (previous or []) if s not in ("none", "unknown")]
    history = read_history(text)
    line_only = not history.mentions and (_LATER_LINE.search(text) or _FIRST_LINE.search(text))
    if line_only:
        if not any(s.endswith("line_chemotherapy") for s in previous):
            return None
        wanted = "later_line_chemotherapy" if _LATER_LINE.search(text) else "first_line_chemotherapy"
        return list(_ordered([s for s in previous if not s.endswith("line_chemotherapy")] + [wanted]))
    said = [m for m in history.mentions if m.status not in (OTHER_PERSON, HYPOTHETICAL)]
    if not said and not set(history.settings) & {"none", "unknown"}:
        return None
    current = [s for s in history.settings if s not in ("none", "unknown")]
    if not said or (current and _ONLY.search(text)):
        return list(history.settings)  # "nothing now", "only Keytruda now": the whole list
    touched = {setting for m in said for setting in SETTINGS_OF_KIND[m.kind]}
    if touched & {"first_line_chemotherapy", "later_line_chemotherapy"}:
        touched |= {"first_line_chemotherapy", "later_line_chemotherapy"}
    kept = [s for s in previous if s not in touched] + current
    return list(_ordered(kept)) or ["none"]


_ONLY = re.compile(r"\b(?:only|just|alone|on its own|by itself|nothing else)\b", re.I)
