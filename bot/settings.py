"""Settings: flags first, then environment variables, then defaults. The only reader of os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import content_dir
from bot.errors import ConfigError

DEFAULT_STORE = "sqlite:///data/mamaflow.db"
DEFAULT_API = "https://api.telegram.org"
DEFAULT_TTL = "30d"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
FLOWS_DIR = content_dir("flows")
LOCALES_DIR = content_dir("locales")


@dataclass(frozen=True)
class Settings:
    """Everything configurable; the token is kept out of repr so it never reaches a log."""

    store: str = DEFAULT_STORE
    locale: str = "en"
    emergency_number: str | None = None
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_API
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    flows_dir: Path = FLOWS_DIR
    locales_dir: Path = LOCALES_DIR
    flow: str = "triage"
    log_format: str = "text"
    log_level: str | None = None  # BOT_LOG_LEVEL; None: warnings, plus the Telegram adapter's INFO lines
    session_ttl: float | None = 30 * 86400  # seconds an idle conversation is kept; None = keep

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, *, telegram: bool = True, **flags: object
    ) -> Settings:
        """Build settings from flags (None means not given), then `env` (os.environ).

        With `telegram=False` (console, lint, ...) the TELEGRAM_* variables are not read, so a
        bad Telegram setting cannot stop a command that does not use it.
        """
        env = os.environ if env is None else env
        if not telegram:
            env = {k: v for k, v in env.items() if not k.startswith("TELEGRAM_")}

        def pick(flag: str, var: str, default: object) -> object:
            value = flags.get(flag)
            if value is not None:
                return value
            value = env.get(var, "").strip()
            return value if value else default

        port = str(pick("webhook_port", "TELEGRAM_WEBHOOK_PORT", 8443))
        # isascii: "²" and "①" pass isdigit() but not int(); 5 digits: no 5,000-digit int()
        if not (port.isascii() and port.isdigit() and len(port) <= 5) or not 0 < int(port) < 65536:
            raise ConfigError(f"webhook port must be a number from 1 to 65535, got '{port[:20]}'")
        log_format = str(pick("log_format", "BOT_LOG_FORMAT", "text")).lower()
        if log_format not in ("text", "json"):
            raise ConfigError(f"BOT_LOG_FORMAT must be 'text' or 'json', got '{log_format}'")
        log_level = pick("log_level", "BOT_LOG_LEVEL", None)
        if log_level is not None:
            log_level = str(log_level).upper()
            if log_level not in LOG_LEVELS:
                raise ConfigError(
                    f"BOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got '{str(log_level)[:40]}'"
                )
        return cls(
            store=str(pick("store", "BOT_STORE", DEFAULT_STORE)),
            locale=str(pick("locale", "BOT_LOCALE", "en")),
            emergency_number=pick("emergency_number", "BOT_EMERGENCY_NUMBER", None),  # type: ignore[arg-type]
            telegram_token=pick("telegram_token", "TELEGRAM_BOT_TOKEN", None),  # type: ignore[arg-type]
            telegram_api_url=str(pick("telegram_api_url", "TELEGRAM_API_URL", DEFAULT_API)).rstrip("/"),
            webhook_url=pick("webhook_url", "TELEGRAM_WEBHOOK_URL", None),  # type: ignore[arg-type]
            webhook_listen=str(pick("webhook_listen", "TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1")),
            webhook_port=int(port),
            session_ttl=parse_ttl(str(pick("session_ttl", "BOT_SESSION_TTL", DEFAULT_TTL))),
            webhook_secret=pick("webhook_secret", "TELEGRAM_WEBHOOK_SECRET", None),  # type: ignore[arg-type]
            flows_dir=Path(str(pick("flows_dir", "BOT_FLOWS_DIR", FLOWS_DIR))),
            locales_dir=Path(str(pick("locales_dir", "BOT_LOCALES_DIR", LOCALES_DIR))),
            log_format=log_format,
            log_level=log_level,
        )


def parse_ttl(text: str) -> float | None:
    """`30d`, `12h`, `90m`, `45s`, `2w` as seconds; `0` means keep forever (None)."""
    value = text.strip().lower()
    if value in ("0", "0s", "0m", "0h", "0d", "0w"):
        return None
    number, unit = value[:-1], value[-1:]
    if unit not in _UNITS or not (number.isascii() and number.isdigit() and len(number) <= 6):
        raise ConfigError(
            f"BOT_SESSION_TTL must be a number with a unit, like 30d, 12h, 45m or 90s (0 = keep), got '{text[:40]}'"
        )
    return float(int(number) * _UNITS[unit])
