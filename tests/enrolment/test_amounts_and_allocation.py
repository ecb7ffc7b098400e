"""The pure parts: payments left in the year per frequency, and the allocation rules (strict rank order, quotas)."""

from types import SimpleNamespace

import pytest

from berdaya.enrolment.allocation import Row, allocate, rank
from berdaya.enrolment.amounts import payment_months, payments_in_year


def _programme(frequency, duration=12):
    return SimpleNamespace(frequency=frequency, duration_months=duration)


@pytest.mark.parametrize(("frequency", "duration", "start", "payments"), [
    ("monthly", 12, 1, 12), ("monthly", 12, 7, 6), ("monthly", 12, 12, 1), ("monthly", 3, 1, 3), ("monthly", 3, 11, 2),
    ("quarterly", 12, 1, 4), ("quarterly", 12, 4, 3), ("quarterly", 12, 5, 2), ("quarterly", 12, 11, 0),
    ("yearly", 12, 9, 1), ("one_off", 1, 12, 1),
])
def test_payments_left_from_a_month_to_december(frequency, duration, start, payments):
    assert payments_in_year(_programme(frequency, duration), start) == payments


def test_quarterly_programmes_pay_in_january_april_july_and_october():
    assert payment_months(_programme("quarterly")) == [1, 4, 7, 10]


def _rows(*specs):
    return [Row(household_id=i, village_code=village, priority_score=score, amount=amount)
            for i, (village, score, amount) in enumerate(specs, start=1)]


def test_the_first_household_the_budget_cannot_pay_stops_everyone_below_it():
    rows = rank(_rows(("33.16.01.2001", 9, 500), ("33.16.01.2001", 8, 700), ("33.16.01.2001", 7, 100)))
    result = allocate(rows, available=1000)
    assert [(r.household_id, r.fits, r.wait_reason) for r in rows] == [(1, True, ""), (2, False, "budget"),
                                                                      (3, False, "budget")]
    assert (result.fitting, result.waiting, result.total, result.left) == (1, 2, 500, 500)


def test_a_full_quota_skips_to_the_next_household_without_stopping():
    rows = rank(_rows(("33.16.01.2001", 9, 100), ("33.16.01.2002", 8, 100), ("33.16.02.2001", 7, 100)))
    allocate(rows, available=1000, quotas={"33.16.01": 1})
    assert [(r.fits, r.wait_reason) for r in rows] == [(True, ""), (False, "quota"), (True, "")]


def test_households_already_waiting_win_a_tie_on_the_priority_score_only():
    new, carried, poorer = Row(1, "v", priority_score=5, welfare_score=10), Row(
        2, "v", priority_score=5, welfare_score=90, carried=True), Row(3, "v", priority_score=6, welfare_score=99)
    unscored, first = Row(4, "v"), Row(5, "v", priority_first=1, priority_score=0)
    assert [r.household_id for r in rank([new, carried, poorer, unscored, first])] == [5, 3, 2, 1, 4]
