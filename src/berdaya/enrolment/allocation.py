"""Ranking and allocation within a budget: pure functions over plain rows (no database), so they are cheap for
300,000 households and easy to test.

Order (rank_key): households meeting the programme's priority rule first, then the priority score (highest first;
no score last), then — at an equal priority score — households carried over from last year's waitlist before new
ones, then the welfare score (lowest = poorest first; none last), then the household id (stable).

Allocation (allocate), in rank order:
- a household whose district or village quota is full waits ("quota") and the next one is considered;
- otherwise it fits while its amount fits in what is left of the budget; the first household the budget cannot
  pay stops the allocation by budget: it and everyone after it wait ("budget"), even a cheaper one further down, so
  nobody overtakes a household ranked above them. What is left stays for a mid-year addition.
"""

from __future__ import annotations

from dataclasses import dataclass

from berdaya.enrolment.models import WaitReason


@dataclass(slots=True)
class Row:
    household_id: int
    village_code: str
    priority_first: int = 0
    priority_score: float | None = None
    welfare_score: float | None = None
    carried: bool = False
    amount: int = 0
    enrolment_id: int | None = None  # a row already in the list (carried over, or waitlisted earlier this year)
    proposal_item_id: int | None = None
    person_id: int | None = None
    business_type: str = ""
    rank: int | None = None
    fits: bool = False
    wait_reason: str = ""


def rank_key(row: Row) -> tuple:
    return (-row.priority_first,
            row.priority_score is None, -(row.priority_score or 0.0),
            not row.carried,
            row.welfare_score is None, row.welfare_score or 0.0,
            row.household_id)


def rank(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=rank_key)


def quota_codes_for(village_code: str, quotas: dict[str, int]) -> list[str]:
    return [code for code in quotas if village_code == code or village_code.startswith(code + ".")]


@dataclass
class Allocation:
    fitting: int = 0
    waiting: int = 0
    total: int = 0  # Rupiah of the fitting rows
    left: int = 0  # of the budget


def allocate(rows: list[Row], *, available: int, quotas: dict[str, int] | None = None) -> Allocation:
    """Set row.fits / row.wait_reason on ranked `rows`; returns the totals."""
    quotas = quotas or {}
    used = dict.fromkeys(quotas, 0)
    left, stopped = max(0, available), False
    result = Allocation()
    cache: dict[str, list[str]] = {}
    for row in rows:
        codes = cache.get(row.village_code)
        if codes is None:
            codes = cache[row.village_code] = quota_codes_for(row.village_code, quotas)
        if not stopped and any(used[c] >= quotas[c] for c in codes):
            row.fits, row.wait_reason = False, WaitReason.QUOTA
        elif stopped or row.amount > left:
            stopped = True
            row.fits, row.wait_reason = False, WaitReason.BUDGET
        else:
            row.fits, row.wait_reason = True, ""
            left -= row.amount
            result.total += row.amount
            for c in codes:
                used[c] += 1
        if row.fits:
            result.fitting += 1
        else:
            result.waiting += 1
    result.left = left
    return result
