"""Be the user: chat with the real Telegram adapter through the fake Bot API, in a terminal.

`python -m tests.fake_telegram` (or `make tg-try`) starts the fake server, runs
`python -m bot telegram` against it, and reads what you type: text is sent as a message, a
number presses that button of the last question, and `!help` lists the other things a phone
can do (stickers, edits, blocking the bot).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from .server import FakeTelegram
from .user import BotMessage, FakeUser

HELP = """Type a message and press Enter. A number presses that button of the last question.
  !sticker  !photo  !voice  !location   send one of those instead of text
  !edit TEXT                            edit your last message
  !block  !unblock                      block or unblock the bot
  !help                                 this list;  Ctrl-D or !quit to leave"""


def show(message: BotMessage) -> str:
    """A bot message as the terminal shows it: its text, then its buttons numbered."""
    lines = [message.text]
    lines += [f"  [{n}] {label}" for n, label in enumerate(message.labels, 1)]
    return "\n".join(lines)


def show_edit(before: str, message: BotMessage) -> str | None:
    """An edited message: only what was added, when the edit appended to it."""
    if message.text == before:
        return None  # only its buttons went away: the bot moved on
    if message.text.startswith(before):
        return "  " + message.text[len(before) :].strip()
    return f"(edited) {message.text}"


class Terminal:
    """One person at the keyboard, acting as a Telegram user."""

    def __init__(self, user: FakeUser, *, wait: float = 10.0, quiet: float = 0.4) -> None:
        self.user, self.wait, self.quiet = user, wait, quiet

    async def handle(self, line: str) -> str | None:
        """Act on one typed line; the text to print (None: leave)."""
        line = line.strip()
        if not line:
            return ""
        if line in ("!quit", "!exit"):
            return None
        if line == "!help":
            return HELP
        seen = {mid: (m.edits, m.text) for mid, m in self.user.messages.items()}
        note = await self._act(line)
        if note is not None and note.startswith("?"):
            return note[1:]
        out = [note] if note else []
        out += await self._replies(seen)
        return "\n".join(out) if out else "(no reply)"

    async def _act(self, line: str) -> str | None:
        """Do what the line says; a note to print ("?..." when nothing was sent)."""
        user = self.user
        actions: dict[str, Callable[[], Awaitable[object]]] = {
            "!sticker": user.send_sticker,
            "!photo": user.send_photo,
            "!voice": user.send_voice,
            "!location": user.send_location,
            "!block": user.block,
            "!unblock": user.unblock,
        }
        if line in actions:
            await actions[line]()
            return None
        if line.startswith("!edit "):
            if user._last_own is None or "text" not in user._last_own:
                return "?There is no message of yours to edit yet."
            await user.edit_last(line[6:])
            return None
        if line.startswith("!"):
            return "?Unknown action; !help lists them."
        if line.isdigit() and user.last_keyboard is not None:
            buttons = user.last_keyboard.buttons
            n = int(line)
            if not 1 <= n <= len(buttons):
                return f"?The last question has buttons 1 to {len(buttons)}."
            toast, alert = await user.press_data(user.last_keyboard, buttons[n - 1]["callback_data"], timeout=self.wait)
            return f"({'alert' if alert else 'toast'}: {toast})" if toast else None
        await user.send(line)
        return None

    async def _replies(self, seen: dict[int, tuple[int, str]]) -> list[str]:
        """The bot's new messages and edits, once it has been quiet for a moment."""
        out: list[str] = []
        timeout = self.wait
        while True:
            try:
                message = await asyncio.wait_for(self.user.inbox.get(), timeout)
            except TimeoutError:
                break
            out.append(show(message))
            timeout = self.quiet
        if not out:
            await asyncio.sleep(self.quiet)  # an edit may still be on its way
        for mid, message in self.user.messages.items():
            if mid in seen and message.edits != seen[mid][0] and (edit := show_edit(seen[mid][1], message)):
                out.insert(0, edit)
        return out


async def read_line(prompt: str) -> str | None:
    """One line from stdin without blocking the event loop (None at end of input)."""
    if sys.stdin.isatty():
        sys.stdout.write(prompt)
        sys.stdout.flush()
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line if line else None


async def chat(fake: FakeTelegram, *, lang: str | None) -> None:
    """The prompt loop: read, act, print the bot's replies, until end of input or !quit."""
    terminal = Terminal(fake.user(language_code=lang))
    print(HELP, end="\n\n", flush=True)
    while (line := await read_line("> ")) is not None:
        out = await terminal.handle(line)
        if out is None:
            break
        if out:
            print(out, end="\n\n", flush=True)
