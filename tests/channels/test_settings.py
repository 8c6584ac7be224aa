"""Each app's settings switch it on or off, and Meta's webhook signatures (no servers)."""
import hashlib
import hmac

import pytest

from bot.messaging.settings import MessengerSettings, TelegramSettings, TwilioSettings
from bot.messaging.signatures import meta_signature_valid

TELEGRAM = {"TELEGRAM_ACCESS_TOKEN": "123:abc-DEF_9", "TELEGRAM_BOT_NAME": "@cik_bot",
            "TELEGRAM_WEBHOOK_URL": "https://cik.example/webhooks/telegram/webhook"}
TWILIO = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
          "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
          "TWILIO_WEBHOOK_URL": "https://cik.example/webhooks/twilio/webhook"}
MESSENGER = {"FACEBOOK_VERIFY_TOKEN": "v", "FACEBOOK_APP_SECRET": "s",
             "FACEBOOK_PAGE_ACCESS_TOKEN": "p"}
KINDS = [(TelegramSettings, TELEGRAM), (TwilioSettings, TWILIO), (MessengerSettings, MESSENGER)]


@pytest.mark.parametrize("settings, env", KINDS)
def test_an_app_with_all_its_settings_is_on(settings, env):
    assert settings.from_env(env).configured


@pytest.mark.parametrize("settings, env", KINDS)
def test_an_app_without_settings_is_off_and_untouched(settings, env):
    off = settings.from_env({name: "  " for name in env})
    assert not off.configured and off.untouched
    assert off.problems() == [f"{name} is not set" for name in env]


@pytest.mark.parametrize("settings, env", KINDS)
def test_a_missing_setting_is_named(settings, env):
    name = sorted(env)[0]
    partly = settings.from_env({**env, name: ""})
    assert not partly.configured and not partly.untouched
    assert partly.problems() == [f"{name} is not set"]


def test_api_addresses_default_to_the_real_apis():
    assert TelegramSettings.from_env(TELEGRAM).api_url == "https://api.telegram.org"
    assert TwilioSettings.from_env(TWILIO).api_url == "https://api.twilio.com"
    assert MessengerSettings.from_env(MESSENGER).graph_url == "https://graph.facebook.com"
    local = TelegramSettings.from_env({**TELEGRAM, "TELEGRAM_API_URL": "http://127.0.0.1:9/"})
    assert local.api_url == "http://127.0.0.1:9"


def test_the_bot_name_is_kept_without_its_at_sign():
    assert TelegramSettings.from_env(TELEGRAM).bot_name == "cik_bot"


@pytest.mark.parametrize("settings, env, bad", [
    (TelegramSettings, TELEGRAM, {"TELEGRAM_ACCESS_TOKEN": "not a token"}),
    (TwilioSettings, TWILIO, {"TWILIO_WHATSAPP_NUMBER": "+14155238886"}),
])
def test_a_malformed_value_keeps_the_app_off_and_says_why(settings, env, bad):
    problems = settings.from_env({**env, **bad}).problems()
    assert len(problems) == 1 and next(iter(bad)) in problems[0]


BODY = b'{"object":"page","entry":[]}'


def signed(algorithm: str, secret: str = "app-secret", body: bytes = BODY) -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


@pytest.mark.parametrize("sha256, sha1, valid", [
    (signed("sha256"), None, True),
    (None, signed("sha1"), True),
    (signed("sha256"), signed("sha1"), True),
    (signed("sha256", "other-secret"), signed("sha1"), False),   # the SHA-256 one decides
    (signed("sha256", body=b"{}"), None, False),
    (None, signed("sha1", "other-secret"), False),
    (signed("sha1"), None, False),                               # wrong algorithm for the header
    ("md5=" + hashlib.md5(BODY).hexdigest(), None, False),
    (None, None, False),
    ("", "", False),
], ids=["sha256", "sha1", "both", "sha256-decides", "other-body", "sha1-wrong-secret",
        "sha1-in-sha256-header", "md5", "none", "empty"])
def test_a_meta_webhook_must_be_signed_with_the_app_secret(sha256, sha1, valid):
    assert meta_signature_valid("app-secret", BODY, sha256, sha1) is valid
