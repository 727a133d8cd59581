"""Locale catalogs: language tags, fallback, placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Catalog, load_locale, placeholders


def write(tmp_path: Path, lang: str, body: str) -> None:
    (tmp_path / f"{lang}.yaml").write_text(
        f"meta: {{name: {lang.upper()}, translator: t, review: r}}\n{body}"
    )


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    for lang in ("en", "zh", "es", "ru"):
        write(
            tmp_path,
            lang,
            f'greet: "hello in {lang}"\nui:\n  emergency_number_default: "the {lang} number"\n  call: "Call {{emergency_number}}"\n',
        )
    (tmp_path / "en.yaml").write_text((tmp_path / "en.yaml").read_text() + 'only_en: "English only"\n')
    return Catalog.load(tmp_path, "en")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh", "zh"),
        ("zh-hans", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-CN", "zh"),
        ("zh_SG", "zh"),
        ("zh-hant", None),
        ("zh-TW", None),
        ("zh-HK", None),
        ("es", "es"),
        ("es-MX", "es"),
        ("es-419", "es"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("en-GB", "en"),
        ("de", None),
        ("", None),
        (None, None),
        ("pt-br", None),
    ],
)
def test_language_code_mapping(catalog: Catalog, tag: str | None, expected: str | None) -> None:
    assert catalog.supported(tag) == expected


def test_lookup_falls_back_to_the_default_language(catalog: Catalog) -> None:
    assert catalog.text("ru", "greet") == "hello in ru"
    assert catalog.text("ru", "only_en") == "English only"
    assert catalog.text("xx", "greet") == "hello in en"
    assert catalog.text("en", "no.such.key") == "no.such.key"


def test_emergency_number_placeholder(catalog: Catalog) -> None:
    assert catalog.text("es", "ui.call") == "Call the es number"
    catalog.set_values(emergency_number="112")
    assert catalog.text("es", "ui.call") == "Call 112"
    assert catalog.text("es", "ui.call", emergency_number="911") == "Call 911"


def test_languages_default_first(catalog: Catalog) -> None:
    assert catalog.languages == ["en", "es", "ru", "zh"]


def test_placeholders() -> None:
    assert placeholders("Call {emergency_number} on {date}") == {"emergency_number", "date"}
    assert placeholders("no braces") == frozenset()


def test_meta_is_required(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text('greet: "hi"\n')
    loc, problems = load_locale(tmp_path / "en.yaml")
    assert loc is not None
    assert any("missing 'meta'" in p.message for p in problems)
