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
