"""The bot's profile texts and command menus: per language, and per chat after /language."""

from __future__ import annotations

import re
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.adapters.telegram.io import log

DESCRIPTION_LIMIT = 512  # setMyDescription: "What can this bot do?" on the empty chat screen
SHORT_DESCRIPTION_LIMIT = 120  # setMyShortDescription: the profile page and shared links
PROFILE = (
    ("setMyDescription", "ui.tg.description", DESCRIPTION_LIMIT, "set_my_description", "description"),
    (
        "setMyShortDescription",
        "ui.tg.short_description",
        SHORT_DESCRIPTION_LIMIT,
        "set_my_short_description",
        "short_description",
    ),
)


FALLBACK_COMMANDS = ("start", "restart", "back", "more", "help", "emergency", "language", "forget")


def profile_languages(catalog: Any) -> list[str | None]:
    """None (everyone else, in the default language), then each other two-letter language."""
    return [None, *(la for la in catalog.languages[1:] if re.fullmatch(r"[a-z]{2}", la))]


async def set_descriptions(app: Application[Any, Any, Any, Any, Any, Any], bot: Any) -> None:
    """setMyDescription and setMyShortDescription in every language; failures are logged."""
    catalog = bot.catalog
    if catalog is None:
        return
    for lang in profile_languages(catalog):
        for method, key, limit, call, field in PROFILE:
            text = catalog.text(lang or catalog.default, key)
            if text == key:
                continue
            try:  # another worker may have set it already: then nothing to do
                current = await bot.call(
                    "get" + method[3:],
                    lambda g="get" + call[3:], la=lang: getattr(app.bot, g)(language_code=la),
                )
                if current is not None and getattr(current, field, None) == text[:limit]:
                    continue
                await bot.call(
                    method,
                    lambda c=call, f=field, t=text[:limit], la=lang: getattr(app.bot, c)(
                        **{f: t}, language_code=la
                    ),
                )
            except TelegramError as exc:
                log.warning(
                    "could not set the bot's %s (%s): %s", field, lang or "default", type(exc).__name__
                )


def command_menus(bot: Any) -> dict[str | None, list[tuple[str, str]]]:
    """The command menu per language code (None: everyone else, in the default language)."""
    commands = getattr(bot.engine, "commands", None)
    if commands is None:
        return {None: [(c, c) for c in FALLBACK_COMMANDS]}
    if bot.catalog is None:
        return {None: commands(None)}
    return {lang: commands(lang or bot.catalog.default) for lang in profile_languages(bot.catalog)}


async def set_commands(app: Application[Any, Any, Any, Any, Any, Any], bot: Any) -> None:
    """setMyCommands for each language; a failure is logged, not fatal."""
    for lang, menu in command_menus(bot).items():
        commands = [BotCommand(name, (desc or name)[:256]) for name, desc in menu]
        try:  # another worker may have set it already: then nothing to do
            current = await bot.call("getMyCommands", lambda la=lang: app.bot.get_my_commands(language_code=la))
            if [(c.command, c.description) for c in current or ()] == [(c.command, c.description) for c in commands]:
                continue
            await bot.call(
                "setMyCommands", lambda c=commands, la=lang: app.bot.set_my_commands(c, language_code=la)
            )
        except TelegramError as exc:
            log.warning("could not set the command menu (%s): %s", lang or "default", type(exc).__name__)


async def follow_language(bot: Any, app: Application[Any, Any, Any, Any, Any, Any], chat_id: int, before: str | None, hint: str | None) -> None:
    """After the chat's language changed (/language), show its command menu in that language.

    Cosmetic and after the replies went out: it never fails the update (a failure here must
    not make Telegram deliver the update again)."""
    language = getattr(bot.engine, "language", None)
    commands = getattr(bot.engine, "commands", None)
    if language is None or commands is None:
        return
    try:
        now = await language(f"tg:{chat_id}", hint)
        if now == before:
            return
        menu = [BotCommand(name, (desc or name)[:256]) for name, desc in commands(now)]
        await bot.call("setMyCommands", lambda: app.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id)))
    except Exception as exc:  # logged, never raised: see above
        log.info("could not set a chat's command menu: %s", type(exc).__name__)
