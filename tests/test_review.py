"""The review pack: preview site, translation state and content sign-off, as reviewers use them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bot.cli import main
from bot.flow.model import holds
from bot.i18n import load_locales
from bot.lint import check_content
from bot.review import signoff, translations
from tests.helpers import SHIPPED, copy_content

LANGS = ("en", "es", "ru", "zh")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The preview of the shipped content in all four languages."""
    out = tmp_path_factory.mktemp("preview")
    assert main(["preview", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def shipped():
    content = check_content(SHIPPED / "flows", SHIPPED / "locales")
    return content.flows["triage"], content.locales


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_parses_and_every_node_has_its_page(site: Path, shipped) -> None:
    flow, _ = shipped
    index = soup(site / "index.html")
    linked = {a["href"] for a in index.find_all("a", href=True)}
    for nid in flow.nodes:
        page = soup(site / f"node-{nid}.html")
        assert page.find("h1", id="node").get_text(strip=True) == nid
        if nid != flow.start:
            assert f"node-{nid}.html" in linked or nid in {"status", "location"}, f"{nid} is not in the index"
    for path in site.glob("*.html"):
        assert soup(path).find("main") is not None, path


def test_every_outcome_shows_its_disposition_and_the_sources_of_its_advice(site: Path, shipped) -> None:
    flow, _ = shipped
    for nid, node in flow.nodes.items():
        if not node.is_outcome:
            continue
        page = soup(site / f"node-{nid}.html")
        assert page.select_one(".where .disp").get_text(strip=True) == node.disposition
        variants = page.select("section.variant")
        assert variants, f"{nid}: no path reaches it"
        links = {a["href"] for a in page.select("td.source a")}
        wanted = {flow.sources[i.source].url for i in node.items()}
        assert links and links <= wanted, nid
        for variant in variants:
            for chat in variant.select(".chat"):
                assert chat.select(".bubble.kind-outcome"), f"{nid}: no outcome bubble in {chat['lang']}"


def test_button_labels_are_the_locale_texts_in_each_language(site: Path, shipped) -> None:
    flow, locales = shipped
    for nid, node in flow.nodes.items():
        if node.is_outcome:
            continue
        labels = {lang: {locales[lang].texts[o.label] for o in node.options} for lang in LANGS}
        page = soup(site / f"node-{nid}.html")
        for chat in page.select(".chat"):
            lang = chat["lang"]
            bubble = chat.select(f'.bubble[data-node="{nid}"]')[-1]
            shown = {b.get_text() for b in bubble.select(".button")}
            assert shown and shown <= labels[lang], (nid, lang, shown - labels[lang])


def test_each_status_sees_its_own_screen_variant(site: Path, shipped) -> None:
    flow, locales = shipped
    screen = flow.nodes["screen_calf_cramp"]
    page = soup(site / "node-screen_calf_cramp.html")
    for variant in page.select("section.variant"):
        statuses = [c.get_text() for c in variant.find("h2").find_all("code")]
        english = variant.select_one('.chat[lang="en"]')
        shown = {
            b.get_text() for b in english.select(f'.bubble[data-node="{screen.id}"]')[-1].select(".button")
        }
        for status in statuses:
            offered = {
                locales["en"].texts[o.label] for o in screen.options if holds(o.when, {"status": status})
            }
            assert shown == offered, status


def test_only_chosen_languages(tmp_path: Path) -> None:
    assert main(["preview", "--out", str(tmp_path), "--lang", "en", "--lang", "es"]) == 0
    chats = soup(tmp_path / "node-status.html").select(".chat")
    assert {c["lang"] for c in chats} == {"en", "es"}


def test_unknown_language_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--out", str(tmp_path), "--lang", "xx"]) == 2
    assert "unknown language(s): xx" in capsys.readouterr().err


# -- translation state ------------------------------------------------------------------------


def plain_key(content: Path, lang: str = "en") -> tuple[str, str]:
    """A key whose text in `lang` is plain words, written once in the file: safe to edit as text."""
    locales, _ = load_locales(content / "locales")
    raw = (content / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")
    for key, text in sorted(locales[lang].texts.items()):
        english = locales["en"].texts.get(key, "")
        simple = all(ch.isalnum() or ch in " .,'" for ch in english + text)
        if key.startswith(("q.", "option.", "out.", "adv.")) and simple and raw.count(text) == 1:
            return key, text
    raise AssertionError("no plain text to edit")


def lint_warnings(content: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = main(["lint", "--flows", str(content / "flows"), "--locales", str(content / "locales")])
    err = capsys.readouterr().err
    assert code == 0, err
    return [line for line in err.splitlines() if "warning:" in line]


def test_shipped_translations_are_recorded_as_current(shipped) -> None:
    """Every shipped translation is recorded as made from the current English (docs/review.md)."""
    _, locales = shipped
    for lang in ("es", "ru", "zh"):
        record, problems = translations.load_record(SHIPPED / "locales", lang)
        state = translations.translation_state(locales["en"], locales[lang], record)
        assert not problems
        assert not state.stale, (
            f"{lang}: {len(state.stale)} text(s) not recorded as translated from the current English "
            f"({state.stale[:5]}...). After checking them, run: python -m bot translations --mark {lang} KEY... "
            f"(or --all), and commit locales/fingerprints/{lang}.yaml"
        )
        assert not state.untranslated, (
            f"{lang}: texts equal to the English: {state.untranslated[:5]}. Translate them, or, when a text is "
            f"rightly the same in {lang} (a name, a word people type in English), list its key under "
            f"same_as_english in locales/fingerprints/{lang}.yaml"
        )


def test_changing_an_english_text_makes_its_translations_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(SHIPPED, tmp_path)
    key, english = plain_key(content)
    en = content / "locales" / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace(english, english + " now", 1), encoding="utf-8")
    stale = [w for w in lint_warnings(content, capsys) if "may be stale" in w]
    assert sorted(Path(w.split(":", 1)[0]).name for w in stale) == ["es.yaml", "ru.yaml", "zh.yaml"], stale
    assert all(f"'{key}'" in w for w in stale)
    # The translator checks the Spanish, then records it: es is no longer stale, ru and zh still are.
    assert (
        main(
            [
                "translations",
                "--flows",
                str(content / "flows"),
                "--locales",
                str(content / "locales"),
                "--mark",
                "es",
                key,
            ]
        )
        == 0
    )
    capsys.readouterr()
    stale = [w for w in lint_warnings(content, capsys) if "may be stale" in w]
    assert len(stale) == 2 and not any("es.yaml" in w for w in stale), stale


def test_english_pasted_into_a_locale_is_reported_untranslated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(SHIPPED, tmp_path)
    locales, _ = load_locales(content / "locales")
    key, spanish = plain_key(content, "es")
    es = content / "locales" / "es.yaml"
    es.write_text(
        es.read_text(encoding="utf-8").replace(spanish, locales["en"].texts[key], 1), encoding="utf-8"
    )
    warnings = lint_warnings(content, capsys)
    assert any(f"'{key}' is the English text, not translated" in w and "es.yaml" in w for w in warnings), (
        warnings
    )


def test_translations_command_prints_the_state_per_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(SHIPPED, tmp_path)
    args = ["--flows", str(content / "flows"), "--locales", str(content / "locales")]
    key, _ = plain_key(content, "ru")
    assert main(["translations", *args, "--mark", "ru", "--reviewed", key]) == 0
    capsys.readouterr()
    assert main(["translations", *args]) == 0
    rows = {line.split("|")[1].strip(): line for line in capsys.readouterr().out.splitlines()[2:]}
    assert set(rows) == {"es", "ru", "zh"}
    reviewed = {lang: int(row.split("|")[7]) for lang, row in rows.items()}
    assert reviewed == {"es": 0, "ru": 1, "zh": 0}


# -- sign-off ---------------------------------------------------------------------------------


def test_signoff_records_the_content_and_lint_warns_once_it_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(SHIPPED, tmp_path)
    args = ["--flows", str(content / "flows"), "--locales", str(content / "locales")]
    assert any("NOT signed off" in w for w in lint_warnings(content, capsys))
    assert main(["signoff", *args, "--by", "A. Midwife", "--role", "midwife"]) == 0
    assert "signed off content" in capsys.readouterr().out
    rel = signoff.release(content / "flows", content / "locales")
    assert rel.signed and rel.signoffs[0].by == "A. Midwife" and rel.signoffs[0].role == "midwife"
    assert not any("signed off" in w for w in lint_warnings(content, capsys))
    _, english = plain_key(content)
    en = content / "locales" / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace(english, english + " now", 1), encoding="utf-8")
    warned = [w for w in lint_warnings(content, capsys) if "NOT signed off" in w]
    assert warned and f"changed since {rel.fingerprint}" in warned[0]


def test_signoff_needs_clean_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_content(SHIPPED, tmp_path)
    (content / "locales" / "es.yaml").write_text("meta: [broken\n", encoding="utf-8")
    args = ["--flows", str(content / "flows"), "--locales", str(content / "locales")]
    assert main(["signoff", *args, "--by", "X", "--role", "midwife"]) == 1
    assert not signoff.signoff_path(content / "flows").exists()


async def test_console_help_shows_the_content_fingerprint(tmp_path: Path) -> None:
    from bot.app import build_engine
    from bot.events import Incoming
    from bot.settings import Settings

    settings = Settings.load(env={}, store="memory://")
    line = signoff.release(settings.flows_dir, settings.locales_dir).describe()
    engine = build_engine(settings, help_footer=line)
    replies = await engine.handle(Incoming("console:t", text="/help"))
    assert replies[0].text.endswith(line)
    assert line.startswith("content ") and "signed off" in line


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="headless Chromium (Debian package chromium) not installed"
)
def test_an_outcome_page_renders_in_headless_chromium(site: Path, tmp_path: Path) -> None:
    shot = tmp_path / "outcome.png"
    page = site / "node-out_calf_self_care.html"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=412,900",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (412, 900)
    assert len(data) > 20_000  # a page with text and bubbles, not a blank screen
