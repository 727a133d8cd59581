"""The advice as a Telegram client shows it: text, bold lines, links and keyboard rows."""

from __future__ import annotations

import re

import pytest

from tests.fake_telegram.harness import running_bot
from tests.helpers import ROOT, make_engine

WALKS = {
    "self_care": ["agree", "t2", "calf_cramp", "none", "mild", "eases_10min"],
    "urgent": ["agree", "t2", "abdomen", "bleeding"],
    "emergency": ["agree", "t3", "calf_cramp", "breathless_chest_pain"],
}
README_START, README_END = "<!-- telegram-outcome:start -->", "<!-- telegram-outcome:end -->"


@pytest.fixture
async def tg():
    engine = make_engine(ROOT, emergency_number="112")
    async with running_bot(engine, catalog=engine.catalog, mode="polling") as running:
        yield running
        assert running.fake.errors == [], "the bot made requests Telegram would refuse"


async def advice(tg, level: str, user_id: int):
    user = tg.fake.user(user_id, language_code="en")
    await user.send("/start")
    await user.read()
    for option in WALKS[level]:
        await user.press(option)
        message = await user.read()
    return user, message


async def test_three_outcomes_as_the_client_shows_them(tg) -> None:
    screens = {}
    for i, level in enumerate(WALKS):
        _, message = await advice(tg, level, 7100 + i)
        screens[level] = message.screen()
        lines = message.text.split("\n")
        bold = [e for e in message.entities if e["type"] == "bold"]
        assert bold[0]["offset"] == 0, "the disposition line comes first, in bold"
        assert len(message.text) <= 700
        assert message.rows[0] == ["More advice", "Sources"]  # actions two per row
        assert all(len(row) <= 2 for row in message.rows)
        if level in ("urgent", "emergency"):
            assert "112" in lines[0] and "Do not drive yourself." in lines[0]
    assert screens["self_care"].startswith("**🟢 Self-care at home.**\n**Cramps like these")
    assert screens["urgent"].startswith("**🟠 Get help now, day or night.")
    assert screens["emergency"].startswith("**🔴 Call 112 now. Do not drive yourself.**")
    readme = (ROOT / "README.md").read_text()
    shown = readme.split(README_START)[1].split(README_END)[0].strip().strip("`").strip()
    assert shown == screens["self_care"], "update the README's Telegram example to:\n" + screens["self_care"]


async def test_more_and_sources_do_not_mark_the_advice_as_answered(tg) -> None:
    user, message = await advice(tg, "self_care", 7200)
    await user.press("more")
    more = await user.read()
    assert "What to avoid:" in more.text and "If it gets worse or you are worried:" in more.text
    assert "✓" not in message.text and message.keyboard == []  # no "✓ More advice" line
    await user.press("sources")
    sources = await user.read()
    links = [e for e in sources.entities if e["type"] == "text_link"]
    assert links and all(e["url"].startswith("https://") for e in links)
    assert "https://" not in sources.text  # named links, not raw addresses
    assert "✓" not in more.text
    await user.press("why")
    why = await user.read()
    assert "✓" not in sources.text and why.rows[-1] == ["Start again"]


async def test_every_question_has_an_inline_back_button(tg) -> None:
    user = tg.fake.user(7300, language_code="en")
    await user.send("/start")
    welcome = await user.read()
    assert "⬅ Back" not in welcome.labels  # nothing to go back to yet
    await user.press("agree")
    status = await user.read()
    asked = status.text
    assert status.rows[-1] == ["⬅ Back"]
    await user.press("t2")
    location = await user.read()
    await user.press("back")
    again = await user.read()
    assert again.text == asked and "✓" not in location.text and location.keyboard == []
    await user.quiet(0.05)


async def test_descriptions_per_language_and_the_menu_follows_the_chosen_language(tg) -> None:
    catalog = tg.bot.catalog
    for lang, code in ((None, "en"), ("es", "es"), ("ru", "ru"), ("zh", "zh")):
        got = tg.fake.descriptions
        assert got[("description", lang or "")] == catalog.text(code, "ui.tg.description")
        assert got[("short_description", lang or "")] == catalog.text(code, "ui.tg.short_description")
        assert len(got[("short_description", lang or "")]) <= 120
    user = tg.fake.user(7400, language_code="en")
    await user.send("/start")
    await user.read()
    await user.send("/language")
    await user.read()
    await user.press("es")
    await user.read_until_keyboard()
    await user.quiet(0.2)  # the chat's menu is set after the replies went out
    menu = tg.fake.commands[("chat:7400", "")]
    assert dict(menu)["back"] == catalog.text("es", "ui.cmd.back")
    assert re.search("[áéíóúñ]", " ".join(d for _, d in menu))
