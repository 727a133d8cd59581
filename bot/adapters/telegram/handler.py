"""Telegram updates -> `Incoming` events -> the engine -> `Reply`s -> Telegram messages.

Depends on `bot.events` and on two small contracts (see `bot.adapters.telegram`).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any, Protocol

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.adapters.telegram.answered import edit_answered
from bot.adapters.telegram.chatstate import LIVE, PRESSED, ChatStates, Turn
from bot.adapters.telegram.delivery import StoreError, note_store_down
from bot.adapters.telegram.io import Caller, log, log_failure
from bot.adapters.telegram.keyboards import drop_keyboard, reconcile, retire_live, show_choice
from bot.adapters.telegram.menus import follow_language
from bot.adapters.telegram.raw import answer_query, send_html
from bot.adapters.telegram.render import answered, escape, parse_callback, render
from bot.events import Incoming, Reply
from bot.render import LANGUAGE_MENU

EARLY_MEMORY = 10_000  # presses answered ahead of their turn, remembered until the turn comes
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
NOTICES = {  # stand-ins for locale keys the catalog does not have
    "ui.tg.use_buttons": "I can only read text. Please use the buttons or type your answer.",
    "ui.tg.private_only": "Please talk to me in a private chat: tap my name, then Send Message "
    "or Start. Your answers are personal and should not be shared in a "
    "group.",
    "ui.tg.bad_button": "That button no longer works. Here is the current question.",
    "ui.tg.sorry": "Sorry, something went wrong on my side. Here is where we were:",
}


def may_change_language(update: Update) -> bool:
    """False for a button press outside the language menu: it cannot change the chat's
    language (only the menu's buttons, typed text and commands such as /forget can)."""
    query = update.callback_query
    if query is None:
        return True
    parsed = parse_callback(query.data)
    return parsed is not None and parsed[0] == LANGUAGE_MENU


class Engine(Protocol):
    """What the adapter needs of the core."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Apply one user action and return the bot's messages."""
        ...


class TelegramBot:
    """Turns Telegram updates into `Incoming` events and `Reply`s into Telegram messages."""

    def __init__(
        self, engine: Engine, *, catalog: Any = None, caller: Caller | None = None, username: str = ""
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.call = caller or Caller()
        self.username = username
        self.blocked: set[int] = set()  # chats that blocked the bot (logged once each)
        self._tasks: set[asyncio.Future[Any]] = set()
        self.states = ChatStates(engine)  # live keyboard and last press, in the session
        self._early: OrderedDict[str, bool] = OrderedDict()  # presses answered by answer_early

    # ------------------------------------------------------------------ texts
    def text(self, lang: str | None, key: str) -> str:
        """One of the adapter's notices in `lang` (or the default language)."""
        if self.catalog is not None:
            code = self.catalog.supported(lang) or self.catalog.default
            found: str = self.catalog.text(code, key)
            if found and found != key:
                return found
        return NOTICES[key]

    # ------------------------------------------------------------------ updates
    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle one update; the user always gets an answer, never a traceback."""
        chat = update.effective_chat
        if chat is None:
            return
        if update.my_chat_member is not None:
            self._membership(update)
            return
        user = update.effective_user
        lang = hint = user.language_code if user else None
        if chat.type != ChatType.PRIVATE:
            await self._group(update, chat.id, lang, context.application)
            return
        try:
            language = getattr(self.engine, "language", None)
            if language is not None:  # the session's own choice (/language) wins
                lang = await language(f"tg:{chat.id}", lang)
            await self._private(update, chat.id, lang, context.application)
            if may_change_language(update):  # most updates are presses of a question's buttons
                await follow_language(self, context.application, chat.id, lang, hint)
        except Forbidden:
            self._mark_blocked(chat.id, update.update_id)
        except StoreError as exc:
            if not note_store_down(exc):  # webhook: answered 503, Telegram delivers it again
                log_failure(update.update_id, exc)
                await self._apologise(chat.id, lang, context.application)
        except Exception as exc:
            log_failure(update.update_id, exc)
            await self._apologise(chat.id, lang, context.application)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Last resort for errors outside `on_update` (logged without user data)."""
        uid = update.update_id if isinstance(update, Update) else None
        if context.error is not None:
            log_failure(uid, context.error)

    async def _private(self, update: Update, chat_id: int, lang: str | None, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """One update of a private chat: load the chat's state, act, then save it (which also
        marks the update delivered, so a redelivery of it is not answered again)."""
        t = await self.states.load(chat_id, f"tg:{chat_id}", str(update.update_id))
        if update.callback_query is not None:
            await self._press(update.callback_query, t, lang, app)
        elif update.message is not None and update.message.text is not None:
            await self.turn(app, t, Incoming(t.key, text=update.message.text, lang=lang, event_id=t.event_id))
        elif update.message is not None and update.message.sticker is not None and update.message.sticker.emoji:
            # a sticker reads as its emoji (👍 agrees, 🙏 at the end says thanks), else the note
            incoming = Incoming(t.key, text=update.message.sticker.emoji, lang=lang, event_id=t.event_id)
            replies = await self.engine.handle(incoming)
            if replies and replies[0].kind == "error":
                await self.notice(app, chat_id, self.text(lang, "ui.tg.use_buttons"))
                replies = replies[1:]
            await self.send(app, t, replies)
        else:  # stickers, photos, voice, locations, edited messages, ...
            await self.notice(app, chat_id, self.text(lang, "ui.tg.use_buttons"))
            await self.turn(app, t, Incoming(t.key, lang=lang, event_id=t.event_id))
        if t.state != t.loaded:
            await reconcile(self.call, app, t, await self.states.current(t.key))
        await self.states.save(t)

    async def _press(self, query: CallbackQuery, t: Turn, lang: str | None, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        message = query.message if isinstance(query.message, Message) else None
        parsed = parse_callback(query.data)
        if parsed is None:  # garbage or forged data: a notice, then the current question
            await self._answer(query, self.text(lang, "ui.tg.bad_button"))
            if message is not None:
                await drop_keyboard(self.call, app, t, message.message_id)
            await self.turn(app, t, Incoming(t.key, lang=lang, event_id=t.event_id))
            return
        if self._early.pop(query.id, None) is None:
            await self._answer(query, None)
        pressed = [message.message_id, query.data] if message is not None else None
        if pressed is not None and t.state.get(PRESSED) == pressed:
            return  # a double tap: the first tap has been answered with the next question
        node, option = parsed
        replies = await self.engine.handle(
            Incoming(t.key, option=option, node=node, lang=lang, event_id=t.event_id)
        )
        if message is not None and replies:  # no replies: a redelivery already answered
            if not answered(replies[0], node, option):  # stale, Back, or a menu action
                await drop_keyboard(self.call, app, t, message.message_id)
            else:
                await show_choice(self.call, app, t, message, query.data or "")
                t.state[PRESSED] = pressed
        await self.send(app, t, replies)

    def answer_early(self, update: Update) -> None:
        """Answer a well-formed press in a private chat at once, before the update waits for its
        turn: that stops the spinner on her phone even when the bot is busy."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or chat.type != ChatType.PRIVATE or not parse_callback(query.data):
            return
        self._early[query.id] = True
        while len(self._early) > EARLY_MEMORY:
            self._early.popitem(last=False)
        self._tasks.add(task := asyncio.ensure_future(self._answer(query, None)))
        task.add_done_callback(self._tasks.discard)

    async def _group(self, update: Update, chat_id: int, lang: str | None, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        note = self.text(lang, "ui.tg.private_only")
        try:
            if update.callback_query is not None:
                await self._answer(update.callback_query, note[:200])
            elif update.message is not None:
                await self.notice(app, chat_id, note)
        except TelegramError as exc:
            log.info("update %s: could not answer in a group: %s", update.update_id, type(exc).__name__)

    def _membership(self, update: Update) -> None:
        member = update.my_chat_member
        if member is None:
            return
        status = member.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            self._mark_blocked(member.chat.id, update.update_id)
        else:
            self.blocked.discard(member.chat.id)

    def _mark_blocked(self, chat_id: int, update_id: int | None) -> None:
        if chat_id not in self.blocked:
            self.blocked.add(chat_id)
            log.info("update %s: the user blocked the bot (logged once per chat)", update_id)
            mark = getattr(self.engine, "mark_blocked", None)
            if mark is not None:  # noted in the stored session; her next message clears it
                self._tasks.add(task := asyncio.ensure_future(mark(f"tg:{chat_id}")))
                task.add_done_callback(self._tasks.discard)

    async def _apologise(self, chat_id: int, lang: str | None, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            await self.notice(app, chat_id, self.text(lang, "ui.tg.sorry"))
            t = await self.states.load(chat_id, f"tg:{chat_id}")
            await self.turn(app, t, Incoming(t.key, lang=lang))
            await self.states.save(t)
        except Forbidden:
            self._mark_blocked(chat_id, None)
        except Exception as exc:
            log.error("could not apologise to a user: %s", type(exc).__name__)

    # ------------------------------------------------------------------ sending
    async def turn(self, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, incoming: Incoming) -> None:
        """Ask the engine and send its replies."""
        await self.send(app, t, await self.engine.handle(incoming))

    async def send(self, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, replies: list[Reply]) -> None:
        """Send replies in order; a new keyboard retires the chat's previous one."""
        chat_id = t.chat_id
        for reply in replies:
            if reply.answer is not None:  # a typed answer: "✓ answer" under the question, as for a
                await self._mark_answered(app, t, reply)  # pressed button, and "You said: ..." below
            for out in render(reply):
                if out.keyboard is not None:
                    await retire_live(self.call, app, t)
                sent = await self.call(
                    "sendMessage",
                    lambda o=out: send_html(app.bot, chat_id, o.html, o.markup or o.keyboard),  # type: ignore[misc]
                    # a retry after a timeout may have made a copy: the message before loses its buttons
                    unsure=(lambda m: drop_keyboard(self.call, app, t, m.message_id - 1))
                    if out.keyboard
                    else None,
                )
                self.blocked.discard(chat_id)  # delivered: not (or no longer) blocked
                if out.keyboard is not None and sent is not None:
                    t.state[LIVE] = sent.message_id

    async def _mark_answered(self, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, reply: Reply) -> bool:
        """Show a typed answer under the question it answers; False when that is not possible."""
        message_id = t.state.get(LIVE)
        if not isinstance(message_id, int):
            return False
        if not await edit_answered(self.call, app.bot, t.chat_id, message_id, reply):
            return False
        t.state.pop(LIVE, None)
        return True

    async def notice(self, app: Application[Any, Any, Any, Any, Any, Any], chat_id: int, text: str) -> None:
        """Send one of the adapter's own short notices."""
        await self.call("sendMessage", lambda: send_html(app.bot, chat_id, f"<i>{escape(text)}</i>"))

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await self.call("answerCallbackQuery", lambda: answer_query(query.get_bot(), query.id, text))
        except BadRequest as exc:  # e.g. a query older than Telegram keeps them
            log.info("could not answer a button press: %s", exc.message)
        except TelegramError as exc:  # 5xx or timeouts after the retries: apply the press anyway
            log.warning("could not answer a button press: %s", type(exc).__name__)
