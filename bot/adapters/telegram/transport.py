"""The bot's HTTP transport: PTB's `BaseRequest` on an aiohttp client session.

PTB's default transport (httpx on httpcore) spends most of a busy bot's CPU on connection-pool
bookkeeping, which grows with the pool (see docs/telegram.md). aiohttp's client does the same
work with its C HTTP parser and a simpler pool. Errors map to PTB's the way `HTTPXRequest`
maps them, so the Caller's retry rules hold: a timeout is `TimedOut`, any other transport
failure `NetworkError`, each raised from the aiohttp error (`io.may_have_arrived` reads it).
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

JSON = {"Content-Type": "application/json"}


def _seconds(value: Any, default: float | None) -> float | None:
    """A timeout PTB passed (a number, None for no limit, or its DEFAULT_NONE) in seconds."""
    return default if value is BaseRequest.DEFAULT_NONE else value


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most `pool_size` connections.

    `connect_timeout` bounds opening a connection, `pool_timeout` waiting for a free one,
    `read_timeout` each wait for the answer; writes are bounded by the read timeout (aiohttp
    has no separate one, and Bot API requests without files fit in the socket buffer).
    """

    __slots__ = ("_connect", "_pool", "_pool_size", "_proxies", "_read", "_session", "_write")

    def __init__(
        self,
        pool_size: int = 32,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = pool_size
        self._read, self._write = read_timeout, write_timeout
        self._connect, self._pool = connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._read

    async def initialize(self) -> None:
        """Open the client session (in the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                trust_env=False,  # the proxy settings are read once per host instead (`_proxy`)
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request; (status, body). Raises TimedOut or NetworkError."""
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        read = _seconds(read_timeout, self._read)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,  # free slot + connect
            sock_connect=connect,
            sock_read=read,
        )
        body: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None and request_data.multipart_data:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None and request_data.parameters:
            # one JSON document, nested values (keyboards, commands) as JSON, not JSON in strings
            body, headers = json.dumps(request_data.parameters).encode(), JSON
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
            ) as resp:
                return resp.status, await resp.read()
        except TimeoutError as err:  # aiohttp's timeouts subclass it
            if isinstance(err, aiohttp.ConnectionTimeoutError):
                raise TimedOut(
                    "Connect or pool timeout: the request was *not* sent to Telegram"
                ) from err
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {_without_url(err, url)}") from err

    def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy for `url` from HTTP(S)_PROXY / NO_PROXY (and ~/.netrc), as PTB's own
        transport honours them; read once per host (aiohttp would read them on every request)."""
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(URL(key))
            except LookupError:  # no proxy for this host
                self._proxies[key] = (None, None)
        return self._proxies[key]


def _without_url(err: BaseException, url: str) -> str:
    """The error's text without the request URL (it holds the token)."""
    return str(err).replace(url, "<Bot API URL>").replace(url.rsplit("/", 1)[0], "<Bot API URL>")
