"""A real redis-server for the tests, started on a free port (skipped, or failed in CI, without one)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRED = os.environ.get("CI", "").lower() == "true" or os.environ.get("MAMAFLOW_REQUIRE_REDIS") == "1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason}; the Redis tests are mandatory here (CI=true or MAMAFLOW_REQUIRE_REDIS=1)")
    pytest.skip(f"{reason}; install it (Debian: apt-get install redis-server) to run the Redis tests")


@contextmanager
def redis_server() -> Iterator[str]:
    """Run redis-server on a free loopback port without persistence; yield its redis:// URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "redis.log", "w+b") as log:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tmp, "--daemonize", "no", "--loglevel", "warning"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    err = log.read().decode(errors="replace")
                    _missing(f"redis-server did not start: {err.strip()[:200]}")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
