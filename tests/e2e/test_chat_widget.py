"""The website chat in a real headless Chromium, as a patient or a caregiver uses it."""
from __future__ import annotations

from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
import re
import struct
import threading
from functools import partial

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.e2e.conftest import ARTEFACTS, ChatPage
from tests.helpers import free_port, http, response_texts

pytestmark = pytest.mark.servers

GREETING = response_texts("utter_greet")[0][:40]
WHAT_IS_CIK = response_texts("utter_faq/what_is_cik")[0][:40]
CONSENT = response_texts("utter_ask_consent")[0][:40]


def open_chat(browser, assistant) -> ChatPage:
    browser.get(f"{assistant.web_url}/chat")
    chat = ChatPage(browser)
    chat.wait_for_text(GREETING)
    chat.wait(chat.settled, "the greeting to settle")
    return chat


def stored_conversation(browser) -> str:
    return browser.execute_script("return JSON.parse(localStorage.getItem('cik-chat:session'))")


def history(assistant, conversation: str) -> list[dict]:
    status, body = http("GET", f"{assistant.web_url}/chat/history/{conversation}")
    assert status == 200, body
    return body["messages"]


def test_ask_answer_quick_reply_and_reload_keeps_the_conversation(browser, assistant):
    chat = open_chat(browser, assistant)
    assert "Could CIK fit my case?" in chat.quick_replies()

    chat.type("What is CIK cell therapy exactly?")
    chat.wait_for_text(WHAT_IS_CIK)
    chat.wait(chat.settled, "the answer to settle")
    assert ("user", "What is CIK cell therapy exactly?") in chat.messages()

    button = next(b for b in chat.find_all(".quick-replies button") if b.text == "Could CIK fit my case?")
    button.click()
    chat.wait_for_text(CONSENT)
    chat.wait(chat.settled, "the consent question to settle")
    assert ("user", "Could CIK fit my case?") in chat.messages(), "the pressed button's title is shown"
    assert "Could CIK fit my case?" not in chat.quick_replies(), "a used button must disappear"
    assert chat.quick_replies() == ["Yes, I agree", "No, thanks"]
    before = chat.messages()
    conversation = stored_conversation(browser)

    browser.refresh()
    chat.wait(lambda: chat.messages() == before, "the same history after a reload")
    assert stored_conversation(browser) == conversation
    assert chat.quick_replies() == ["Yes, I agree", "No, thanks"], "the open question keeps its buttons"
    assert not any(text.startswith("/") for _, text in chat.messages()), "no payload is ever shown"


def test_a_dropped_connection_loses_nothing_and_sends_nothing_twice(browser, assistant):
    chat = open_chat(browser, assistant)
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    browser.execute_script("window.CIKChat.instances[0].socket.io.engine.close()")
    chat.wait(lambda: "Connection lost" in chat.find(".status").text, "the offline notice")

    chat.type("how many days does the lab need to grow the cells")
    bubble = chat.wait(lambda: chat.find(".msg-user.queued"), "the message to wait in the outbox")
    assert "Not sent yet" in bubble.text

    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False,
                                                                 "downloadThroughput": -1,
                                                                 "uploadThroughput": -1})
    answer = response_texts("utter_faq/manufacturing_time")[0][:40]
    chat.wait_for_text(answer)
    chat.wait(chat.settled, "the outbox to empty")
    assert not chat.find_all(".msg-user.queued")
    said = [m["text"] for m in history(assistant, stored_conversation(browser)) if m["role"] == "user"]
    assert said.count("how many days does the lab need to grow the cells") == 1, said


def test_talk_to_a_coordinator_is_one_press_away(browser, assistant):
    chat = open_chat(browser, assistant)
    chat.find("button.coordinator").click()
    chat.wait_for_text("I've passed your conversation to our coordination team")
    assert ("user", "I would like to talk to a coordinator.") in chat.messages()


def test_markup_from_a_patient_is_shown_as_text(browser, assistant):
    chat = open_chat(browser, assistant)
    chat.type('<img src=x onerror="window.hacked=1"><script>window.hacked=2</script>')
    chat.wait(lambda: len(chat.messages()) >= 3 and chat.settled(), "an answer")
    assert any(r == "user" and "<script>" in t for r, t in chat.messages())
    assert not chat.find_all(".msg img") and not chat.find_all(".msg script")
    assert browser.execute_script("return window.hacked") is None


def test_links_in_answers_are_real_links(browser, assistant):
    chat = open_chat(browser, assistant)
    browser.execute_script("""
        window.CIKChat.instances[0].onBotMessage({text: 'See [the guide](https://example.org/guide) or https://example.org/x.'});
    """)
    links = chat.wait(lambda: chat.find_all(".msg a"), "links")
    assert [(a.text, a.get_attribute("href")) for a in links] == [
        ("the guide", "https://example.org/guide"), ("https://example.org/x", "https://example.org/x")]
    assert all(a.get_attribute("rel") == "noopener noreferrer" for a in links)


# ----- accessibility ----------------------------------------------------------

def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted([_luminance(foreground), _luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_control_is_labelled_for_screen_readers(browser, assistant):
    chat = open_chat(browser, assistant)
    log = chat.find(".log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert chat.find("label[for='cik-input']").get_property("textContent") == "Your message"
    for button in chat.find_all("button"):
        name = button.get_attribute("aria-label") or button.get_property("textContent").strip()
        assert name, button.get_attribute("outerHTML")
    assert "not a doctor" in chat.find(".disclaimer").text
    privacy = chat.find("footer a")
    assert privacy.text == "Privacy note" and privacy.get_attribute("href").endswith("/privacy")
    labels = browser.execute_script("""
        return Array.from(document.querySelector('.cik-chat-host').shadowRoot
            .querySelectorAll('.msg .sr-only')).map(s => s.textContent.trim());""")
    assert labels[0] == "Assistant said:"


@pytest.mark.parametrize("css, minimum", [
    ("header h2", 4.5), (".disclaimer", 4.5), (".quick-replies button", 4.5),
    (".composer .send", 4.5), (".actions .coordinator", 4.5),
])
def test_text_has_readable_contrast(browser, assistant, css, minimum):
    chat = open_chat(browser, assistant)
    colours = browser.execute_script("""
        const el = arguments[0];
        let bg = 'rgba(0, 0, 0, 0)', node = el;
        while (node && /rgba\\(.*, 0\\)|transparent/.test(bg)) {
            bg = getComputedStyle(node).backgroundColor;
            node = node.parentElement || (node.getRootNode() && node.getRootNode().host);
        }
        return [getComputedStyle(el).color, bg];""", chat.find(css))
    assert contrast(*colours) >= minimum, f"{css}: {colours}"


def test_the_chat_works_with_the_keyboard_alone(browser, assistant):
    chat = open_chat(browser, assistant)
    focused = "return document.querySelector('.cik-chat-host').shadowRoot.activeElement"
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(30):
        element = browser.execute_script(focused)
        if element is not None and element.tag_name == "textarea":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    else:
        pytest.fail("Tab never reached the message box")
    browser.switch_to.active_element.send_keys("what are the side effects of cik", Keys.ENTER)
    chat.wait_for_text(response_texts("utter_faq/side_effects")[0][:40])
    chat.wait(chat.settled, "the answer to settle")

    first_reply = chat.find(".quick-replies button")
    title = first_reply.text
    for _ in range(40):  # backwards from the message box to the suggested replies
        if browser.execute_script(focused) == first_reply:
            break
        browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    else:
        pytest.fail("Shift+Tab never reached the suggested replies")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    chat.wait(lambda: ("user", title) in chat.messages(), "the reply chosen with Enter")


def test_a_phone_sized_screen_fits_and_leaves_a_screenshot(browser, assistant):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    chat = open_chat(browser, assistant)
    chat.type("is cik dangerous, what are the side effects")
    chat.wait_for_text(response_texts("utter_faq/side_effects")[0][:40])
    chat.wait(chat.settled, "the answer to settle")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    box = chat.find("textarea").rect
    assert box["y"] + box["height"] <= 844 and box["width"] >= 200, box
    for button in chat.find_all(".quick-replies button, .actions button, .composer button"):
        assert button.rect["height"] >= 44, "touch targets are at least 44 px"

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / "chat-phone.png"
    assert browser.save_screenshot(str(shot))
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert (width, height) == (780, 1688), (width, height)


# ----- embedding on another website ------------------------------------------------

EMBED_PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8"><title>A clinic</title>
<style>button {{ background: red !important; font-size: 40px; }}</style></head>
<body><h1>A clinic's own page</h1>
<script src="{web}/widget.js" data-server="{rasa}" data-title="Clinic helper"
        data-primary-color="#6b1d4f" data-lang="es" defer></script></body></html>"""


@pytest.fixture
def other_site(tmp_path, assistant):
    (tmp_path / "index.html").write_text(EMBED_PAGE.format(web=assistant.web_url, rasa=assistant.rasa_url))
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def test_one_script_tag_embeds_the_chat_on_another_site(browser, assistant, other_site):
    browser.get(other_site)
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    chat = ChatPage(browser)
    launcher = chat.wait(lambda: chat.find("button.launcher"), "the launcher button")
    assert launcher.text == "Chatear sobre la terapia CIK" and launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert chat.find("header h2").text == "Clinic helper"
    header = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor",
                                    chat.find("header"))
    assert header == "rgb(107, 29, 79)", "the site's colour option is used; its own CSS does not leak in"
    chat.wait_for_text(GREETING)
    chat.type("what is cik therapy")
    chat.wait_for_text(WHAT_IS_CIK)

    browser.execute_script("arguments[0].focus()", chat.find("textarea"))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    chat.wait(lambda: not chat.find(".panel").is_displayed(), "Escape to close the panel")
    assert browser.execute_script(
        "return document.querySelector('.cik-chat-host').shadowRoot.activeElement") == chat.find("button.launcher")
