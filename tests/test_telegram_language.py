"""Languages in Telegram: the user's language_code, per-language command menus, notices."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.telegram.handler import NOTICES
from bot.i18n import load_locale
from tests.fake_telegram.harness import running_bot
from tests.helpers import MINI, ROOT, copy_content, make_engine

GERMAN = {
    "name: English": "name: Deutsch",
    '"Start or continue"': '"Starten oder fortsetzen"',
    '"Change my last answer"': '"Letzte Antwort ändern"',
    '"This is a self-care guide, not a diagnosis.': '"Dies ist ein Selbsthilfe-Leitfaden.',
    'agree: "I understand"': 'agree: "Verstanden"',
}
NOTICE_DE = "Ich kann nur Text lesen. Bitte tippe auf eine Schaltfläche."


def test_shipped_english_has_the_adapter_notices() -> None:
    english, _ = load_locale(ROOT / "locales" / "en.yaml")
    assert english is not None
    for key, text in NOTICES.items():
        assert english.texts[key] == text, key


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    """The mini content with a (partly) German locale."""
    content = copy_content(MINI, tmp_path)
    en = (content / "locales" / "en.yaml").read_text()
    assert NOTICES["ui.tg.use_buttons"] in en
    de = en.replace(NOTICES["ui.tg.use_buttons"], NOTICE_DE)
    for english, german in GERMAN.items():
        assert english in de
        de = de.replace(english, german)
    (content / "locales" / "de.yaml").write_text(de)
    return content


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_languages(bilingual: Path, mode: str) -> None:
    engine = make_engine(bilingual)
    async with running_bot(engine, catalog=engine.catalog, mode=mode) as tg:
        menus = tg.fake.commands
        assert dict(menus[("default", "")])["start"] == "Start or continue"
        assert dict(menus[("default", "de")])["start"] == "Starten oder fortsetzen"

        lena = tg.fake.user(1, language_code="de-AT")
        await lena.send("/start")
        assert (await lena.read()).labels == ["Verstanden"]
        await lena.send_sticker()
        assert (await lena.read()).text == NOTICE_DE

        ana = tg.fake.user(2, language_code="pt-br")  # not available: the default language
        await ana.send("/start")
        assert (await ana.read()).labels == ["I understand"]
        await ana.send("/language")
        menu = await ana.read()
        assert menu.labels == ["English", "Deutsch"]
        assert ("chat:2", "") not in menus
        await ana.press("Deutsch")
        await ana.read()  # "I'll speak ... from now on" (untranslated in this test)
        question = await ana.read()
        assert question.labels == ["Verstanden"]
        assert menu.text.endswith("✓ Deutsch")
        for _ in range(40):  # set just after the replies went out
            if ("chat:2", "") in menus:
                break
            await asyncio.sleep(0.05)
        assert dict(menus[("chat:2", "")])["start"] == "Starten oder fortsetzen"  # her menu follows
        menu_calls = len(tg.fake.calls_of("setMyCommands"))
        await ana.press("Verstanden", message=question)  # an answer: her language stays
        await ana.read_until_keyboard()
        assert len(tg.fake.calls_of("setMyCommands")) == menu_calls
        assert tg.fake.errors == []
