"""Settings: flags, then environment variables, then defaults."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import DEFAULT_STORE, Settings


def test_defaults() -> None:
    s = Settings.load(env={})
    assert (s.store, s.locale, s.emergency_number) == (DEFAULT_STORE, "en", None)
    assert s.telegram_api_url == "https://api.telegram.org"


def test_environment_then_flags() -> None:
    env = {
        "BOT_STORE": "memory://",
        "BOT_LOCALE": "ru",
        "BOT_EMERGENCY_NUMBER": "103",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        "TELEGRAM_BOT_TOKEN": "123:abc",
    }
    s = Settings.load(env=env)
    assert (s.store, s.locale, s.emergency_number) == ("memory://", "ru", "103")
    assert s.telegram_api_url == "http://127.0.0.1:8081"
    assert Settings.load(env=env, store="sqlite:///x.db").store == "sqlite:///x.db"


def test_token_never_in_repr() -> None:
    s = Settings.load(env={"TELEGRAM_BOT_TOKEN": "123456:SECRET-token"})
    assert "SECRET" not in repr(s)


def test_bad_port_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="webhook port"):
        Settings.load(env={"TELEGRAM_WEBHOOK_PORT": "eighty"})
    assert Settings.load(env={"TELEGRAM_WEBHOOK_PORT": "8080"}).webhook_port == 8080
