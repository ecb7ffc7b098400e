"""What one enrolment costs in its fiscal year (whole Rupiah), from the programme's benefit.

- Fixed amount per period: the benefit times the payments left in the year from the list's first month
  (`payments_in_year`): monthly programmes pay every month, quarterly ones in January, April, July and October, so a
  mid-year addition starting in May pays 8 months (monthly) or 2 quarters (quarterly); yearly and one-off benefits
  are paid once whenever the household joins. The programme's duration caps the payments.
- Kit per business type: the kit the household asked for (its proposal item's business type), else the dearest kit
  of the programme (what the budget must be able to pay), times the payments (1 for one-off kits).
- Per component (PKH): each living member is counted for the components it qualifies for on the list's first day,
  capped per family by BenefitComponent.cap_per_family; the yearly amounts are summed and paid for the payments left
  (a quarter each for PKH). The registry holds no school enrolment or disability severity, so the components are
  read from age and the recorded facts (COMPONENT_TESTS): pregnant; age 0–6; 7–12 (SD); 13–15 (SMP); 16–18 (SMA);
  any recorded disability; age 70 or more. A component whose code is not there counts nobody. A family with no
  component gets nothing and is not put on the list.
- An amount given by the officer for the list (EnrolmentList.amount_per_unit) replaces all of this, as given.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from berdaya.programmes.models import PAYMENTS_PER_YEAR, BenefitType, Frequency, Programme


def payment_months(programme: Programme) -> list[int]:
    """The months (1–12) a periodic programme pays in; one-off and yearly programmes pay once, in month 1."""
    if programme.frequency in (Frequency.ONE_OFF, Frequency.YEARLY):
        return [1]
    step = 12 // PAYMENTS_PER_YEAR[programme.frequency]
    return list(range(1, 13, step))


def payments_in_year(programme: Programme, start_month: int = 1) -> int:
    """Payments from `start_month` to December (capped by the programme's duration)."""
    if programme.frequency in (Frequency.ONE_OFF, Frequency.YEARLY):
        return 1
    step = 12 // PAYMENTS_PER_YEAR[programme.frequency]
    left = sum(1 for month in payment_months(programme) if month >= start_month)
    return min(left, math.ceil(programme.duration_months / step))


def full_year_payments(programme: Programme) -> int:
    return payments_in_year(programme, 1)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


MemberTest = Callable[[dict, int], bool]
COMPONENT_TESTS: dict[str, MemberTest] = {
    "hamil": lambda m, age: bool(m["pregnant"]),
    "anak_usia_dini": lambda m, age: 0 <= age <= 6,
    "sd": lambda m, age: 7 <= age <= 12,
    "smp": lambda m, age: 13 <= age <= 15,
    "sma": lambda m, age: 16 <= age <= 18,
    "disabilitas_berat": lambda m, age: bool(m["disability"]),
    "lansia": lambda m, age: age >= 70,
}


class Pricing:
    """Amounts for one list: built once (kits, components), then asked per household."""

    def __init__(self, programme: Programme, *, start_month: int, year: int, given: int | None = None):
        self.programme, self.start_month, self.given = programme, start_month, given
        self.payments = payments_in_year(programme, start_month)
        self.full_payments = full_year_payments(programme)
        self.on = date(year, start_month, 1)
        self.kits: dict[str, int] = {}
        self.components: list[tuple[str, int, int | None]] = []
        if programme.benefit_type == BenefitType.KIT:
            for kit in programme.kits.prefetch_related("items"):
                self.kits[kit.business_type] = sum(i.quantity * i.unit_price for i in kit.items.all())
        elif programme.benefit_type == BenefitType.COMPONENTS:
            self.components = [(c.code, c.amount_per_year, c.cap_per_family) for c in programme.components.all()]
        self.per_unit = self._per_unit()

    @property
    def needs_members(self) -> bool:
        return self.given is None and self.programme.benefit_type == BenefitType.COMPONENTS

    def _per_unit(self) -> int | None:
        """The same amount for every household, when there is one (fixed amount, or given)."""
        if self.given is not None:
            return self.given
        if self.programme.benefit_type == BenefitType.AMOUNT:
            return (self.programme.benefit_amount or 0) * self.payments
        return None

    def kit_amount(self, business_type: str) -> int:
        if not self.kits:
            return 0
        value = self.kits.get(business_type) if business_type else None
        return (value if value is not None else max(self.kits.values())) * self.payments

    def component_amount(self, members: Iterable[dict]) -> int:
        counts: dict[str, int] = defaultdict(int)
        for member in members:
            age = _age(member["birth_date"], self.on)
            for code, _amount, _cap in self.components:
                test = COMPONENT_TESTS.get(code)
                if test is not None and test(member, age):
                    counts[code] += 1
        per_year = sum(min(counts[code], cap) * amount if cap else counts[code] * amount
                       for code, amount, cap in self.components)
        return per_year * self.payments // self.full_payments

    def amount(self, *, business_type: str = "", members: Iterable[dict] = ()) -> int:
        per_unit = self.per_unit
        if per_unit is not None:
            return per_unit
        if self.programme.benefit_type == BenefitType.KIT:
            return self.kit_amount(business_type)
        return self.component_amount(members)
