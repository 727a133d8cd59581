"""Keep the bot token out of every output: log records, stderr, start-up messages."""

from __future__ import annotations

import logging
from typing import Any, TextIO

MASK = "<token>"
MAX_DETAIL = 200  # characters of an API error description shown in a message
_NOT_JSON = ". Parsing the server response"  # PTB quotes the whole (HTML) body after this


def redact(text: str, token: str) -> str:
    """`text` with the token, and its secret half on its own, replaced by <token>."""
    if not token:
        return text
    text = text.replace(token, MASK)
    secret = token.partition(":")[2]
    return text.replace(secret, MASK) if len(secret) >= 20 else text


def describe(message: str, token: str) -> str:
    """A Bot API error description fit for one line: redacted, no HTML page, bounded."""
    head, not_json, _ = message.partition(_NOT_JSON)
    text = " ".join(redact(head, token).split())
    if not_json:
        text += ", and the answer was not a Bot API answer (an HTML error page?)"
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


class RedactToken(logging.Filter):
    """Replaces the bot token in every log record that passes the handler it is attached to."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the token; always keep the record."""
        if not self.token:
            return True
        message = record.getMessage()
        if redact(message, self.token) != message:
            record.msg, record.args = redact(message, self.token), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if redact(text, self.token) != text:
                record.exc_info, record.exc_text = None, redact(text, self.token)
        return True


class LibraryNoise(logging.Filter):
    """Drops PTB's "Can not load invalid JSON data" record: it carries a traceback and the
    whole error page, while the error it precedes is reported by the adapter in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that one record; every other record passes."""
        return not (
            record.name.startswith("telegram") and str(record.msg).startswith("Can not load invalid JSON")
        )


class RedactingStream:
    """A text stream (stderr) that writes everything through `redact`: the last line of
    defence for output that bypasses logging, such as a traceback printed by Python."""

    def __init__(self, stream: TextIO, token: str) -> None:
        self._stream = stream
        self._token = token

    def write(self, text: str) -> int:
        """Write `text` without the token."""
        self._stream.write(redact(text, self._token))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
