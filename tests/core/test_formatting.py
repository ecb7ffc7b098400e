"""Money and dates as domain.md and the common brief say: Rp 2.500.000, 24 Nov 2026, 24/11/2026."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from berdaya.core.formatting import date_long, date_short, rupiah


@pytest.mark.parametrize(("amount", "text"), [
    (2_500_000, "Rp 2.500.000"),
    (0, "Rp 0"),
    (600, "Rp 600"),
    (42_000, "Rp 42.000"),
    (20_000_000_000, "Rp 20.000.000.000"),
    (-150_000, "-Rp 150.000"),
    ("300000", "Rp 300.000"),
    (None, "–"),
])
def test_rupiah_uses_dots_between_thousands_and_no_decimals(amount, text):
    assert rupiah(amount) == text


@pytest.mark.parametrize(("value", "text"), [
    (date(2026, 11, 24), "24 Nov 2026"),
    (date(2026, 5, 1), "1 Mei 2026"),
    (date(2025, 8, 17), "17 Agu 2025"),
    (date(2025, 12, 31), "31 Des 2025"),
    (None, "–"),
])
def test_date_long_uses_indonesian_month_abbreviations(value, text):
    with translation.override("id"):
        assert date_long(value) == text


def test_date_short_is_day_month_year_with_slashes():
    assert date_short(date(2026, 11, 24)) == "24/11/2026"
    assert date_short(date(2026, 1, 5)) == "05/01/2026"
    assert date_short(None) == "–"


def test_a_moment_is_shown_in_the_offices_time_zone():
    moment = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 00:30 the next day in Asia/Jakarta (UTC+7)
    assert date_long(moment) == "25 Nov 2026 00:30"
    assert date_short(moment) == "25/11/2026"


def test_templates_use_the_same_filters():
    template = Template("{% load berdaya %}{{ amount|rupiah }} · {{ day|date_long }} · {{ day|date_short }}")
    with translation.override("id"):
        text = template.render(Context({"amount": 2_500_000, "day": date(2026, 11, 24)}))
    assert text == "Rp 2.500.000 · 24 Nov 2026 · 24/11/2026"
