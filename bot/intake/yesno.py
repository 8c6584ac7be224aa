"""Yes or no, as people say it, to a question that asked for one.

The intent classifier knows `affirm` and `deny`; people also agree with
"you have my permission", "fine by me, go ahead" or "yes pls", which a
classifier trained on short answers may read as thanks or as a question. When
the assistant has just asked a yes/no question (consent, "is this summary
right?"), the words themselves are read as well. A question back ("who will
see my answers?") is neither: the assistant asks again.
"""
from __future__ import annotations

import re
from typing import Optional

YES_INTENTS = frozenset({"affirm"})
NO_INTENTS = frozenset({"deny"})

_YES_START = re.compile(
    r"^\W*(?:y|ya+|yah|yas|yes+|yess|yeah+|yea|yep|yup|ye|sure|ok+|okay|okey|okie|k|kk|alright|all right|"
    r"fine|of course|ofc|absolutely|definitely|certainly|agreed?|i agree|i do\W*$|go ahead|go on|go for it|"
    r"please do|please go ahead|please proceed|proceed|sounds good|no problem|not a problem|why not|"
    r"correct|right|exactly|perfect|looks? (?:good|right|correct|fine)|all good|all correct|"
    r"that'?s (?:right|correct|fine|ok|okay|good)|that is (?:right|correct|fine)|thats (?:right|correct|fine|ok)|"
    r"yes please|si|sí|oui|ja|haan|han|ji|haa|opo|oo|aye|affirmative|let'?s (?:do it|go|start|begin))\b",
    re.IGNORECASE)
_YES_ANYWHERE = re.compile(
    r"\b(?:you have my (?:permission|consent|ok|approval)|i (?:give|grant) (?:you )?(?:my )?(?:permission|consent)|"
    r"(?<!not )(?<!don't )(?:i consent|i agree|i accept)|fine (?:by|with) me|(?<!not )(?:ok|okay|fine|happy|comfortable) with (?:that|it|this|me)|"
    r"happy (?:for you )?to (?:share|go|continue|proceed)|you (?:can|may) (?:store|keep|save|use)|"
    r"(?:go ahead|carry on) and (?:store|save|keep)|no objection|that'?s all (?:correct|right)|"
    r"everything (?:is )?(?:correct|right)|(?:it'?s|its|all) (?:correct|right|accurate))\b",
    re.IGNORECASE)
_NO_START = re.compile(
    r"^\W*(?:n|no+|nope|nah|nay|not now|not really|not yet|no thanks|no thank you|never|don'?t|do not|"
    r"i don'?t|i do not|i'?d rather not|rather not|i decline|decline|no way|not at all|wrong|incorrect|"
    r"not quite|not right|not correct|that'?s (?:wrong|not right|incorrect|not correct)|thats wrong|"
    r"maybe later|later)\b",
    re.IGNORECASE)
_NO_ANYWHERE = re.compile(
    r"\b(?:don'?t (?:store|keep|save|want)|do not (?:store|keep|save|want)|not (?:comfortable|happy|ok|okay) with|"
    r"i (?:don'?t|do not) (?:agree|consent|accept)|i(?: would|'d) (?:rather|prefer) not|"
    r"(?:that'?s|that is|it'?s|its) (?:wrong|not right|incorrect|not correct)|(?:has|have|got) (?:a |one )?mistake|"
    r"needs? (?:a )?(?:change|correction|fixing)|something (?:is )?wrong|"
    r"(?:change|correct|fix|update|edit) (?:the|my|his|her|their|that|it|one)\b|(?:is|are) (?:wrong|incorrect)|mistake)\b",
    re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$|^\W*(?:who|what|why|how|where|when|which|will|would|can|could|is|are|do|does)\b",
                       re.IGNORECASE)
_HESITATION = re.compile(r"^\W*(?:maybe|perhaps|possibly|hmm+|umm*|uh+|not sure|i'?m not sure|unsure|"
                         r"i don'?t know|dunno|let me think|wait|depends)\b", re.IGNORECASE)
# "no problem", "why not", "not a problem" read as no without this order.
_YES_BEFORE_NO = re.compile(r"^\W*(?:no problem|not a problem|no worries|why not|no objection|"
                            r"i don'?t mind|i do not mind|don'?t mind)", re.IGNORECASE)


def read_yes_no(text: str, intent: str = "") -> Optional[bool]:
    """True for yes, False for no, None when it is neither (or a question back).

    The words decide first; a question or a hesitation is never a yes or a no;
    only then does the intent classifier's affirm or deny count.
    """
    text = (text or "").strip()
    if not text:
        return None
    if _YES_BEFORE_NO.search(text):
        return True
    no = bool(_NO_START.search(text) or _NO_ANYWHERE.search(text))
    yes = bool(_YES_START.search(text) or _YES_ANYWHERE.search(text))
    if yes != no:
        return yes
    if yes and no:  # "yes, but don't store my phone number": ask again rather than guess
        return None
    if _QUESTION.search(text) or _HESITATION.search(text):
        return None
    if intent in YES_INTENTS:
        return True
    if intent in NO_INTENTS:
        return False
    return None
