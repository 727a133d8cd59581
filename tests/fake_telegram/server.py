"""A fake Telegram Bot API server on 127.0.0.1, as strict as Telegram about what mamaflow uses.

Methods: getMe, getUpdates (offset, long polling, 409 on a second poller or with a webhook),
setWebhook / deleteWebhook / getWebhookInfo (updates POSTed with the secret header),
sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery, setMyCommands,
getMyCommands (default, chat and all-chats scopes), setMyDescription, setMyShortDescription
and their getters (512 and 120 characters). It enforces 64-byte callback data, 4096-character texts, Telegram's HTML
parse mode, and can inject failures (429 with retry_after, 403, 500, slow answers).

One deliberate relaxation: a webhook URL may be plain http on 127.0.0.1 (Telegram wants https).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .delivery import ParallelDelivery
from .rules import (
    ApiError,
    answer,
    bool_param,
    int_param,
    keyboard_param,
    params,
    text_param,
)
from .user import BotMessage, FakeUser

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)
OLD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@dataclass
class Injection:
    """A failure to answer the next `times` calls of `method` with."""

    method: str
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1


@dataclass
class Call:
    """One API call the bot made, with the answer it got."""

    method: str
    params: dict[str, Any]
    status: int = 200
    description: str = ""


@dataclass
class Webhook:
    """The webhook as set by setWebhook."""

    url: str = ""
    secret: str | None = None
    failures: list[int | str] = field(default_factory=list)


class FakeTelegram:
    """The fake server: start(), make users with user(), inspect calls, inject failures."""

    def __init__(self, token: str = TOKEN, *, username: str = "mamaflow_test_bot") -> None:
        self.token = token
        self.me = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Mamaflow",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.errors: list[Call] = []  # refusals the bot caused (not injected, not 403/429)
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (scope, lang) -> menu
        self.descriptions: dict[tuple[str, str], str] = {}  # (kind, lang) -> text
        self.webhook = Webhook()
        self.chats: dict[int, FakeUser] = {}
        self._injections: list[Injection] = []
        self._updates: list[dict] = []
        self._update_id = 1000
        self._message_id = 0
        self._query_id = 0
        self._queries: dict[str, asyncio.Future] = {}
        self._allowed: list[str] | None = None
        self._changed = asyncio.Condition()
        self._poller = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._delivery: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""
        # webhook delivery: more than one connection delivers in parallel (see delivery.py)
        self.webhook_connections = 1
        self.webhook_duplicates = 0.0  # share of delivered updates Telegram sends once more
        self.parallel: ParallelDelivery | None = None

    # ----------------------------------------------------------------- life cycle
    async def start(self, port: int = 0) -> FakeTelegram:
        """Listen on `port` (default: a free one) of 127.0.0.1; `url` is the API root to give the bot."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        """End long polls and webhook deliveries, close the server."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._delivery:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    # ----------------------------------------------------------------- test API
    def user(
        self,
        chat_id: int = 5001,
        *,
        language_code: str | None = "en",
        first_name: str = "Ana",
        group: bool = False,
    ) -> FakeUser:
        """A Telegram user chatting with the bot in a private chat (or a group)."""
        user = FakeUser(self, chat_id, language_code=language_code, first_name=first_name, group=group)
        self.chats[user.chat["id"]] = user
        return user

    def inject(
        self,
        method: str,
        *,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error (after `delay` seconds).

        With `status=200` the call is carried out at once and only its answer is delayed: a
        message that is delivered although the bot's request times out."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: "Forbidden: bot was blocked by the user",
                502: "Bad Gateway",
            }.get(status, "Internal Server Error")
        self._injections.append(Injection(method, status, description, retry_after, delay, times))

    def called(self, method: str) -> list[Call]:
        """The successful calls of `method`, oldest first."""
        return [c for c in self.calls_of(method) if c.status == 200]

    def calls_of(self, method: str) -> list[Call]:
        """Every call of `method`, failed ones too, oldest first."""
        return [c for c in self.calls if c.method == method]

    async def push_update(self, kind: str, payload: dict) -> int:
        """Queue an update for the bot (getUpdates or webhook); return its update_id."""
        self._update_id += 1
        if self._allowed and kind not in self._allowed:
            return self._update_id
        self._updates.append({"update_id": self._update_id, kind: payload})
        async with self._changed:
            self._changed.notify_all()
        return self._update_id

    def new_query(self) -> tuple[str, asyncio.Future]:
        """A fresh callback query id and the future its answer resolves."""
        self._query_id += 1
        qid = f"{self.me['id']}{self._query_id:06d}"
        self._queries[qid] = asyncio.get_running_loop().create_future()
        return qid, self._queries[qid]

    # ----------------------------------------------------------------- HTTP
    async def _endpoint(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return answer(ApiError(401, "Unauthorized"))
        given = await params(request)
        call = Call(method, given)
        self.calls.append(call)
        try:
            injected = self._take_injection(method)
            if injected and injected.status != 200:
                await asyncio.sleep(injected.delay)
                raise ApiError(injected.status, injected.description, injected.retry_after)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(given)
            if injected:  # status 200: done (a message is delivered), but the answer comes late
                await asyncio.sleep(injected.delay)
            return answer(result)
        except ApiError as exc:
            call.status, call.description = exc.code, exc.description
            if exc.code in (400, 401, 404, 409) and not injected and exc.description != NOT_MODIFIED:
                self.errors.append(call)
            return answer(exc)

    def _take_injection(self, method: str) -> Injection | None:
        for inj in self._injections:
            if inj.method.lower() == method.lower():
                inj.times -= 1
                if inj.times <= 0:
                    self._injections.remove(inj)
                return inj
        return None

    # ----------------------------------------------------------------- methods
    async def _m_getme(self, p: dict) -> dict:
        return self.me

    async def _m_getupdates(self, p: dict) -> list[dict]:
        if self.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int_param(p, "offset", 0)
        try:
            timeout = float(p.get("timeout", 0))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: invalid timeout specified") from None
        if "allowed_updates" in p:
            self._allowed = p["allowed_updates"] or None
        self._poller += 1
        me = self._poller
        deadline = time.monotonic() + timeout
        async with self._changed:
            self._changed.notify_all()  # an older poll ends with 409
            while True:
                if me != self._poller:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make "
                        "sure that only one bot instance is running",
                    )
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if self._updates or left <= 0 or self._closing:
                    return self._updates[: int_param(p, "limit", 100)]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    async def _m_setwebhook(self, p: dict) -> bool:
        url = p.get("url", "")
        if url:
            parts = urlsplit(url)
            local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
            if parts.scheme != "https" and not local:
                raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if bool_param(p, "drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in p:
            self._allowed = p["allowed_updates"] or None
        self.webhook = Webhook(url, secret)
        async with self._changed:
            self._changed.notify_all()  # a pending long poll gets its 409
        if url and (self._delivery is None or self._delivery.done()):
            if self.webhook_connections > 1:
                self.parallel = ParallelDelivery(self, self.webhook_connections, self.webhook_duplicates)
                self._delivery = asyncio.create_task(self.parallel.run())
            else:
                self._delivery = asyncio.create_task(self._deliver())
        return True

    async def _m_deletewebhook(self, p: dict) -> bool:
        if bool_param(p, "drop_pending_updates"):
            self._updates.clear()
        self.webhook = Webhook()
        return True

    async def _m_getwebhookinfo(self, p: dict) -> dict:
        return {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _m_setmycommands(self, p: dict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for c in commands:
            if not _COMMAND.match(str(c.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        lang = p.get("language_code", "") or ""
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise ApiError(400, "Bad Request: invalid language code specified")
        self.commands[(_scope(p), lang)] = [(c["command"], c["description"]) for c in commands]
        return True

    async def _m_getmycommands(self, p: dict) -> list[dict]:
        found = self.commands.get((_scope(p), p.get("language_code", "") or ""), [])
        return [{"command": c, "description": d} for c, d in found]

    async def _m_setmydescription(self, p: dict) -> bool:
        self.descriptions[("description", _language(p))] = _profile_text(p, "description", 512)
        return True

    async def _m_setmyshortdescription(self, p: dict) -> bool:
        self.descriptions[("short_description", _language(p))] = _profile_text(p, "short_description", 120)
        return True

    async def _m_getmydescription(self, p: dict) -> dict:
        return {"description": self.descriptions.get(("description", _language(p)), "")}

    async def _m_getmyshortdescription(self, p: dict) -> dict:
        return {"short_description": self.descriptions.get(("short_description", _language(p)), "")}

    async def _m_sendmessage(self, p: dict) -> dict:
        user = self._chat(p)
        text, entities = text_param(p)
        keyboard = keyboard_param(p.get("reply_markup"))
        self._message_id += 1
        message = BotMessage(user.chat["id"], self._message_id, p["text"], text, entities, keyboard)
        user.receive(message)
        return message.to_api(self.me, user.chat)

    async def _m_editmessagetext(self, p: dict) -> dict:
        user, message = self._message(p)
        text, entities = text_param(p)
        keyboard = keyboard_param(p.get("reply_markup"))
        if (text, entities, keyboard) == (message.text, message.entities, message.keyboard):
            raise ApiError(400, NOT_MODIFIED)
        message.edit(p["text"], text, entities, keyboard)
        return message.to_api(self.me, user.chat)

    async def _m_editmessagereplymarkup(self, p: dict) -> dict:
        user, message = self._message(p)
        keyboard = keyboard_param(p.get("reply_markup"))
        if keyboard == message.keyboard:
            raise ApiError(400, NOT_MODIFIED)
        message.edit(message.html, message.text, message.entities, keyboard)
        return message.to_api(self.me, user.chat)

    async def _m_answercallbackquery(self, p: dict) -> bool:
        future = self._queries.get(str(p.get("callback_query_id")))
        if future is None or future.done():
            raise ApiError(400, OLD_QUERY)
        if len(p.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        future.set_result((p.get("text"), bool_param(p, "show_alert")))
        return True

    # ----------------------------------------------------------------- helpers
    def _chat(self, p: dict) -> FakeUser:
        user = self.chats.get(int_param(p, "chat_id", 0))
        if user is None or not user.started:
            raise ApiError(400, "Bad Request: chat not found")
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _message(self, p: dict) -> tuple[FakeUser, BotMessage]:
        user = self._chat(p)
        message = user.messages.get(int_param(p, "message_id", 0))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return user, message

    async def _deliver(self) -> None:
        """POST queued updates to the webhook one at a time, retrying failures."""
        assert self._session is not None
        while not self._closing:
            async with self._changed:
                while not self._updates and self.webhook.url and not self._closing:
                    await self._changed.wait()
            if not self.webhook.url:
                return
            update, hook = self._updates[0], self.webhook
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret} if hook.secret else {}
            try:
                async with self._session.post(hook.url, json=update, headers=headers) as resp:
                    status = resp.status
            except aiohttp.ClientError as exc:
                status = type(exc).__name__
            if status == 200:
                if self._updates and self._updates[0] is update:
                    self._updates.pop(0)
            else:
                hook.failures.append(status)
                await asyncio.sleep(0.05)


def _language(p: dict) -> str:
    """The call's language_code ("" for everyone), checked like Telegram."""
    lang = p.get("language_code", "") or ""
    if lang and not re.fullmatch(r"[a-z]{2}", lang):
        raise ApiError(400, "Bad Request: invalid language code specified")
    return lang


def _scope(p: dict) -> str:
    """A command scope as a key: its type, and the chat for the chat scopes."""
    scope = p.get("scope") or {"type": "default"}
    kind = scope.get("type") if isinstance(scope, dict) else None
    if kind in ("chat", "chat_administrators"):
        if not isinstance(scope.get("chat_id"), int | str) or not str(scope["chat_id"]).lstrip("-").isdigit():
            raise ApiError(400, "Bad Request: chat_id is required for this scope")
        return f"{kind}:{scope['chat_id']}"
    if kind not in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        raise ApiError(400, "Bad Request: unsupported scope")
    return kind


def _profile_text(p: dict, field: str, limit: int) -> str:
    """A description text: at most `limit` characters (empty removes it)."""
    text = p.get(field, "") or ""
    if not isinstance(text, str) or len(text) > limit:
        raise ApiError(400, f"Bad Request: {field} is too long")
    return text
