"""The safety net across the categories: the general fixes of the dev_f tuning (2026-12-06).

Each test names one cause of a miss or a false alarm found on a development
set, written again in the team's own words: an image patients use for a sign
("like a ton of bricks on his chest"), a typo correction that turned
"not conscious" into "not unconscious", a rule that could never match
("fell" alone), a time or person cue read too widely ("should I tell
someone?" is not someone else's story). Rules only: no sentence vector.
"""
import pytest

from bot.safety import ASK, NONE, URGENT, assess
from bot.safety import context as ctx


def _caught(text, category=None):
    result = assess(text)
    caught = result.action in (URGENT, ASK)
    return caught and (category is None or any(m.category == category for m in result.mentions))


def _urgent(text, category):
    result = assess(text)
    return result.action == URGENT and any(m.category == category and m.timing == ctx.NOW
                                           for m in result.mentions)


# --- words for the signs -----------------------------------------------------------------

@pytest.mark.parametrize("text, category", [
    # "fell" with nothing after it never matched: the space before the optional word was required.
    ("my dad fell in the shower and isn't making a sound", "collapse"),
    ("she crumpled to the floor in the car park and is very pale", "collapse"),
    ("he went out like a light in the middle of dinner and hasn't come round", "collapse"),
    # Blood named by what it looks like.
    ("grandpa is coughing up stuff like strawberry jam", "bleeding"),
    ("every time she coughs the handkerchief is covered in red", "bleeding"),
    ("he keeps bringing up rusty stringy sputum", "bleeding"),
    # Breathing that has got worse, in more verbs; breathless at rest.
    ("her breathing has gone much worse since lunch", "breathlessness"),
    ("i'm so winded i can't cross the bedroom", "breathlessness"),
    ("he is puffing away just lying in bed", "breathlessness"),
    # The images of cardiac pain.
    ("says it's like a ton of bricks sitting on his chest", "chest_pain"),
    ("it's like a vice round her and she's gone grey", "chest_pain"),
    ("sharp pain by her heart for the last hour", "chest_pain"),
    # New confusion: cannot give her own details.
    ("mum can't tell me her own name this evening", "confusion"),
    ("she keeps talking to children in the garden who aren't there", "confusion"),
    # Seizures in plain images.
    ("we found him stiff as a board by the bed", "seizure"),
    ("she went rigid and then started jerking", "seizure"),
    ("dad keeps having twitching episodes down his left side today", "seizure"),
    # Spinal cord: legs that feel like someone else's, numbness rising, a bladder that will not hold.
    ("my legs don't feel like they belong to me and my back aches", "spinal_cord_compression"),
    ("the numbness is spreading up past my knees", "spinal_cord_compression"),
    ("she keeps falling and her back's been agony all week", "spinal_cord_compression"),
    ("he's had some trouble controlling his bladder since yesterday", "spinal_cord_compression"),
    # Hypercalcaemia: parched is thirst.
    ("i'm parched whatever i drink and keep being sick", "hypercalcaemia"),
    # Severe diarrhoea as patients say it.
    ("my guts are like a tap since starting nivolumab", "severe_diarrhoea"),
    ("can't make it to the toilet in time, it's watery every time, on keytruda", "severe_diarrhoea"),
    ("been going since breakfast, all liquid, on immunotherapy", "severe_diarrhoea"),
    # Allergic reaction: itching with a throat that will not swallow, or a swollen face with a rash.
    ("his skin is itchy all over and he can't swallow properly", "infusion_reaction"),
    ("she's come up in hives and her face is puffy", "infusion_reaction"),
    ("i had the injection an hour ago and now i'm covered in a rash", "infusion_reaction"),
    ("she started the new capsules on monday and has blotches all over", "infusion_reaction"),
    # Opioid toxicity: a doubled dose.
    ("he doubled up his oxycodone tonight", "opioid_toxicity"),
    ("he's struggling to keep his eyes open after his oxycodone", "opioid_toxicity"),
])
def test_the_words_patients_use_for_a_sign_are_read(text, category):
    assert _caught(text, category), assess(text).mentions


def test_a_conscious_patient_is_not_spelled_unconscious():
    """The typo correction must not turn "conscious" into "unconscious" ("not conscious" was negated)."""
    assert _urgent("she is shaking all over and not conscious", "collapse")
    assert _urgent("he has lost consciousness on the bathroom floor", "collapse")


def test_where_blood_comes_from_is_never_softened():
    """"Every bit of phlegm" is not "a bit of": the words for the route only say where the blood is."""
    assert _urgent("there is fresh blood in every bit of spit", "bleeding")


# --- suicidal statements --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "honestly what's the point of going on like this",
    "you won't need to chase me, i won't be a nuisance to anyone much longer",
    "i'm planning not to be here by the weekend",
    "i have been stashing my sleeping tablets in the drawer",
    "the razor is right next to me on the bed",
])
def test_indirect_suicidal_statements_are_a_crisis(text):
    result = assess(text)
    assert (result.action, result.category) == (URGENT, "self_harm"), result.mentions


def test_a_quiet_goodbye_is_two_arrangements_together():
    """Cancelling care, affairs in order, a home for the pets: two together are a goodbye, one is not."""
    assert assess("don't bother booking my next cycle, i've put all my affairs in order").category == "self_harm"
    assert assess("i've sorted everything out and the cat is going to my neighbour's daughter, "
                  "no need to schedule another session").category == "self_harm"
    assert assess("no need to book my next session, i'm moving to leeds").action == NONE


def test_denying_the_word_does_not_hide_the_plan():
    """Negation never hides a suicidal statement: "not suicidal" then a stockpile is a crisis."""
    result = assess("i'm not suicidal, no, but i've been stockpiling my sleeping tablets")
    assert (result.action, result.category) == (URGENT, "self_harm"), result.mentions


# --- time, person and intent ----------------------------------------------------------------

def test_the_person_to_be_told_is_not_someone_elses_story():
    """"Should I tell someone?" asks for help; it does not make the sign another person's."""
    assert _caught("my tongue has gone fat after the drip, should i tell someone", "infusion_reaction")


@pytest.mark.parametrize("text", [
    "dad's been having shaking turns all week, is that normal with his tumour",
    "mum's very drowsy on her oxycodone and breathing slowly, is that usual",
])
def test_a_relatives_state_told_with_the_short_s_is_happening_now(text):
    """"Dad's been having...", "mum's very drowsy": a present state, so the question does not stand it down."""
    assert assess(text).action == URGENT, assess(text).mentions


def test_a_relatives_past_sign_asked_about_gets_the_question():
    """"Husband had..." is a real event, asked about: "Is this happening now?" rather than nothing."""
    assert assess("my wife had some trouble controlling her bladder, is that from the spine mets").action == ASK


@pytest.mark.parametrize("text", [
    "her face went droopy on one side, could it be the new tablets?",
    "her eyelids swelled up during the drip, would that be the cells?",
    "his neck swelled right up this week, could that be the tumour?",
])
def test_a_question_about_the_cause_of_a_sign_just_told_is_not_a_hypothesis(text):
    assert assess(text).action in (URGENT, ASK), assess(text).mentions


def test_a_sign_that_comes_back_after_stopping_is_not_resolved():
    assert assess("she had a seizure, it settled, and now she's having another one").action == URGENT
    assert assess("she had a seizure last night, it settled and she has been fine since").action == NONE
    assert assess("the diarrhoea on keytruda has settled with steroids and he's eating again").action == NONE


def test_a_general_question_asked_because_of_ones_own_signs_is_about_them():
    text = "can you have CIK if your calcium is up? asking as i'm thirsty all the time and peeing loads"
    assert assess(text).action == URGENT, assess(text).mentions


def test_what_a_sign_means_for_the_asker_gets_the_question():
    """"What does it mean if there's blood when you cough?" may be happening now: ask."""
    assert assess("what does it mean when you're bringing up blood with your cough").action == ASK
    assert assess("what does it mean haemorrhagic on my scan report").action == NONE


@pytest.mark.parametrize("text", [
    "my wife will have a fit when she sees the hotel bill",
    "our holiday plans totally collapsed after the diagnosis",
    "is a convulsion the same thing as a fit?",
    "what's the proper term for coughing up blood",
    "i felt faint in the queue this morning but i sat down and i've been fine since",
    "my husband's colleague has a fever, can he still visit me",
])
def test_figures_of_speech_definitions_and_other_peoples_signs_raise_no_alarm(text):
    assert assess(text).action != URGENT, assess(text).mentions
