"""Talk to the running assistant through its REST channel, as a patient would."""
import uuid

import pytest

from tests.helpers import domain, faq_keys, http, response_texts

pytestmark = pytest.mark.servers

# One patient-style question per answer, written for this test (not training data).
QUESTIONS = {
    "what_is_cik": "Could you explain in simple words what CIK cell therapy actually is?",
    "survival": "what are the chances of being alive after one year with cik plus chemo",
    "progression_free": "with cik how many months before the tumour starts growing again",
    "disease_control": "in the trials how often did cik keep the cancer stable or shrinking",
    "adds_to_chemo": "can my mum have cik instead of her chemo? she hates the chemo",
    "monotherapy": "how effective is cik by itself with no other treatment",
    "adjuvant_after_surgery": "my lobe was removed in march, is cik used afterwards to stop it coming back",
    "small_cell": "my brother has small cell lung cancer, is cik an option for that type",
    "quality_of_life": "will cik help with his tiredness and appetite",
    "side_effects": "is cik dangerous, what are the side effects",
    "histologies": "my pathology says squamous cell carcinoma, does cik work for that type",
    "targeted_therapy": "my dad takes tagrisso every day, can cik be added to it",
    "immunotherapy": "she is on keytruda, can cik be combined with it",
    "stage_four": "the cancer has spread to her bones and liver, stage 4, is cik still worth it",
    "cure": "will cik make the cancer go away for good",
    "schedule": "what does the cik treatment process look like step by step",
    "manufacturing_time": "how many days does the lab need to grow the cik cells",
    "infusions_cycles": "how many cik infusions and cycles will he need",
    "guidelines": "why isn't cik in the ESMO or NCCN guidelines",
    "chinese_evidence": "are the cik studies mostly done in china",
    "approval": "has the FDA approved CIK cell therapy?",
    "reaction_after_infusion": "what do we do if he gets a fever after the CIK infusion",
    "where_treatment": "which country would I have to go to for the cik treatment",
    "records_to_send": "which reports and scans should we send you for the review",
    "how_service_helps": "what exactly does cancerfax do for families like ours",
    "travel_support": "can you help us with the trip and the hospital admission",
    "trials": "if cik is not right for him can you help find a clinical trial",
    "no_guarantee": "can you promise that the hospital will accept my father",
    "not_medical_advice": "should i stop my chemo and do cik instead, what do you advise",
    "nsclc_share": "what percentage of lung cancers are non small cell",
    "poor_performance": "my grandmother is in bed most of the day, ECOG 3, can she have cik",
    "eligibility": "which lung cancer patients are suitable for cik in general",
    "cost": "what is the price of cik therapy",
    "visa": "will we need a medical visa to go to china",
    "named_hospitals": "which hospital in china is the best one for cik",
    "waiting_time": "how quickly could my husband start cik",
}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_every_answer_has_a_question_here():
    assert set(QUESTIONS) == set(faq_keys())


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_each_question_gets_its_own_answer_then_next_steps(assistant, key):
    replies = assistant.say(new_sender(), QUESTIONS[key])
    texts = [reply.get("text") for reply in replies]
    assert texts[0] in response_texts(f"utter_faq/{key}"), f"{key}: got {texts}"
    payloads = [button["payload"] for button in replies[-1].get("buttons", [])]
    assert payloads == ["/check_eligibility", "/human_handoff", "/ask_another"]


EMERGENCY = [
    ("my dad is coughing up blood", "bleeding"),
    ("I can't breathe", "breathlessness"),
    ("she collapsed on the floor", "collapse"),
    ("terrible chest pain since ten minutes", "chest_pain"),
    ("he's gasping and his lips are blue", "breathlessness"),
]
CRISIS = ["I want to end my life", "i keep thinking about suicide", "my mum said she wants to kill herself"]


@pytest.mark.parametrize("message, category", EMERGENCY)
def test_emergencies_get_the_urgent_answer_of_their_category(assistant, message, category):
    replies = assistant.say(new_sender(), message)
    assert replies[0]["text"] == response_texts(f"utter_red_flag_{category}")[0]


@pytest.mark.parametrize("message", CRISIS)
def test_crisis_gets_the_crisis_line(assistant, message):
    replies = assistant.say(new_sender(), message)
    assert replies[0]["text"] == response_texts("utter_red_flag_self_harm")[0]
    assert "988" in replies[0]["text"] and "116 123" in replies[0]["text"]


def test_emergency_interrupts_a_conversation_under_way(assistant):
    sender = new_sender()
    assistant.say(sender, "hello")
    assistant.say(sender, QUESTIONS["schedule"])
    replies = assistant.say(sender, "sorry, my husband just started coughing blood")
    assert replies[0]["text"] == response_texts("utter_red_flag_bleeding")[0]
    replies = assistant.say(sender, QUESTIONS["side_effects"])
    assert replies[0]["text"] in response_texts("utter_faq/side_effects")


@pytest.mark.parametrize("message", [
    "what's the weather in london tomorrow",
    "can you help me with my car insurance claim",
    "what is the best treatment for breast cancer",
    "my dog keeps sneezing, what should I do",
    "what are early signs of lung cancer",
])
def test_out_of_scope_gets_a_kind_refusal_with_coordinator(assistant, message):
    """A clear refusal, or an honest "not sure": both name the scope, neither answers."""
    replies = assistant.say(new_sender(), message)
    assert replies[0]["text"] in response_texts("utter_out_of_scope") + response_texts("utter_not_sure")
    assert "CIK cell therapy for lung cancer" in replies[0]["text"]
    assert "/human_handoff" in [b["payload"] for b in replies[0]["buttons"]]


@pytest.mark.parametrize("message", ["asdf qwer zxcv", "blorp", "purple elephant stapler"])
def test_gibberish_gets_an_honest_not_sure(assistant, message):
    replies = assistant.say(new_sender(), message)
    assert replies[0]["text"] in (response_texts("utter_not_sure") + response_texts("utter_out_of_scope"))


def test_greeting_says_what_it_is_and_is_not(assistant):
    text = assistant.say(new_sender(), "hello")[0]["text"]
    assert "not a doctor" in text and "confidential" in text


def test_bot_challenge_is_honest(assistant):
    text = assistant.say(new_sender(), "am I talking to a real person?")[0]["text"]
    assert text == response_texts("utter_bot_challenge")[0]


def test_talk_to_a_human_hands_the_conversation_to_the_team(assistant):
    replies = assistant.say(new_sender(), "I want to talk to a human please")
    assert replies[0]["text"].startswith("Thank you. I've passed your conversation to our coordination team")


def test_quick_reply_payloads_work(assistant):
    sender = new_sender()
    assert assistant.say(sender, "/ask_another")[0]["text"] == response_texts("utter_ask_another")[0]
    assert assistant.say(sender, "/check_eligibility")[0]["text"] == response_texts("utter_ask_consent")[0]


def test_greeting_button_payload_is_understood(assistant):
    payload = domain()["responses"]["utter_greet"][0]["buttons"][0]["payload"]
    replies = assistant.say(new_sender(), payload)
    assert replies[0]["text"] in response_texts("utter_faq/what_is_cik")


@pytest.mark.parametrize("path", ["/status", "/conversations/someone/tracker"])
def test_http_api_refuses_without_the_token(assistant, path):
    status, _ = http("GET", assistant.rasa_url + path)
    assert status == 401
    status, _ = http("GET", assistant.rasa_url + path + "?token=wrong")
    assert status == 401
    status, _ = http("GET", f"{assistant.rasa_url}{path}?token={assistant.token}")
    assert status == 200


def test_model_parse_refuses_without_the_token(assistant):
    status, _ = http("POST", assistant.rasa_url + "/model/parse", {"text": "hi"})
    assert status == 401
    status, body = http("POST", f"{assistant.rasa_url}/model/parse?token={assistant.token}", {"text": "hi"})
    assert status == 200 and body["intent"]["name"] == "greet"


def test_parse_marks_red_flags(assistant):
    status, body = http("POST", f"{assistant.rasa_url}/model/parse?token={assistant.token}",
                        {"text": "he is coughing up blood"})
    assert status == 200
    assert body["intent"] == {"name": "emergency", "confidence": 1.0}
    assert body["red_flag"]["category"] == "bleeding"


@pytest.mark.parametrize("body", [{}, {"sender": "x"}, {"message": "hi"}, {"sender": "x", "message": ""}])
def test_malformed_rest_requests_get_a_clear_error_not_a_crash(assistant, body):
    status, _ = http("POST", assistant.rasa_url + "/webhooks/rest/webhook", body)
    assert status in (200, 400)
    replies = assistant.say(new_sender(), "hello")  # the server still answers
    assert replies


def test_an_unrelated_question_is_not_given_a_cik_answer(assistant):
    replies = assistant.say(new_sender(), "how much does it cost to park downtown for a day")
    assert replies[0]["text"] not in response_texts("utter_faq/cost")
    assert "CIK cell therapy for lung cancer" in replies[0]["text"]


def test_a_short_follow_up_in_a_cik_conversation_is_answered(assistant):
    sender = new_sender()
    assistant.say(sender, QUESTIONS["what_is_cik"])
    replies = assistant.say(sender, "and how much does it cost?")
    assert replies[0]["text"] in response_texts("utter_faq/cost")


def test_conversations_are_kept_in_the_tracker_store(assistant):
    sender = new_sender()
    assistant.say(sender, "hello")
    status, tracker = http("GET", f"{assistant.rasa_url}/conversations/{sender}/tracker?token={assistant.token}")
    assert status == 200
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hello"]
    assert assistant.tracker_db.exists() and assistant.tracker_db.stat().st_size > 0


def test_action_server_is_healthy(assistant):
    status, body = http("GET", assistant.action_url + "/health")
    assert status == 200 and body["status"] == "ok"
