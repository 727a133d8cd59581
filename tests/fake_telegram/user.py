"""The people side of the fake server: a user who types, presses buttons and reads replies."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import FakeTelegram

READ_TIMEOUT = 5.0


@dataclass
class BotMessage:
    """A message the bot sent, as the user's phone shows it (edits applied)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    entities: list[dict]
    keyboard: list[list[dict]]
    edits: int = 0
    history: list[str] = field(default_factory=list)

    def edit(self, html: str, text: str, entities: list[dict], keyboard: list[list[dict]]) -> None:
        """Apply an edit, keeping the earlier text in `history`."""
        self.history.append(self.text)
        self.html, self.text, self.entities, self.keyboard = html, text, entities, keyboard
        self.edits += 1

    @property
    def buttons(self) -> list[dict]:
        """The inline buttons, row by row."""
        return [button for row in self.keyboard for button in row]

    @property
    def labels(self) -> list[str]:
        """The button labels, in order."""
        return [button["text"] for button in self.buttons]

    @property
    def rows(self) -> list[list[str]]:
        """The button labels, row by row, as the keyboard lays them out."""
        return [[button["text"] for button in row] for row in self.keyboard]

    def screen(self) -> str:
        """The message as a phone shows it, in plain text: bold as **…**, links as name <url>,
        then the keyboard, one line per row of buttons."""
        marks: dict[int, list[str]] = {}
        for e in self.entities:
            start, end = e["offset"], e["offset"] + e["length"]
            if e["type"] == "bold":
                marks.setdefault(start, []).append("**")
                marks.setdefault(end, []).insert(0, "**")
            elif e["type"] == "text_link":
                marks.setdefault(end, []).insert(0, f" <{e['url']}>")
        out, offset = [], 0  # entity offsets count UTF-16 code units
        for ch in self.text:
            out += marks.get(offset, [])
            out.append(ch)
            offset += len(ch.encode("utf-16-le")) // 2
        text = "".join(out + marks.get(offset, []))
        buttons = ["  ".join(f"[ {label} ]" for label in row) for row in self.rows]
        return "\n".join([text, *buttons]) if buttons else text

    def to_api(self, me: dict, chat: dict) -> dict:
        """The Message object of the Bot API."""
        data = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": me,
            "text": self.text,
        }
        if self.entities:
            data["entities"] = self.entities
        if self.keyboard:
            data["reply_markup"] = {"inline_keyboard": self.keyboard}
        if self.edits:
            data["edit_date"] = int(time.time())
        return data


class FakeUser:
    """One person in one chat (private by default) with the bot."""

    def __init__(
        self, server: FakeTelegram, user_id: int, *, language_code: str | None, first_name: str, group: bool
    ) -> None:
        self.server = server
        self.sender = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.sender["language_code"] = language_code
        self.chat = (
            {"id": -user_id, "type": "group", "title": "Bump club"}
            if group
            else {"id": user_id, "type": "private", "first_name": first_name}
        )
        self.started = False
        self.blocked = False
        self.messages: dict[int, BotMessage] = {}
        self.inbox: asyncio.Queue[BotMessage] = asyncio.Queue()
        self.last_keyboard: BotMessage | None = None
        self._last_own: dict | None = None

    def receive(self, message: BotMessage) -> None:
        """Called by the server when the bot sends a message to this chat."""
        self.messages[message.message_id] = message
        if message.keyboard:
            self.last_keyboard = message
        self.inbox.put_nowait(message)

    # ------------------------------------------------------------------ acting
    async def send(self, text: str) -> int:
        """Type `text` (a /command gets its bot_command entity); return the update id."""
        content: dict = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self._send(content)

    async def send_sticker(self, emoji: str | None = None) -> int:
        """Send a sticker (with the emoji it stands for, if given)."""
        sticker = {
            "file_id": "CAACAgI",
            "file_unique_id": "AgAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        if emoji:
            sticker["emoji"] = emoji
        return await self._send({"sticker": sticker})

    async def send_photo(self) -> int:
        """Send a photo."""
        return await self._send(
            {"photo": [{"file_id": "AgACAgI", "file_unique_id": "AQAD", "width": 90, "height": 90}]}
        )

    async def send_voice(self) -> int:
        """Send a voice note."""
        return await self._send({"voice": {"file_id": "AwACAgI", "file_unique_id": "AgADv", "duration": 3}})

    async def send_location(self) -> int:
        """Share a location."""
        return await self._send({"location": {"latitude": 51.5, "longitude": -0.12}})

    async def edit_last(self, text: str) -> int:
        """Edit the last text this user sent."""
        assert self._last_own is not None, "nothing to edit"
        edited = dict(self._last_own, text=text, edit_date=int(time.time()))
        return await self.server.push_update("edited_message", edited)

    async def press(
        self, choice: str, *, message: BotMessage | None = None, timeout: float = READ_TIMEOUT
    ) -> tuple[str | None, bool]:
        """Press the button whose label or option id is `choice`; return the callback answer."""
        message = message or self.last_keyboard
        assert message is not None, "no keyboard to press"
        for button in message.buttons:
            option = str(button.get("callback_data", "")).rpartition("|")[2]
            if choice in (button["text"], option):
                return await self.press_data(message, button["callback_data"], timeout=timeout)
        raise AssertionError(f"no button {choice!r} in {message.labels}")

    async def press_data(
        self, message: BotMessage, data: str, *, timeout: float = READ_TIMEOUT
    ) -> tuple[str | None, bool]:
        """Send a callback query with any `data` (a modified client can); await its answer."""
        qid, answered = self.server.new_query()
        await self.server.push_update(
            "callback_query",
            {
                "id": qid,
                "from": self.sender,
                "chat_instance": f"ci{self.chat['id']}",
                "data": data,
                "message": message.to_api(self.server.me, self.chat),
            },
        )
        try:
            return await asyncio.wait_for(answered, timeout)
        except TimeoutError:
            raise AssertionError(f"button press {data!r} was never answered") from None

    async def block(self) -> None:
        """Block the bot: later sends get 403, and the bot gets a my_chat_member update."""
        self.blocked = True
        await self._member("member", "kicked")

    async def unblock(self) -> None:
        """Unblock the bot again."""
        self.blocked = False
        await self._member("kicked", "member")

    # ------------------------------------------------------------------ reading
    async def read(self, timeout: float = READ_TIMEOUT) -> BotMessage:
        """The next message from the bot (waits for it)."""
        try:
            return await asyncio.wait_for(self.inbox.get(), timeout)
        except TimeoutError:
            raise AssertionError("the bot sent no message") from None

    async def read_until_keyboard(self, timeout: float = READ_TIMEOUT) -> list[BotMessage]:
        """Messages up to and including the next one with buttons."""
        got = [await self.read(timeout)]
        while not got[-1].keyboard:
            got.append(await self.read(timeout))
        return got

    async def quiet(self, seconds: float = 0.3) -> None:
        """Assert that the bot sends nothing more for `seconds`."""
        await asyncio.sleep(seconds)
        assert self.inbox.empty(), f"unexpected message: {self.inbox.get_nowait().text!r}"

    # ------------------------------------------------------------------ internals
    async def _send(self, content: dict) -> int:
        self.started = True
        self.server._message_id += 1
        message = {
            "message_id": self.server._message_id,
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.sender,
            **content,
        }
        self._last_own = message
        return await self.server.push_update("message", message)

    async def _member(self, old: str, new: str) -> None:
        def member(status: str) -> dict:
            return {
                "status": status,
                "user": self.server.me,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        await self.server.push_update(
            "my_chat_member",
            {
                "chat": self.chat,
                "from": self.sender,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )
