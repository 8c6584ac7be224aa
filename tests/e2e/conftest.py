"""A real headless Chromium (Debian's package) driven by Selenium through chromedriver."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from tests.helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTEFACTS = ROOT / "results" / "e2e"
# Without the networking switches Chromium keeps calling Google's hosts, which this network refuses.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900"]


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: `make test` installs it (scripts/ensure-chromium)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def clean_slate(driver, web_url: str) -> None:
    """Desktop size, online, one window, no stored conversation on this origin."""
    for handle in driver.window_handles[1:]:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(driver.window_handles[0])
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    driver.get(f"{web_url}/privacy")
    driver.execute_script("window.localStorage.clear()")


@pytest.fixture
def browser(chromium, assistant):
    clean_slate(chromium, assistant.web_url)
    return chromium


class ChatPage:
    """The widget as a patient sees it (it lives in a shadow root)."""

    def __init__(self, driver, timeout: float = 30):
        self.driver = driver
        self.timeout = timeout

    @property
    def root(self):
        return self.driver.find_element(By.CSS_SELECTOR, ".cik-chat-host").shadow_root

    def find(self, css):
        return self.root.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.root.find_elements(By.CSS_SELECTOR, css)

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of every bubble, as drawn."""
        return [tuple(pair) for pair in self.driver.execute_script("""
            const root = document.querySelector('.cik-chat-host').shadowRoot;
            return Array.from(root.querySelectorAll('.msg')).map(m => [
                m.className.match(/msg-(\\w+)/)[1], m.querySelector('.body').textContent]);
        """)]

    def quick_replies(self) -> list[str]:
        return [button.text for button in self.find_all(".quick-replies button")]

    def wait(self, predicate: Callable[[], object], what: str):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                value = predicate()
            except WebDriverException:
                value = None
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the chat shows {self.messages()!r}")

    def wait_for_text(self, fragment: str, role: str = "assistant"):
        return self.wait(lambda: any(r == role and fragment in t for r, t in self.messages()),
                         f"a {role} message with {fragment!r}")

    def type(self, text: str) -> None:
        box = self.find("textarea")
        box.send_keys(text)
        box.send_keys("\n")

    def settled(self) -> bool:
        """No answer pending: the typing indicator is hidden and nothing waits in the outbox."""
        return self.driver.execute_script("""
            const w = window.CIKChat && window.CIKChat.instances[0];
            return !!w && w.confirmed && w.outbox.length === 0 && w.typing.hidden;
        """)
