"""A whole handoff in headless Chromium: the patient's web chat and the coordinator's console side by side.

Runs on its own fresh instance of the product, so that this patient's case is
the only one in the queue, as on a quiet morning.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import start_assistant, stop_assistant
from tests.e2e.conftest import ARTEFACTS, ChatPage, clean_slate
from tests.helpers import ROOT, response_texts

pytestmark = pytest.mark.servers

PASSWORD = "a long enough password"
REPLY = "Hello, this is Anna from the team. I have read your father's details."
INTAKE = [
    ("my dad has stage 3b squamous lung cancer, he is on chemo and radiation together", None),
    ("could cik fit his case?", "I can go through a few questions"),
    ("yes, I agree", "patient"),
    ("I'm asking for my father", None),
    ("egfr negative", None),
    ("no idea", None),
    ("TPS 60%", None),
    ("he is up and about more than half the day but can't work", None),
    ("he's 67", None),
    ("Kenya", None),
    ("Amina Otieno", None),
    ("amina.otieno@example.com", None),
    ("+254 700 000 000", "Stage: IIIB"),
    ("yes that's right", "pass your case to a coordinator now?"),
]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, fake_apis, notifications):
    running = start_assistant(tmp_path_factory.mktemp("console-e2e"), fake_apis, notifications)
    created = subprocess.run(
        [sys.executable, "-m", "bot.console", "--url", running.database_url, "create-user", "anna",
         "--name", "Anna Li", "--password-stdin"], cwd=ROOT, input=PASSWORD + "\n",
        capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    yield running
    stop_assistant(running)


def flash_after(driver, click_target) -> str:
    """Click a form's button and wait for the next page's notice."""
    old = driver.find_element(By.TAG_NAME, "html")
    click_target.click()
    WebDriverWait(driver, 30).until(seen.staleness_of(old))
    return WebDriverWait(driver, 30).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".flash"))).text


def say_and_wait(chat: ChatPage, text: str, expect: str | None) -> None:
    before = len(chat.messages())
    chat.type(text)
    chat.wait(lambda: len(chat.messages()) > before + 1 and chat.settled(), f"an answer to {text!r}")
    if expect:
        chat.wait_for_text(expect)


def test_a_patient_is_handed_to_a_coordinator_and_back(chromium, fresh):
    driver = chromium
    clean_slate(driver, fresh.web_url)
    driver.get(f"{fresh.web_url}/chat")
    chat = ChatPage(driver)
    chat.wait_for_text(response_texts("utter_greet")[0][:40])
    chat.wait(chat.settled, "the greeting")
    patient_window = driver.current_window_handle

    for text, expect in INTAKE:
        say_and_wait(chat, text, expect)
    next(b for b in chat.find_all(".quick-replies button") if b.text == "Yes, send it to a coordinator").click()
    chat.wait_for_text("I've passed your conversation to our coordination team")

    # The coordinator, in another window.
    driver.switch_to.new_window("window")
    driver.get(f"{fresh.web_url}/console/login")
    driver.find_element(By.ID, "username").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    first_row = WebDriverWait(driver, 30).until(
        seen.presence_of_element_located((By.CSS_SELECTOR, "table.queue tbody tr")))
    assert "Finished the case questions" in first_row.text
    first_row.find_element(By.TAG_NAME, "a").click()

    summary = WebDriverWait(driver, 30).until(
        seen.presence_of_element_located((By.ID, "summary-title"))).find_element(By.XPATH, "..").text
    for expected in ("IIIB", "squamous", "EGFR", "negative", "PD-L1", "ECOG", "67", "Kenya",
                     "amina.otieno@example.com"):
        assert expected in summary, expected
    assert "Matched rules" in summary
    transcript = driver.find_element(By.CSS_SELECTOR, "ol.transcript").text
    assert "Amina Otieno" in transcript and "Live from the assistant" in driver.page_source
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / "console-case.png"))

    claim = driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Claim')]")
    assert "You have the conversation" in flash_after(driver, claim)
    driver.find_element(By.ID, "reply-text").send_keys(REPLY)
    send = driver.find_element(By.XPATH, "//button[normalize-space()='Send reply']")
    assert flash_after(driver, send) == "Reply sent."
    console_window = driver.current_window_handle

    # The patient sees the coordinator arrive and reply, live.
    driver.switch_to.window(patient_window)
    chat.wait_for_text("Anna Li from our coordination team has joined")
    chat.wait(lambda: ("coordinator", REPLY) in chat.messages(), "the coordinator's reply in the chat")
    label = chat.find(".msg-coordinator .who").text
    assert label == "Anna Li, coordinator"

    # Back in the console: hand the patient back to the assistant.
    driver.switch_to.window(console_window)
    close = driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Close')]")
    assert "Closed" in flash_after(driver, close)

    driver.switch_to.window(patient_window)
    chat.wait_for_text("has handed the conversation back")
    chat.wait(chat.settled, "the hand-back message")
    say_and_wait(chat, "how many cik infusions and cycles will he need",
                 response_texts("utter_faq/infusions_cycles")[0][:40])
    driver.switch_to.window(console_window)
    driver.close()
    driver.switch_to.window(patient_window)
