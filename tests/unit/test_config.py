"""Settings come from the environment or .env; the environment wins."""
import pytest

from bot.config import load_settings

KEYS = ["RASA_PORT", "ACTION_PORT", "WEB_PORT", "RASA_API_TOKEN", "TEAM_CONTACT", "BIND_HOST"]


@pytest.fixture
def clean_env(monkeypatch):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_defaults_follow_the_contract(clean_env, tmp_path):
    settings = load_settings(tmp_path / "missing.env")
    assert (settings.rasa_port, settings.action_port, settings.web_port) == (5005, 5055, 8080)
    assert settings.bind_host == "127.0.0.1"
    assert settings.rasa_api_token == ""


def test_env_file_fills_what_the_environment_lacks(clean_env, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_PORT=6006\nRASA_API_TOKEN=from-file\n")
    clean_env.setenv("RASA_API_TOKEN", "from-env")
    settings = load_settings(env_file)
    assert settings.rasa_port == 6006
    assert settings.rasa_api_token == "from-env"


@pytest.mark.parametrize("value", ["abc", "70000", "0"])
def test_bad_port_is_a_clear_error(clean_env, tmp_path, value):
    clean_env.setenv("ACTION_PORT", value)
    with pytest.raises(ValueError, match="ACTION_PORT"):
        load_settings(tmp_path / "missing.env")


def test_action_endpoint_uses_loopback(clean_env, tmp_path):
    clean_env.setenv("ACTION_PORT", "5999")
    assert load_settings(tmp_path / "x").action_endpoint == "http://127.0.0.1:5999/webhook"


def test_the_wait_for_an_answer_about_a_red_flag_is_five_minutes_unless_set(clean_env, tmp_path):
    clean_env.delenv("RED_FLAG_ANSWER_MINUTES", raising=False)
    assert load_settings(tmp_path / "missing.env").red_flag_answer_minutes == 5.0
    clean_env.setenv("RED_FLAG_ANSWER_MINUTES", "0.5")
    assert load_settings(tmp_path / "missing.env").red_flag_answer_minutes == 0.5


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_a_bad_wait_for_a_red_flag_answer_is_a_clear_error(clean_env, tmp_path, value):
    clean_env.setenv("RED_FLAG_ANSWER_MINUTES", value)
    with pytest.raises(ValueError, match="RED_FLAG_ANSWER_MINUTES"):
        load_settings(tmp_path / "missing.env")
