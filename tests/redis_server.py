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


def _tls_files(tmp: Path) -> list[str]:
    """A self-signed certificate for 127.0.0.1 (openssl), as redis-server TLS arguments."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; the TLS (rediss://) test needs it to make a certificate")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return ["--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file", str(cert),
            "--tls-auth-clients", "no"]


@contextmanager
def redis_server(*, tls: bool = False) -> Iterator[str]:
    """Run redis-server on a free loopback port without persistence; yield its URL.

    With `tls`, it listens for TLS only and the URL is `rediss://...?ssl_ca_certs=<its certificate>`.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "redis.log", "w+b") as log:
        listen = ["--port", str(port)]
        url = f"redis://127.0.0.1:{port}/0"
        if tls:
            listen = ["--port", "0", "--tls-port", str(port), *_tls_files(Path(tmp))]
            url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={tmp}/cert.pem"
        proc = subprocess.Popen(
            [binary, *listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tmp, "--daemonize", "no", "--loglevel", "warning"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                        if tls:  # accepting connections is enough; the test speaks TLS itself
                            break
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
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
