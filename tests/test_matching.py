"""Typed answers: numbers, ids, labels and weeks of pregnancy, per language."""

from __future__ import annotations

import pytest

from bot.flow.model import NumberRange
from bot.matching import Matcher, norm
from tests.helpers import ROOT, make_engine

MATCHER = Matcher(make_engine(ROOT).catalog)
CHOICES = [("t1", "Pregnant: up to 12 weeks"), ("t2", "Pregnant: 13 to 27 weeks")]
RANGES = [NumberRange(1, 12, "t1"), NumberRange(13, 27, "t2"), NumberRange(28, 42, "t3")]


def test_norm() -> None:
    assert norm("  Pregnant:   UP to 12 weeks ") == "pregnant: up to 12 weeks"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", "t1"),
        ("2", "t2"),
        ("3", None),
        ("0", None),
        ("t2", "t2"),
        ("PREGNANT: 13 TO 27 WEEKS", "t2"),
        ("preg", None),
    ],
)
def test_choice(typed: str, expected: str | None) -> None:
    assert MATCHER.choice(typed, CHOICES) == expected


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("en", "24", "t2"),
        ("en", "24 weeks", "t2"),
        ("en", "Week 30", "t3"),
        ("en", "I'm 8 weeks pregnant", "t1"),
        ("en", "3 months", None),
        ("en", "born 2 weeks ago", None),
        ("en", "50 weeks", None),
        ("en", "24 and 30", None),
        ("zh", "24周", "t2"),
        ("zh", "第30周", "t3"),
        ("zh", "3个月", None),
        ("es", "24 semanas", "t2"),
        ("es", "semana 30", "t3"),
        ("es", "3 meses", None),
        ("ru", "24 недели", "t2"),
        ("ru", "срок 8 недель", "t1"),
        ("ru", "3 месяца", None),
    ],
)
def test_week(lang: str, typed: str, expected: str | None) -> None:
    assert MATCHER.week(typed, lang, RANGES, lambda option: True) == expected


def test_week_respects_options_not_offered() -> None:
    assert MATCHER.week("24", "en", RANGES, lambda option: option != "t2") is None


# -- tolerant matching at real questions (shipped content) --------------------------------------

LOCATION = [
    (o, MATCHER.catalog.text("en", f"option.{o}"))
    for o in ("calf_cramp", "leg_numbness", "hand_numbness", "low_back", "upper_back", "pelvis", "abdomen")
]
SCREEN = [(o, MATCHER.catalog.text("en", f"option.{o}")) for o in ("breathless_chest_pain", "one_leg_swollen", "none")]


def understand(text: str, choices, lang: str = "en", **kw):
    from bot.matching import Question

    return MATCHER.understand(text, lang, Question(choices, **kw))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("calf", "calf_cramp"),
        ("my calf hurts", "calf_cramp"),
        ("lower back", "low_back"),
        ("numb hands", "hand_numbness"),
        ("tummy pain", "abdomen"),
        ("numb or tingling hand or fingres", "hand_numbness"),  # one typo among clear words
        ("Tummy (belly) pain or cramps.", "abdomen"),  # the label with a full stop
        ("3)", "hand_numbness"),
        ("#4", "low_back"),
        ("option 2", "leg_numbness"),
        ("two", "leg_numbness"),
    ],
)
def test_location_words(typed: str, expected: str) -> None:
    found = understand(typed, LOCATION)
    assert (found.kind, found.option) == ("option", expected)


@pytest.mark.parametrize(
    ("typed", "candidates"),
    [
        ("numb", {"leg_numbness", "hand_numbness"}),
        ("back", {"low_back", "upper_back"}),
        ("fingres", {"hand_numbness"}),  # a typo alone: asked, not taken
    ],
)
def test_ambiguous_or_loose_words_are_asked(typed: str, candidates: set[str]) -> None:
    found = understand(typed, LOCATION)
    assert found.kind == "ask"
    assert set(found.candidates) == candidates


def test_a_loose_fit_never_picks_none_on_a_screen() -> None:
    exact = understand("none of them", SCREEN, screen=True)
    assert (exact.kind, exact.option) == ("option", "none")
    typo = understand("none of thse", SCREEN, screen=True)
    assert (typo.kind, typo.candidates) == ("ask", ("none",))
    denied = understand("no chest pain", SCREEN, screen=True)
    assert denied.kind == "ask" and set(denied.candidates) == {"breathless_chest_pain", "none"}


@pytest.mark.parametrize(
    ("lang", "typed", "sign"),
    [
        ("en", "I am bleeding a lot and feel faint", "heavy_bleeding"),
        ("en", "can't breathe", "breathless_chest_pain"),
        ("en", "my waters broke", "fluid_leak"),
        ("en", "baby not moving since this morning", "reduced_movements"),
        ("en", "she had a fit", "seizure"),
        ("en", "HELP", "emergency"),
        ("zh", "我大出血了", "heavy_bleeding"),
        ("zh", "胸口痛，喘不上气", "breathless_chest_pain"),
        ("zh", "救命", "emergency"),
        ("es", "estoy sangrando mucho", "heavy_bleeding"),
        ("es", "no puedo respirar", "breathless_chest_pain"),
        ("es", "ayuda", "emergency"),
        ("ru", "сильное кровотечение", "heavy_bleeding"),
        ("ru", "не могу дышать", "breathless_chest_pain"),
        ("ru", "помогите", "emergency"),
    ],
)
def test_warning_signs_in_four_languages(lang: str, typed: str, sign: str) -> None:
    assert sign in MATCHER.signs(typed, lang)


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("en", "no bleeding"), ("en", "not bleeding at all"), ("zh", "没有出血"), ("es", "sin sangrado"), ("ru", "нет кровотечения")],
)
def test_denied_signs_are_not_emergencies(lang: str, typed: str) -> None:
    assert MATCHER.signs(typed, lang) == []


@pytest.mark.parametrize(
    ("lang", "typed", "weeks"),
    [
        ("en", "24+3", 24),
        ("en", "24w3d", 24),
        ("en", "24 weeks and 3 days", 24),
        ("en", "twenty weeks", 20),
        ("en", "twins 30 weeks", 30),
        ("en", "hi, I'm 34 weeks with my second baby", 34),
        ("es", "veinticuatro semanas", 24),
        ("ru", "двадцать четыре недели", 24),
        ("zh", "怀孕二十四周", 24),
        ("zh", "２４周", 24),
    ],
)
def test_pregnancy_notation(lang: str, typed: str, weeks: int) -> None:
    ranges = [NumberRange(1, 12, "t1"), NumberRange(13, 27, "t2"), NumberRange(28, 42, "t3")]
    status = [(o, o) for o in ("t1", "t2", "t3", "pregnant_unsure", "postpartum", "breastfeeding")]
    found = understand(typed, status, lang, numbers=ranges, numbers_error="q.status_weeks_out_of_range")
    assert found.kind == "option" and found.weeks == weeks
