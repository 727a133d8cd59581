"""Telegram settings: token, API root, polling or webhook; validated, never logged."""

from __future__ import annotations

import argparse
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

OFFICIAL_API = "https://api.telegram.org"
_TOKEN = re.compile(r"^[0-9]{3,}:[A-Za-z0-9_-]{30,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the user."""


@dataclass(frozen=True)
class TelegramConfig:
    """Everything the Telegram adapter needs to start; build it with `load_config`."""

    token: str = field(repr=False)
    api_url: str = OFFICIAL_API
    webhook_url: str | None = None  # set: webhook mode; None: long polling
    listen: str = "127.0.0.1"
    port: int = 8080
    secret_token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    poll_timeout: float = 30.0  # seconds a getUpdates long poll may wait
    request_timeout: float = 10.0  # connect/read/write timeout of other API calls
    retries: int = 3  # attempts for a call that timed out or hit a network error
    retry_delay: float = 1.0  # first pause between such attempts (doubles each time)

    @property
    def base_url(self) -> str:
        """Bot API method root, as PTB wants it."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """Bot API file root, as PTB wants it."""
        return f"{self.api_url}/file/bot"

    @property
    def url_path(self) -> str:
        """The path the webhook server listens on: the path of the public URL."""
        return urlsplit(self.webhook_url or "").path.strip("/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the webhook options of `python -m bot telegram` to `parser`."""
    group = parser.add_argument_group("webhook (default: long polling)")
    group.add_argument("--webhook-url", metavar="URL",
                       help="public https URL Telegram posts updates to "
                            "(env TELEGRAM_WEBHOOK_URL); enables webhook mode")
    group.add_argument("--listen", metavar="ADDR",
                       help="address the webhook server binds to "
                            "(env TELEGRAM_WEBHOOK_LISTEN, default 127.0.0.1)")
    group.add_argument("--port", metavar="N",
                       help="port the webhook server binds to "
                            "(env TELEGRAM_WEBHOOK_PORT, default 8080)")
    group.add_argument("--secret-token", metavar="SECRET",
                       help="secret Telegram sends in X-Telegram-Bot-Api-Secret-Token "
                            "(env TELEGRAM_WEBHOOK_SECRET, default: random per start)")


def validate_token(token: str | None) -> str:
    """The token, stripped; ConfigError when it is missing or not shaped like a bot token."""
    token = (token or "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and "
                          "export TELEGRAM_BOT_TOKEN=...")
    if not _TOKEN.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: it should look like "
                          "123456789:AA... as given by @BotFather")
    return token


def validate_api_url(url: str | None) -> str:
    """The Bot API root without a trailing slash; ConfigError when it is not an http(s) URL."""
    url = (url or OFFICIAL_API).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"TELEGRAM_API_URL must be an http(s) URL, got {url!r}")
    return url


def load_config(args: argparse.Namespace | None, env: Mapping[str, str], *,
                token: str | None = None, api_url: str | None = None) -> TelegramConfig:
    """Build the config from flags, then `env`; `token`/`api_url` override env when given."""

    def pick(flag: str, var: str) -> str | None:
        value = getattr(args, flag, None) if args is not None else None
        return value if value not in (None, "") else (env.get(var) or None)

    config_token = validate_token(token if token is not None else env.get("TELEGRAM_BOT_TOKEN"))
    api = validate_api_url(api_url if api_url is not None else env.get("TELEGRAM_API_URL"))
    extra: dict = {}
    webhook = pick("webhook_url", "TELEGRAM_WEBHOOK_URL")
    if webhook:
        parts = urlsplit(webhook)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"the webhook URL must be an https URL, got {webhook!r}")
        if parts.scheme == "http" and api == OFFICIAL_API:
            raise ConfigError("Telegram only posts to https webhook URLs; put the bot behind a "
                              "reverse proxy with TLS")
        extra["webhook_url"] = webhook
    listen = pick("listen", "TELEGRAM_WEBHOOK_LISTEN")
    if listen:
        extra["listen"] = listen
    port = pick("port", "TELEGRAM_WEBHOOK_PORT")
    if port is not None:
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"the webhook port must be a number from 1 to 65535, got {port!r}")
        extra["port"] = int(port)
    secret = pick("secret_token", "TELEGRAM_WEBHOOK_SECRET")
    if secret is not None:
        if not _SECRET.match(secret):
            raise ConfigError("the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, "
                              "_ and -")
        extra["secret_token"] = secret
    return TelegramConfig(token=config_token, api_url=api, **extra)
