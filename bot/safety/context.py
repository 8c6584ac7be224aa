"""Is it happening now, to the patient? Time, person and intent of one red-flag mention.

"What is haemoptysis?", "last year he coughed some blood", "the nurse said to
call if her temperature goes over 38", "my neighbour's father had a stroke",
"what should we do if he starts coughing blood?" name a red flag without one
happening. Reading them as emergencies teaches people to ignore "urgent".

`read_timing(text, start, end, category)` places the mention at text[start:end]
(the text already lower-cased and corrected by the detector) and says:

- NOW: the words say, or let it be read, that it is happening now;
- NOT_NOW, with the reason: negated, mild, a definition, a question about
  side effects or risks, a hypothetical, someone's instruction, another
  person, long past, or resolved;
- UNCLEAR: only a past tense ("mum coughed blood", "dad had a fit
  yesterday"): the assistant asks once whether it is happening now.

Anything that is not placed elsewhere is NOW: a missed emergency costs more
than an extra urgent answer. Negation never hides a suicidal statement
unless it denies the statement itself ("she is not suicidal") or answers a
screening question about it ("they asked if I'd thought of it - no, never").
"""
from __future__ import annotations

import re
from typing import Optional

NOW, NOT_NOW, UNCLEAR = "now", "not_now", "unclear"
SELF_HARM = "self_harm"

_I = re.IGNORECASE


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


# Sentences and clauses: the context of a mention is the clause it is in.
_SENTENCE_END = re.compile(r"[.?!;\n]+|\s(?:but|however|actually|anyway|also|although|though)\b|\s-\s|:", _I)

# --- it is happening now -------------------------------------------------------------
_NOW_STRONG = _any(
    r"\b(?:right now|just now|now now|at the moment|currently|as we speak|still|again|tonight|today|suddenly|all of a sudden|"
    r"in the (?:last|past) (?:hour|half hour|\d+ min\w*|few min\w*)|just (?:\w+ed|had|got|went|fell|took|threw|came|now)|"
    r"this (?:morning|evening|afternoon|night))\b",
    r"\b(?:now)\b(?!\s+(?:fine|ok|okay|better|good|stable|normal|recovered|gone|resolved|alert|home|"
    r"comfortable|much better|back to normal))",
    r"\b(?:won'?t|wont|will not|doesn'?t|does not|not) (?:stop|stopping|going away|settle)\b|\bnot stopping\b",
    r"\bsince\b|\bfor the (?:last|past)\b|\b(?:getting worse|worse and worse)\b",
    r"\b(?!24\b)\d+\s*(?:min|mins|minutes?|hours?|hrs?|hr)\b(?:\s+(?:ago|now|already))?|\b(?:an|one|half an?) hour\b|"
    r"\b(?:ten|five|twenty|few|couple of) minutes\b",
    r"\b(?:urgent\w*|emergency)\b(?!\s+(?:if|when|number|line|services|department))",
    r"\b(?:please|pls|plz|need|needs|get|for) help\b|\bhelp (?:me|us|him|her|please|pls|now|quick)\b|^\W*help\b|\bhelp\W*$",
    r"\bwhat (?:do|should|can|must) (?:i|we) do\b(?!\s+if)|\bwhat to do\b(?!\s+if)|\bwhat we do\b",
    r"\b(?:is|are) happening\b|\bhappening now\b|\bin the middle of\b",
)
# A person (the writer or a relative) in the present: "he is", "my dad has", "I can't".
_SUBJECT = (r"(?:\b(?:i|he|she|they|we)\b|\b(?:i'?m|im|he'?s|hes|she'?s|shes|they'?re|i'?ve|ive|we'?ve)\b|"
            r"\bmy \w+(?:[- ]in[- ]law)?\b|\b(?:dad|mum|mom|papa|mama|baba|lola|lolo|tatay|nanay|abuela|abuelo|tito|"
            r"tita|grandma|grandpa|granddad|husband|wife|father|mother|brother|sister|son|daughter|partner|uncle|aunt|"
            r"grandmother|grandfather)\b)")
# "Mum's been having", "dad's very sleepy", "he's peeing a lot": a relative's
# state now, said with the short "'s". Nouns ending in -ing ("dad's wedding") are not states.
_ING_NOUNS = (r"(?:morning|evening|wedding|thing|nothing|something|anything|everything|building|funding|ring|king|"
              r"sibling|darling|spring|string|clothing|bedding|booking|meeting|hearing|housing|training|parking|"
              r"recording|ceiling|ending|beginning|painting|wing|pudding|shopping|living|sitting|sing|bring|wording|"
              r"reading|writing|saying|filling|fitting|lining|setting|standing|understanding|rating|birthday)")
_CONTRACTED_STATE = (r"(?:\b(?:dad|mum|mom|papa|mama|grandma|grandpa|granddad|grandad|gran|nan|husband|wife|father|mother|"
                     r"brother|sister|son|daughter|partner|uncle|aunt|hubby)|\bmy \w+)'?s (?:been|very|really|so|too|"
                     r"extremely|quite|still|getting|become|gone|not|now|always|constantly|(?!" + _ING_NOUNS + r"\b)\w+ing)\b")
_PRESENT = _any(
    _CONTRACTED_STATE,
    _SUBJECT + r"\s+(?:(?!(?:should|would|could|might|will|may|must|to)\b)\w+\s+){0,2}?(?:is|are|am|has|have|keeps?|can'?t|cannot|cant|can not|won'?t|wont|"
    r"doesn'?t|does not|don'?t|dont|isn'?t|aren'?t|feels?|looks?|says?|seems?|gets?|goes|sounds?|needs?|wants?|thinks?|"
    r"plans?)\b",
    r"\b(?:i'?m|im|he'?s|hes|she'?s|shes|they'?re|i'?ve|ive)\b",
    r"\b(?:won'?t|wont|can'?t|cant|cannot|isn'?t|doesn'?t|is not|will not|does not|can not)\s+(?!be\b)\w+",
    _SUBJECT + r"\s+(?:\w+\s+){0,1}\w+ing\b",
    r"^\W*(?!(?:is|are|can|could|does|do|will|would|why|how|what|when)\b)\w+ing\b",
)
_PAST_TENSE = _any(
    r"\b(?:had|was|were|did|got|went|became|came|felt|fell|took|gave|coughed|vomited|fainted|collapsed|"
    r"passed out|blacked out|drooped|dropped|swelled|swelled up|said|talked|spat|threw up|could ?n'?t|couldnt)\b",
)

# --- not happening now ----------------------------------------------------------------
_DEFINITION = _any(
    r"^\W*(?:(?:hi|hello|sorry|ok|okay|please|pls|doctor|dr)\W+)*(?:what|whats|what'?s|wat|wht)\s+(?!(?:is |'s )?the point\b)(?:is|are|does|do|mean|means|is the|was|the meaning|the difference|meaning)\b"
    r"(?!.{0,40}\b(?:happening|wrong|going on|to do|we do|i do|should|lethal|fatal|deadly|enough to)\b)",
    r"\b(?:what|wat) (?:does|do|is)\b.{0,60}\b(?:mean|means|meaning|stand for|stands for)\b",
    r"^\W*(?:(?:pls|please)\W+)?(?:define|meaning of|definition of|explain|can you explain|tell me about|what means)\b",
    r"^\W*(?:what|whats|what'?s|wat)\s+(?:a |an )?[\w-]+\W*$",
    r"^\W*(?:what|whats|what'?s|wat)\s+(?:a |an )?[\w-]+(?: [\w-]+)?\s*[,?]",
    r"\b(?:ano (?:po )?(?:ang )?ibig sabihin|ibig sabihin|que significa|qu[eé] es)\b",
    r"\bdifference between\b|\bis (?:it|an? \w+) (?:the )?same (?:thing )?as\b|\bor are they (?:different|the same)\b|"
    r"\b(?:medical|proper|technical|scientific|official|correct) (?:word|term|name) for\b|\bwhat'?s? the (?:word|term|name) for\b|\bin simple words\b|\bmeans what\b",
)
_GENERAL_QUESTION = _any(
    r"\bside[- ]?e?ff?ects?\b|\bside efect\b",
    r"\b(?:can|could|does|do|will|would|might|may)\s+(?:the\s+)?(?:cik|c\.i\.k|it|this|chemo\w*|immunotherapy|"
    r"keytruda|opdivo|morphine|oxycodone|radiation|radiotherapy|the \w+|cells|therapy|treatment|carboplatin|"
    r"immuno|lung cancer|cancer|surgery|a \w+|an \w+|\w+ cancer)\s+(?:\w+\s+)?(?:cause|causes|give|gives|make|makes|"
    r"lead to|increase|reduce|stop|help|improve|work|trigger|bring)\b",
    r"\b(?:is|are) (?:it|this|that|\w+) (?:\w+ )?(?:normal|common|usual|expected|rare|dangerous|serious|a sign|an emergency|"
    r"a known|known|from the|related)\b",
    r"\bwhat (?:temperature|temp) (?:counts|is (?:a|too))\b|\bcounts as\b|\bhow (?:common|likely|often|rare|soon|long|many|much)\b|\brisk of\b|\bwhat (?:is|are) the (?:chances?|risks?)\b",
    r"\b(?:is|are)\b[^.?!]{0,50}\b(?:common|normal|usual|expected|rare|likely|a side effect|a sign|dangerous|serious)\b",
    r"\b(?:can|could|does|do|will|would|might|may)\b[^.?!]{0,40}\b(?:cause|causes|give|gives|make|makes|lead to|increase|"
    r"reduce|help|improve|trigger)\b",
    r"\b(?:can|could|is) (?:patients?|someone|people|a person|he|she|my \w+) (?:with|who (?:has|had))\b",
    r"^\W*(?:any|is there|are there)\b|\bis (?:it|that|this) (?:a|an|the same as) \w+|\bdo (?:people|patients|you|most people) (?:get|have|feel)\b|"
    r"\bdo (?:they|you|the doctors|the nurses) (?:check|test|look|monitor|give)\b",
    r"\b(?:eligible|eligibility|qualify|suitable|allowed for|still (?:do|get|have) cik|does that (?:stop|matter))\b",
    r"\bcan cik\b|\bdoes cik\b|\bis cik\b|\bwill cik\b",
)
_HYPOTHETICAL = _any(
    r"(?<!not sure )(?<!dunno )(?<!know )(?<!unsure )(?<!wonder )(?<!not sure )\b(?:if|incase|in case|suppose|supposing|imagine|whether)\b",
    r"\b(?:is|are) (?:he|she|my \w+|it) going to (?:get|have|happen)\b|\bwill\b[^.?!]{0,30}\b(?:give|get|cause|make|happen)\b",
    r"\bin the event (?:that|of)\b|\bkung\b|\bwhat if\b|\bwhat happens?\b|\bwhat would\b|\bwhen should\b|\bshould (?:i|we) (?:call|go|buy|worry|take)\b",
    r"\b(?:how (?:will|do|would|can) (?:i|we) know|what (?:symptoms|signs)|which (?:symptoms|signs)|(?:warning )?signs (?:of|to)|"
    r"what to (?:look|watch)|to watch|look(?:ing)? out for|watch (?:out )?for|just in case|so i know)\b",
    r"\b(?:will|would|might|could) (?:he|she|my \w+|i|we|they|it|that) (?:also |ever |still )?(?:get|have|happen|be)\b",
    r"\bever\b|\bin the future\b",
    r"\b(?:can|could) (?:they|you|the doctors?|the team) (?:stop|still)\b",
)
_INSTRUCTION = _any(
    r"\b(?:nurse|nurses|doctor|docter|dr|doc|oncologist|consultant|team|leaflet|booklet|hospital|gp|they|clinic|"
    r"pharmacist|card|paper|discharge \w+|letter|neurologist|specialist)\b.{0,25}?\b(?:said|says|say|told|tell|tells|"
    r"advised|explained|warned|mentioned|asked|wrote|gave us|gave me|instructed|recommend\w*)\b"
    r"(?=.{0,80}\b(?:if|when|to (?:call|ring|go|come|watch|look|check|report|keep|record|use|take|give|write)|not to|"
    r"watch|look out|should|signs?|any|more than|over|above|could mean|can mean|means|might mean|"
    r"(?:is|are|counts as) (?:an? )?(?:emergency|urgent|serious|dangerous))\b)",
    r"\b(?:leaflet|booklet|checklist|poster|information sheet|red flag card)\b",
    r"\b(?:were|was|been|are|am|got) (?:told|advised|warned|instructed|taught|given)\b|\blearned the\b|"
    r"\bred flag card\b|\b24[- ]?h(?:ou)?r?s? (?:line|number)\b",
    r"\b(?:record|chart|write (?:it )?down|noted|remind me|writing it here)\b",
)
# For a suicidal statement only a question about someone else's words is hypothetical:
# "if the scan is bad, that's it for me" is a plan, not a hypothesis.
# "How do I help him" asks for advice; "how do I make sure I don't survive" is a plan,
# so only the ways of helping someone are hypothetical. "If I ever felt..." is a
# hypothesis about oneself; "if I feel like this tomorrow I'll end it" is not.
_HYPOTHETICAL_SELF_HARM = _any(
    r"\bwhat (?:should|do|can) (?:i|we) (?:do|say)\b|\bwhat if\b|\bin case\b|\bif i ever\b|"
    r"\bhow (?:do|can|should|would) (?:i|we) (?:help|support|talk|speak|respond|react|approach|handle|cope|deal|reach|tell|"
    r"know|spot|recogni[sz]e|keep|get (?:him|her|them)|ask|bring|raise|broach|answer|protect)\b",
    r"\bif (?:he|she|they|my \w+|someone|a patient|a person) (?:ever )?(?:(?:says?|said) |starts? |started )?"
    r"(?:says?|said|talks?|talked|mentions?|mentioned|feels?|felt|starts?|started|tells?|told)\b",
)
# Not a person at all.
# A collapse is a state that lasts ("she collapsed on the floor"), and a
# suicidal statement gets the crisis answer whenever it was said: a past tense
# alone does not make either one "unclear".
_PAST_TENSE_IS_NOW = frozenset({"collapse", SELF_HARM})
# Words that put the speaker's own person in the moment ("my dad right now").
_IMMEDIATE = _any(r"\b(?:right now|just now|still|now)\b")
_ANIMAL = _any(r"(?<!as )(?<!like )\b(?:my|our|the|a|his|her|their)(?: \w+)?(?:'s)? (?:dog|cat|pet(?![\s-]+(?:scan|ct|ct scan)\b)|puppy|kitten|horse)\b|\bvets?\b")
_HYPOTHETICAL_OR_WORRY = _any(_HYPOTHETICAL.pattern,
                              r"\bafraid (?:that|of|he|she)\b|\bworried (?:that|about|he|she|for)\b|\bscared (?:that|of|he|she)\b")
# A person named with a past event ("mum had a seizure, is that from the cik?"): a real event, asked about.
_PAST_SUBJECT = re.compile(r"\b(?:he|she|i|my \w+|mum|mom|dad|papa|mama|husband|wife|father|mother|son|daughter|"
                           r"brother|sister|partner|grandma|grandpa|grandad|granddad|hubby)\s+(?:[\w']+\s+)?(?:had|has had|was|got|went|coughed|"
                           r"fainted|collapsed|vomited|passed)\b|\b(?:my|his|her) (?:mum|mom|dad|husband|wife|father|mother) had some\b",
                           re.IGNORECASE)
_OTHER_PERSON = _any(
    r"\bmy (?:\w+(?:'s)? )?(?:neighbou?rs?|friends?|colleagues?|co-?workers?|boss|classmates?)(?:'s)?\b",
    r"\b(?:neighbou?r'?s|friend'?s|colleague'?s|coworker'?s|co-worker'?s|cousin'?s|boss'?s|"
    r"in[- ]laws?'s|husbands? colleague)\b",
    r"\b(?:another patient|other patients?|a (?:man|woman|lady|guy|patient|person|gentleman|boy|girl)\b|"
    r"the (?:man|woman|lady|guy|patient|person) (?:in|next|on|at|who|beside)|next bed|(?<!like )(?<!to )(?<!tell )(?<!call )(?<!ask )(?<!ring )(?<!phone )(?<!contact )(?<!see )(?<!get )someone(?! else)(?!'?s? (?:is |has )?(?:sitting|standing|stabbing|squeezing|pressing|crushing|called|rang|phoned|gone))|"
    r"(?<!like )(?<!to )somebody(?! else)|"
    r"in (?:the|a|our|my|this) (?:forum|group|article|news|film|movie|show|book|novel|series|story|play|documentary)|on (?:tv|the news|youtube|facebook|a forum)|"
    r"facebook group|support group|in the ward|volunteers?|kumare|kumpare|kapitbahay|amig[oa]|vecin[oa])\b",
)
# For a suicidal statement "someone", "a person" or "people" is often the writer at one
# remove ("how much would kill someone my size?", "is it normal for someone to
# say..."): only a named other person makes it someone else's story.
_GENERIC_PERSON = _any(r"\b(?:someone|somebody|a person|a patient|people|anyone|anybody)\b")
# Treatment times are not symptom times: "chemo 6 days ago" must not make a fever "past".
_TREATMENT = (r"(?:chemo\w*|infusions?|cik(?: cells)?|cells|keytruda|opdivo|tecentriq|imfinzi|immunotherapy|treatment|"
              r"surgery|operation|radiation|radiotherapy|dose|doses|morphine|oxycodone|fentanyl|patch|tablets?|medicine|"
              r"injection|cycle|session|carboplatin|docetaxel|pemetrexed|drip|therapy|scan|biopsy|second dose|immune cells)")
_WHEN = (r"(?:\d+\s+(?:days?|weeks?|months?)\s+ago|(?:a|one|two|three|few|couple of)\s+(?:days?|weeks?)\s+ago|"
         r"last (?:week|night|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|this week|"
         r"day before yesterday|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))")
# Treatment times are not symptom times: "chemo 6 days ago" must not make a fever "past".
_TREATMENT_TIME = re.compile(
    r"\b(?:had|got|took|did|started|finished|received?)\s+(?:his |her |my |the |a |their )?" + _TREATMENT +
    r"\b(?:[^.?!,;]{0,30}?\b" + _WHEN + r"\b)?"
    r"|\b" + _TREATMENT + r"\b[^.?!,;]{0,30}?\b" + _WHEN + r"\b"
    r"|\b" + _WHEN + r"\b[^.?!,;]{0,20}?\b(?:chemo\w*|infusion|cik|treatment|dose|cycle)\b"
    r"|\b(?:day|cycle|week) \d+\b"
    r"|\bwho (?:died|passed away|passed)\b[^.,;]*?\bago\b", re.IGNORECASE)
_PAST_LONG = _any(
    r"\b(?:last|past) (?:year|month|spring|summer|autumn|fall|winter|christmas|easter)\b",
    r"\b(?:\d+|a|one|two|three|four|five|few|couple of|several|many)\s+(?:years?|months?)\s+(?:ago|back)\b|\byears? ago\b|\bmonths ago\b|\blong time ago\b",
    r"\bin (?:19|20)\d\d\b|\bback in (?:(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november|december|the day)\b|"
    r"\bwhen (?:he|she|i|they|we) (?:had|was|were|first)\b|\byears? back\b|\bwhen i was (?:\d+|young)\b",
    r"\bbefore (?:he|she) died\b|\b(?:once|used to|previously|in the past|history of|before (?:the|his|her|my) (?:diagnosis|cancer|surgery|chemo|treatment|illness))\b",
    r"\blast time\b|\bat the start of\b|\bin (?:his|her|my) first (?:chemo|cycle)\b|\bfirst (?:chemo )?cycle\b|\bduring cycle\b",
    r"\blast (?:week|month|january|february|march|april|may|june|july|august|september|october|november|december)\b|\bin (?:january|february|march|april|june|july|august|september|october|november|december)\b",
)
# Self-harm: only a long-past episode is not now.
_PAST_LONG_SELF_HARM = _any(
    r"\b(?:\d+|a|one|two|three|four|five|few|couple of|several|many)\s+(?:years?|months?)\s+(?:ago|back)\b|\byears? ago\b|\bmonths ago\b",
    r"\bin (?:19|20)\d\d\b|\bwhen i was (?:\d+|young|a (?:teenager|teen|child|kid|student))\b|\blast (?:year|month)\b",
    r"\blast (?:winter|spring|summer|autumn|christmas|easter)\b|\bas a (?:teenager|teen|child|kid|student|young (?:man|woman))\b",
)
# A suicidal statement is over only when it was told in the past tense and a
# recovery follows ("I did think about ending it, but I had counselling and I
# feel safe now"); "I want to end it all, my family thinks I'm doing well" is not.
_SELF_HARM_PAST = _any(r"\b(?:had|was|were|did|said|felt|thought|wanted|tried|attempted|used to|went through|got help)\b")
_PAST_RECENT = _any(
    r"\b(?:yesterday|last night|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"at the weekend|over the weekend|the other day|(?:two|three|2|3|few|couple of) days ago|"
    r"on (?:the )?(?:flight|plane))\b",
)
_RESOLVED = _any(
    r"\ball (?:good|fine|ok|okay|well)\b",
    r"\b(?:i'?ve|ive|he'?s|she'?s|hes|shes|they'?ve|we'?ve|has|have) been (?:absolutely |totally |completely |perfectly )?"
    r"(?:fine|ok|okay|well|good|alright|all right|normal) (?:ever )?(?:since|after|since then)\b",
    r"\b(?:is(?!\s+(?:this|it|that)\b)|are|he'?s|she'?s|hes|shes|i'?m|im|feels?|feeling)\s+(?:[\w']+\s+)?(?:now\s+)?"
    r"(?:fine|ok|okay|better|stable|alright|recovered|comfortable|himself again|herself again|back to normal|"
    r"much better|chatty|walking fine|walks (?:fine|ok|okay|normally|well)|breathing (?:normally|fine|easy|easily)|breathes easy|safe now)\b",
    r"\b(?:fine|ok|okay|better|normal|stable|alert|gone) now\b|\bnow (?:fine|ok|okay|better|good|stable|normal|recovered|gone|resolved|alert|comfortable|much better|back to normal)\b",
    r"\bnow (?:he|she|i|it|they|he'?s|hes|she'?s|shes) (?:is |are |am |'s |feels? |breathes |walks )?(?:[\w']+ ){0,4}?(?:normal|normally|fine|ok|okay|better|good|easy|well|alert)\b",
    r"\b(?:no infection|temp\w* (?:is |was )?normal|normal temp\w*)\b",
    r"\b(?:has|have|had|it|fever|temperature|pain|rash|swelling|bleeding|diarrh\w+) (?:has |is |was )?(?:completely |totally |all )?(?:stopped|stoped|settled|gone(?=\s*(?:$|[.,!?;]|now\b|away\b|since\b|down\b|with\b))|resolved|passed|cleared|sorted)\b",
    r"\bright as rain\b|\botherwise (?:fine|ok|okay|well|normal|good)\b|\bsettled\b|\bcleared up\b|\bwent away\b|\bgone (?:since|now|away)\b|\bstopp?ed after\b|\bsettled after\b|\bno more\b|\bnothing new\b|\bnothing since\b|\bno (?:more )?episodes\b",
    r"\b(?:(?:was|were|got|been) checked|checked (?:at|in|by)|checked (?:him|her|me|them)|checkd|discharged|sent (?:him|her|us|me) home|was treated|were treated|got treated|"
    r"treeted|treated (?:it|with|in)|they fixed|fixed (?:his|her|it)|under control|turned out|they said it (?:is|was)|"
    r"said it (?:is|was) (?:muscle|muscular|nothing|from|the)|no compression|bloods? (?:were|was|are) (?:ok|fine|normal|clear)|"
    r"all clear|improving|(?:swelling|it|fever|temperature|temp) went down|got better|brighter|more alert|"
    r"back to (?:himself|herself|myself|normal)|reduced the dose|dose was reduced|sorted (?:it )?out|is gone|are gone|has gone down|is home)\b",
)
_RECOVERED_SELF_HARM = _any(
    r"\bdoing (?:really |very |so )?(?:well|fine|great|better)\b|\b(?:feel|feels|feeling|am|i'?m|im) (?:\w+ and )?(?:safe|hopeful)\b|"
    r"\bin a (?:good|better) place\b|\ball behind (?:me|him|her|us)\b|\bhelped (?:me|him|her) through\b|\bgot help\b",
)
_SEEN_BY_CLINICIAN = _any(r"\b(?:hospital|doctors?|dr|gp|a&e|a and e|emergency department|ambulance|paramedics?|nurse|"
                          r"clinic|scan|mri|ct|checked|admitted|discharged|neurologist|oncologist)\b")
_NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|denies|nothing|none|neither|nor|free of|n'?t|isnt|arent|wasnt|hasnt|havent|didnt|doesnt|dont|"
    r"hasn'?t|haven'?t|didn'?t|doesn'?t|isn'?t|aren'?t|wasn'?t|don'?t)(?:[ ]+(?!but\b|now\b)[\w']+){0,4}[ ]*$", _I)
# Self-harm: only a negation of the statement itself ("she is not suicidal").
_SELF_HARM_NEGATION = re.compile(r"(?<!\bif )(?<!\bor )\b(?:not|never|no|isn'?t|isnt|don'?t|dont|doesn'?t|doesnt|didn'?t|without|denies)[ ]+(?:[\w']+[ ]+){0,2}$", _I)
_MILD = re.compile(
    r"\b(?:a bit|abit|a little|little|slight|slightly|mild|mildly|minor|small|tiny|(?<!every )bit of|touch of|some|occasional|"
    r"sometimes|one|once)[ ]+(?:[\w']+[ ]+)?$", _I)
# Concepts "a bit" does not soften: a little blood is still coughed blood.
# Nor does it soften the words that only say where blood comes from ("every bit of
# spit"), nor a bladder that will not hold: any loss of control may be the cord.
_NEVER_MILD = frozenset({"self_harm", "seizure", "stroke", "collapse", "blood", "haemoptysis", "bleeding_wont_stop",
                         "airway_swelling", "heart_attack", "fever", "confusion", "blood_route", "bladder_bowel",
                         "saddle_numbness"})
# Words that say "can he still..." rather than "it is still happening".
_STILL_QUESTION = re.compile(r"\b(?:can|could|will|would|should|may|might|do|does|is it|are they)\s+(?:[\w']+\s+)?still\b", _I)


_MILD_AFTER = re.compile(r"^\s*(?:a bit|a little|slightly|mildly|sometimes)\b", _I)
# "Sometimes" says how often, not how bad: chest pain that keeps coming back
# ("I get chest pains sometimes when I climb the stairs") is still chest pain.
_MILD_AFTER_HOW_BAD = re.compile(r"^\s*(?:a bit|a little|slightly|mildly)\b", _I)
_FREQUENCY_IS_NOT_MILD = frozenset({"pain_quality", "chest"})


def softened(text: str, start: int, concept: str, end: Optional[int] = None) -> Optional[str]:
    """"negated" or "mild" when the words around a concept deny or soften it."""
    before = text[max(0, start - 45):start]
    mild_after = _MILD_AFTER_HOW_BAD if concept in _FREQUENCY_IS_NOT_MILD else _MILD_AFTER
    if end is not None and concept not in _NEVER_MILD and not concept.startswith(SELF_HARM) and mild_after.search(text[end:end + 20]):
        return "mild"
    if concept.startswith(SELF_HARM):
        return "negated" if _SELF_HARM_NEGATION.search(before[-25:]) else None
    if _NEGATION_CUE.search(before):
        return "negated"
    if concept not in _NEVER_MILD and _MILD.search(before[-25:]):
        return "mild"
    return None


def _bounds(text: str, start: int, end: int, boundary: re.Pattern) -> tuple[int, int]:
    begin, finish = 0, len(text)
    for match in boundary.finditer(text):
        if match.end() <= start:
            begin = match.end()
        elif match.start() >= end:
            finish = match.start()
            break
    return begin, finish


_SENTENCE_ONLY = re.compile(r"[.?!\n]+")
_COMMA = re.compile(r"[.?!;,\n]+|\s(?:but|and then|and now|then|however|actually|anyway|also|although|though|because)\b|\s-\s|:", _I)


def _cue_before(cue: re.Pattern, text: str, begin: int, start: int) -> bool:
    """The last `cue` between `begin` and the mention, with nothing "now" after it."""
    last = None
    for match in cue.finditer(text, begin, start):
        last = match
    return last is not None and not _NOW_STRONG.search(_now_words(text[last.end():start]))


def _now_words(text: str) -> str:
    return _STILL_QUESTION.sub(" ", text)


# A screening question reported with its answer: "they asked if I'd thought
# about killing myself - no, never". Only the answer right after the question
# denies it; "no, I just want it to end" is a statement, not an answer.
_ASKED_IF = re.compile(r"\b(?:asked|asks|ask|asking|questionnaire|form)\b(?: me| us| him| her)?(?: if| whether)\b", _I)
_ANSWER_NO = re.compile(r"^\W*(?:no|never|nope|not at all|not once|i said no|the answer is no)\b(?![\w ]{0,12}\b(?:i|just|but)\b)", _I)


# "It's been two days": a sign still going on.
_ONGOING = _any(r"\b(?:it'?s|its|it has|this has|that'?s) been (?:going on )?(?:for )?(?:\d+|two|three|four|a few|several|a couple of) (?:days?|hours?)\b")


def _placed_now_later(text: str, sentence_end: int) -> bool:
    """A general question followed by the sign happening now ("Is it normal to cough
    blood after CIK? There's a lot of it in the sink right now.") asks about this one."""
    rest = text[sentence_end:]
    return bool(_NOW_STRONG.search(_now_words(rest)) or _ONGOING.search(rest))


def _other_person(text: str, begin: int, start: int, end: int, self_harm: bool) -> bool:
    """Someone else's story. For a suicidal statement only a named person told before
    it is its teller: "giving away his tools to the neighbours" is still his."""
    if not self_harm:
        return bool(_OTHER_PERSON.search(text, begin, end))
    return bool(_OTHER_PERSON.search(_GENERIC_PERSON.sub(" ", text[begin:start])))


# The sign came back after it had stopped: "it stopped, now he's having another one".
_RELAPSE = _any(r"(?<!never )(?<!not )(?<!no )\b(?:another (?:one|fit|seizure|episode|bout|bleed|attack)|started (?:up )?again|"
                r"(?:is|it'?s|its|it is) (?:\w+ing )?again|(?:he'?s|she'?s|he is|she is) (?:having|fitting|shaking|jerking|seizing|bleeding|"
                r"vomiting|coughing|gasping|collapsing|fainting) (?:\w+ )?again|back again|(?:has |it )?c[oa]me back|coming back|"
                r"happening again|returned)\b")


def _resolved_after(after: str) -> bool:
    """A recovery told after the sign, unless the sign came back after the recovery."""
    last = None
    for last in _RESOLVED.finditer(after):
        pass
    return last is not None and not _RELAPSE.search(after, last.end())


# "Can CIK be given if your calcium is high? Asking because I'm parched...": the
# question is about the writer's own signs, told straight after it.
_OWN_REASON = _any(r"\b(?:(?:i'?m |i am |im )?asking (?:because|as|since|cos|coz|'cause|cause|bc)|i ask (?:because|as|since)|"
                   r"(?:the )?reason (?:i'?m asking|i ask)|why i'?m asking)\b")


def _asks_for_own_reason(text: str) -> bool:
    """The message gives its own present signs as the reason for a general question."""
    reason = _OWN_REASON.search(text)
    if reason is None:
        return False
    rest = text[reason.end():]
    return bool(_PRESENT.search(rest) or _NOW_STRONG.search(_now_words(rest)))


def _answered_no(text: str, begin: int, start: int, end: int) -> bool:
    """The mention is a question someone asked, answered no straight after."""
    return bool(_ASKED_IF.search(text, begin, start) and _ANSWER_NO.search(text[end:end + 40]))


def _self_harm_over(clause: str, after: str) -> bool:
    """Told in the past tense, with a recovery after it (see _SELF_HARM_PAST)."""
    recovered = _RECOVERED_SELF_HARM.search(after) or _RESOLVED.search(after)
    return bool(_SELF_HARM_PAST.search(clause) and recovered)


# A question about the cause or the future of a sign just told ("his speech went
# slurred, could it be the medication?", "will that happen every time?") asks about
# a real event: it is not a hypothesis. Not for a suicidal statement, where
# "would it be quicker" may be the plan itself.
_BACK_REFERENCE = re.compile(r"\b(?:why )?(?:could|might|can|would|will) (?:it|that|this) (?:be|happen|come|keep)\b", _I)


# "What does it mean if there's blood when you cough?" asks what a sign means for
# the one who has it, not what a word means: ask once whether it is happening now.
_MEANING_OF_SIGN = re.compile(r"\bwhat (?:does|would|could|do) it mean (?:if|when) (?:there'?s|there is|i|i'?m|you|you'?re|"
                              r"he|she|he'?s|she'?s|my \w+|your \w+)\b", _I)


def _blank(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def read_timing(text: str, start: int, end: int, category: str) -> tuple[str, Optional[str]]:
    """(NOW | NOT_NOW | UNCLEAR, reason) for the mention at text[start:end]."""
    text = _blank(_TREATMENT_TIME, text)
    if category != SELF_HARM:
        text = _blank(_BACK_REFERENCE, text)
    c_begin, c_end = _bounds(text, start, end, _SENTENCE_END)
    s_begin, s_end = _bounds(text, start, end, _SENTENCE_ONLY)
    l_begin, l_end = _bounds(text, start, end, _COMMA)
    clause, sentence, local = text[c_begin:c_end], text[s_begin:s_end], text[l_begin:l_end]
    after = text[end:]
    self_harm = category == SELF_HARM

    now_local = bool(_NOW_STRONG.search(_now_words(local)))
    strong_now = bool(_NOW_STRONG.search(_now_words(clause)))
    personal_now = bool(_PRESENT.search(clause))
    here_and_now = strong_now or personal_now

    # What kind of sentence it is.
    personal_event = bool(_PAST_SUBJECT.search(text))  # "she had a seizure, what does it mean?"
    if not self_harm and _MEANING_OF_SIGN.search(sentence) and not strong_now:
        return UNCLEAR, "meaning_question"
    if _DEFINITION.search(sentence) and not strong_now and not personal_event:
        return NOT_NOW, "definition"
    # A suicidal statement is read in its own part of the sentence: "the nurse
    # asked if I was suicidal, no, I just want it all to end" answers the nurse.
    i_begin, i_text = (l_begin, local) if self_harm else (s_begin, clause)
    if _cue_before(_INSTRUCTION, text, i_begin, start) or (_INSTRUCTION.search(i_text) and not here_and_now):
        return NOT_NOW, "instruction"
    if not self_harm and _ANIMAL.search(clause):  # "look after the cat for me" is a goodbye
        return NOT_NOW, "other_person"
    if self_harm and _answered_no(text, c_begin, start, end):
        return NOT_NOW, "negated"
    hypothetical = _HYPOTHETICAL_SELF_HARM if self_harm else _HYPOTHETICAL_OR_WORRY
    own_reason = _asks_for_own_reason(text)
    if not own_reason and (_cue_before(hypothetical, text, c_begin, start) or (
            not self_harm and _HYPOTHETICAL.search(sentence) and not here_and_now)):
        return NOT_NOW, "hypothetical"
    if _other_person(text, c_begin, start, c_end, self_harm) and not _IMMEDIATE.search(local):
        return NOT_NOW, "other_person"
    if (not self_harm and not own_reason and _GENERAL_QUESTION.search(sentence) and not here_and_now
            and not personal_event and not _placed_now_later(text, s_end)):
        return NOT_NOW, "side_effect_question"

    # When it happened. Stroke signs that pass may still be a stroke (a TIA):
    # over only when a clinician has seen them.
    if category == "stroke" and not _SEEN_BY_CLINICIAN.search(text):
        pass
    elif self_harm:
        if _self_harm_over(clause, after) and not strong_now:
            return NOT_NOW, "resolved"
    elif _resolved_after(after) or (_RESOLVED.search(clause) and not _NOW_STRONG.search(_now_words(text[start:c_end]))):
        return NOT_NOW, "resolved"
    past = _PAST_LONG_SELF_HARM if self_harm else _PAST_LONG
    if past.search(local) or (past.search(clause) and not strong_now):
        if not now_local:
            return NOT_NOW, "past"
    if strong_now or personal_now:
        return NOW, None
    if (_PAST_RECENT.search(clause) or _PAST_TENSE.search(clause)) and category not in _PAST_TENSE_IS_NOW:
        return UNCLEAR, "past_tense"
    return NOW, None


_SETTLED = re.compile(r"\b(?:a bit|bit|a little|little|tiny|few drops|spot of|slight\w*|mild\w*|once|occasional\w*|"
                      r"same as (?:before|usual|last)|as usual|helped|fine|probably)\b", _I)
# "Once" and "occasionally" say how often, not how much: "now and then I think about
# not waking up" is not settled.
_SETTLED_SELF_HARM = re.compile(r"\b(?:a bit|bit|a little|little|tiny|slight\w*|mild\w*|same as (?:before|usual|last)|"
                                r"as usual|helped)\b", _I)
# A question with nothing placing it now ("how is the blood collected?"): for the
# meaning alone, not an emergency.
_QUESTION = re.compile(r"^\W*(?:how|what|which|where|when|why|who|is|are|can|could|does|do|will|would|should)\b|\?\s*$", _I)


def sounds_settled(text: str) -> bool:
    """Resolved, mild or usual anywhere in the message: the meaning alone must not raise an alarm."""
    return bool(_RESOLVED.search(text) or _SETTLED.search(text))


def whole_message_timing(text: str, category: str) -> tuple[str, Optional[str]]:
    """Timing for a red flag read from the meaning of the whole message (no words to anchor on).

    Stricter than `read_timing`: any sign anywhere that it is not happening now
    stands it down, because the meaning alone is the weaker evidence.
    """
    text = _TREATMENT_TIME.sub(lambda m: " " * len(m.group()), text)
    if category == SELF_HARM:
        return _whole_message_self_harm(text)
    for reason, pattern in (("definition", _DEFINITION), ("instruction", _INSTRUCTION),
                            ("hypothetical", _HYPOTHETICAL_OR_WORRY), ("other_person", _OTHER_PERSON),
                            ("other_person", _ANIMAL), ("side_effect_question", _GENERAL_QUESTION),
                            ("resolved", _RESOLVED), ("past", _PAST_LONG), ("mild", _SETTLED)):
        if pattern.search(text):
            return NOT_NOW, reason
    now = _NOW_STRONG.search(_now_words(text)) or _PRESENT.search(text)
    if _QUESTION.search(text) and not now:
        return NOT_NOW, "side_effect_question"
    if now:
        return NOW, None
    if _PAST_RECENT.search(text) or _PAST_TENSE.search(text):
        return UNCLEAR, "past_tense"
    return NOW, None


# A question about taking a medicine safely ("how many paracetamol can I safely
# take in a day?") sits close in meaning to a question about a lethal amount;
# only words can tell them apart, so the meaning alone never reads it as a crisis.
_SAFE_USE = _any(r"\b(?:stor(?:e|ed|ing|age)|dispos\w*|left ?over|safely|safe (?:limit|dose|amount|to take|maximum)|maximum (?:daily )?dose|(?:am i|is he|is she) allowed)\b")


# An ordinary goodbye ("I must go now, goodbye", "last message tonight, off to
# bed"): the meaning alone reads farewells close to a crisis; only words (a plan,
# a means, a wish to die) make a goodbye one.
_SIGN_OFF = _any(r"\b(?:good ?bye|bye|ta-?ra|good ?night|night night|off to bed|see (?:you|ya)|"
                 r"talk (?:to you )?(?:tomorrow|later|soon)|cheers|god bless)\b")
# ... that says the conversation goes on another time, or asks something ...
_CONTINUES = _any(r"\b(?:for now|for today|for tonight|tomorrow|later|next time|soon|off to bed|"
                  r"(?:must|have to|got to|gotta|need to) go|(?:is|are) calling me|will ask)\b|\?")
# ... and not one that says it is final.
_FINAL = _any(r"\b(?:everyone|everybody|all of you|forever|for good|for ever|after tonight|won'?t matter|"
              r"not (?:his|her|your|their) fault|sorry for (?:all|everything|the trouble)|funeral|right night)\b")


def _ordinary_sign_off(text: str) -> bool:
    return bool(_SIGN_OFF.search(text) and _CONTINUES.search(text) and not _FINAL.search(text))


def _whole_message_self_harm(text: str) -> tuple[str, Optional[str]]:
    """A suicidal meaning is stood down only as `read_timing` would stand down its words.

    "Once" does not soften it ("all my tablets at once"), a question can hide
    it ("does CIK interact with benzos? I'm taking my whole supply anyway"), a
    generic "someone" can be the writer, and a past tense alone does not end it.
    """
    for reason, pattern in (("definition", _DEFINITION), ("instruction", _INSTRUCTION), ("instruction", _SAFE_USE),
                            ("hypothetical", _HYPOTHETICAL_SELF_HARM), ("past", _PAST_LONG_SELF_HARM),
                            ("mild", _SETTLED_SELF_HARM)):
        if pattern.search(text):
            return NOT_NOW, reason
    if _ordinary_sign_off(text):
        return NOT_NOW, "sign_off"
    if _OTHER_PERSON.search(_GENERIC_PERSON.sub(" ", text)) and not _IMMEDIATE.search(text):
        return NOT_NOW, "other_person"
    if _self_harm_over(text, text):
        return NOT_NOW, "resolved"
    return NOW, None
