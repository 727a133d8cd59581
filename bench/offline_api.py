"""A `BaseRequest` that answers every Bot API method in-process, the way Telegram does.

Both bots of the Telegram bench run on it: no network, no server, and the answers are full
objects (a `sendMessage` returns the whole Message, with its keyboard), so PTB parses what it
would parse against Telegram. Every request is recorded, so the bench can check that the two
bots make the same calls before it times them.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "mamaflow", "username": "mamaflow_bot"}
TRUE_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "setMyCommands",
        "deleteMyCommands",
        "setMyDescription",
        "setMyShortDescription",
        "setChatMenuButton",
        "deleteWebhook",
        "setWebhook",
        "sendChatAction",
        "deleteMessage",
    }
)


class OfflineBotAPI(BaseRequest):
    """Answers Bot API calls like Telegram: Messages for sends and edits, True for the rest."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1000)
        self.record = True
        self.messages: dict[int, dict[str, Any]] = {}  # message id -> the Message as Telegram keeps it
        self._keyboard: dict[int, int] = {}  # chat -> the newest message that has buttons

    def keyboard_message(self, chat: int) -> dict[str, Any] | None:
        """The newest message of `chat` that still has buttons (what a user would press)."""
        mid = self._keyboard.get(chat)
        return self.messages.get(mid) if mid is not None else None

    @property
    def read_timeout(self) -> float | None:
        """No network: nothing to wait for."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """The JSON answer Telegram would give to `url`'s method with these parameters."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if self.record:
            self.calls.append((name, dict(params)))
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if name in TRUE_METHODS:
            return True
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": int(params["message_id"]) if "message_id" in params else next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": "Mum"},
                "from": BOT_USER,
                "text": _plain(params.get("text", "")),
            }
            if name != "sendMessage":
                message["edit_date"] = int(time.time())
                old = self.messages.get(message["message_id"], {})
                if name == "editMessageReplyMarkup":
                    message["text"] = old.get("text", "")
            markup = params.get("reply_markup")
            if markup:
                message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
                self._keyboard[chat] = message["message_id"]
            elif self._keyboard.get(chat) == message["message_id"]:
                del self._keyboard[chat]
            self.messages[message["message_id"]] = message
            return message
        if name == "getUpdates":
            return []
        raise ValueError(f"the offline Bot API does not know {name}")


def _plain(text: str) -> str:
    """Telegram returns the text without its HTML tags; close enough for parsing costs."""
    out, inside = [], False
    for ch in text:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def update(update_id: int, chat: int, *, text: str | None = None, data: str | None = None,
           message: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Telegram Update as JSON: a typed message, or a button press on the bot's `message`."""
    user = {"id": chat, "is_bot": False, "first_name": "Mum", "language_code": "en"}
    chat_obj = {"id": chat, "type": "private", "first_name": "Mum"}
    now = int(time.time())
    if data is None:
        message = {"message_id": update_id, "date": now, "chat": chat_obj, "from": user, "text": text or ""}
        if text and text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": update_id, "message": message}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": user,
            "chat_instance": str(chat),
            "data": data,
            "message": message or {"message_id": 1, "date": now, "chat": chat_obj, "from": BOT_USER, "text": "?"},
        },
    }
