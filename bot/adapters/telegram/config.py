"""Telegram settings: token, API root, polling or webhook; validated, never logged."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.settings import Settings

OFFICIAL_API = "https://api.telegram.org"
_TOKEN = re.compile(r"^[0-9]{3,}:[A-Za-z0-9_-]{30,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class TelegramConfig:
    """Everything the Telegram adapter needs to start; build it with `load_config`."""

    token: str = field(repr=False)
    api_url: str = OFFICIAL_API
    webhook_url: str | None = None  # set: webhook mode; None: long polling
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = field(default="", repr=False)  # empty: derived from the token
    poll_timeout: float = 30.0  # seconds a getUpdates long poll may wait
    request_timeout: float = 10.0  # connect/read/write timeout of other API calls
    retries: int = 3  # attempts for a call that timed out or hit a network error
    retry_delay: float = 1.0  # first pause between such attempts (doubles each time)
    pool_size: int = 32  # HTTP connections for Bot API calls (getUpdates has its own); see bench

    def __post_init__(self) -> None:
        if not self.secret_token:
            object.__setattr__(self, "secret_token", derive_secret(self.token))

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


def derive_secret(token: str) -> str:
    """The default webhook secret: a keyed hash of the token, so every worker agrees on it
    with no setting, and nobody without the token can compute it."""
    return hmac.new(b"mamaflow webhook secret v1", token.encode(), hashlib.sha256).hexdigest()


def validate_token(token: str | None) -> str:
    """The token, stripped; ConfigError when it is missing or not shaped like a bot token."""
    token = (token or "").strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export TELEGRAM_BOT_TOKEN=..."
        )
    if not _TOKEN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: it should look like 123456789:AA... as given by @BotFather"
        )
    return token


def validate_api_url(url: str | None) -> str:
    """The Bot API root without a trailing slash; ConfigError when it is not an http(s) URL."""
    url = (url or OFFICIAL_API).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"TELEGRAM_API_URL must be an http(s) URL, got {url!r}")
    return url


def from_settings(settings: Settings, **overrides: Any) -> TelegramConfig:
    """Check the Telegram settings and build the adapter's config (raises ConfigError)."""
    token = validate_token(settings.telegram_token)
    api = validate_api_url(settings.telegram_api_url)
    extra: dict[str, Any] = {}
    webhook = (settings.webhook_url or "").strip()
    if webhook:
        parts = urlsplit(webhook)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"the webhook URL must be an https URL, got {webhook!r}")
        if parts.scheme == "http" and api == OFFICIAL_API:
            raise ConfigError(
                "Telegram only posts to https webhook URLs; put the bot behind a reverse proxy with TLS"
            )
        extra["webhook_url"] = webhook
    if not 0 < settings.webhook_port < 65536:
        raise ConfigError(f"the webhook port must be from 1 to 65535, got {settings.webhook_port}")
    secret = settings.webhook_secret
    if secret is not None:
        if not _SECRET.match(secret):
            raise ConfigError("the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        extra["secret_token"] = secret
    extra.update(overrides)
    return TelegramConfig(
        token=token, api_url=api, listen=settings.webhook_listen, port=settings.webhook_port, **extra
    )
