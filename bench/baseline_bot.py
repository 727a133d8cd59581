"""The baseline: a hand-written python-telegram-bot `ConversationHandler` bot for one branch.

It is what a developer would write without mamaflow: one state per question, a static
keyboard per state, and the same Bot API calls the mamaflow adapter makes for a button press
(answer the press, mark the chosen button on the answered question, send the next question).
Its texts are taken once, at build time, from what mamaflow shows on that branch, so both
bots send byte-identical requests and only the work around them differs.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CHOSEN = "✓"


@dataclass(frozen=True)
class Step:
    """One state: the messages to send (HTML), the last with its buttons (label, callback data)."""

    messages: tuple[str, ...]
    buttons: tuple[tuple[tuple[str, str], ...], ...]

    @property
    def markup(self) -> InlineKeyboardMarkup | None:
        """The step's keyboard, built once."""
        return _markup(self.buttons)


_MARKUPS: dict[tuple, InlineKeyboardMarkup | None] = {}


def _markup(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup | None:
    if rows not in _MARKUPS:
        _MARKUPS[rows] = (
            InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows])
            if rows
            else None
        )
    return _MARKUPS[rows]


def build(app: Application, steps: list[Step]) -> None:
    """Add the branch's ConversationHandler to `app`: /start, then one state per step."""

    async def send_step(context: ContextTypes.DEFAULT_TYPE, chat_id: int, step: Step) -> None:
        for i, text in enumerate(step.messages):
            last = i == len(step.messages) - 1
            await context.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=step.markup if last else None,
                link_preview_options=NO_PREVIEW,
            )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.effective_chat is not None
        await send_step(context, update.effective_chat.id, steps[0])
        return 0

    def pressed(index: int):
        async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            query = update.callback_query
            assert query is not None and update.effective_chat is not None
            await query.answer()
            message = query.message
            label = next(
                b.text for row in message.reply_markup.inline_keyboard for b in row if b.callback_data == query.data
            )
            await query.edit_message_text(
                f"{message.text_html}\n\n{CHOSEN} <i>{html.escape(label, quote=False)}</i>",
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            )
            await send_step(context, update.effective_chat.id, steps[index + 1])
            return index + 1 if index + 2 < len(steps) else ConversationHandler.END

        return handler

    # One conversation per chat, as in mamaflow; PTB warns that presses are then not tracked per message.
    warnings.filterwarnings("ignore", message=".*per_message=False.*")
    states = {i: [CallbackQueryHandler(pressed(i))] for i in range(len(steps) - 1)}
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states=states,
            fallbacks=[CommandHandler("start", start)],
            allow_reentry=True,
        )
    )
