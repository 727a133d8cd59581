"""Log lines on stderr: timestamped text, or one JSON object per line (BOT_LOG_FORMAT=json).

What goes into a log is decided where it is logged: ids, counts and error types, never the
token and never what a user typed. The token is also redacted by the Telegram adapter's filter,
which runs before these formatters.
"""

from __future__ import annotations

import json
import logging
import sys
import time

FORMATS = ("text", "json")
# LogRecord attributes that are not extra fields given with `log.info(..., extra={...})`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def timestamp(record: logging.LogRecord) -> str:
    """The record's time in UTC, ISO 8601 with milliseconds: 2026-12-01T09:30:00.123Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """`2026-12-01T09:30:00.123Z INFO bot.engine: message`, then the stack, if any."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """UTC ISO 8601, whatever the machine's time zone."""
        return timestamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record on one line: time, level, logger, message, extras, stack."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, object] = {
            "time": timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(fmt: str = "text", level: int | str = logging.WARNING, *, force: bool = False) -> None:
    """Send log records to stderr in format `fmt` ("text" or "json").

    Like logging.basicConfig, it leaves a root logger that already has handlers alone (an
    embedding application's or pytest's), unless `force` is given.
    """
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=force)


def set_verbosity(level: str | None) -> None:
    """Apply BOT_LOG_LEVEL to the bot's own loggers; None keeps each module's default.

    Whatever the level, `transitions` stays at WARNING: its INFO lines name the states a user
    passed through, which is her answers.
    """
    logging.getLogger("transitions").setLevel(logging.WARNING)
    if level is not None:
        logging.getLogger("bot").setLevel(level)
