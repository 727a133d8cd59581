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


def test_session_ttl_defaults_to_30_days_and_takes_units() -> None:
    assert Settings.load(env={}).session_ttl == 30 * 86400
    cases = {"30d": 30 * 86400, "12h": 12 * 3600, "90m": 5400, "45s": 45, "2w": 14 * 86400, " 7D ": 7 * 86400}
    for text, seconds in cases.items():
        assert Settings.load(env={"BOT_SESSION_TTL": text}).session_ttl == seconds
    assert Settings.load(env={"BOT_SESSION_TTL": "0"}).session_ttl is None  # keep


@pytest.mark.parametrize("bad", ["30", "thirty days", "-1d", "1.5d", "²d", "5y", "d", "9" * 5000 + "d"])
def test_a_session_ttl_without_a_clear_unit_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError, match="BOT_SESSION_TTL must be a number with a unit, like 30d") as info:
        Settings.load(env={"BOT_SESSION_TTL": bad})
    assert len(str(info.value)) < 200
