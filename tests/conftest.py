"""Shared fixtures: no network, the mini content, an engine and a chat helper."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.helpers import MINI, Chat, make_engine
from tests.redis_server import redis_server

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _local_only(address: object) -> None:
    host = address[0] if isinstance(address, tuple) else None
    if (
        host is not None
        and host not in ("127.0.0.1", "::1", "localhost")
        and not str(host).startswith("127.")
    ):
        raise OSError(f"network access is disabled in tests (tried {host})")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to servers on this machine only."""

    def connect(self: socket.socket, address: object) -> None:
        _local_only(address)
        return _real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        _local_only(address)
        return _real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a real redis-server started for this test run (db 0; tests use their own keys)."""
    with redis_server() as url:
        yield url


@pytest.fixture
def mini() -> Path:
    """The small test content (flows/ and locales/)."""
    return MINI


@pytest.fixture
def engine():
    """An engine on the mini content with a memory store."""
    return make_engine()


@pytest.fixture
def chat(engine) -> Chat:
    """A conversation with the mini engine."""
    return Chat(engine)


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the longest first message per language, measured by tests/test_phone.py."""
    import sys

    test_phone = sys.modules.get("tests.test_phone")
    if test_phone is not None and test_phone.REPORT:
        terminalreporter.write_sep("-", f"longest first message of an outcome (limit {test_phone.FIRST_LIMIT})")
        for lang, (length, outcome, status) in sorted(test_phone.REPORT.items()):
            terminalreporter.write_line(f"{lang}: {length} characters ({outcome}, status {status})")
