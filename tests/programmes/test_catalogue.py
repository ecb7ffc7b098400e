"""The catalogue's arithmetic: payments over the duration, value per family, component shares, kit totals."""

import pytest

from berdaya.programmes import services
from berdaya.programmes.models import BenefitType, Frequency, Programme


def _programme(**fields) -> Programme:
    values = {"frequency": Frequency.MONTHLY, "duration_months": 12, "benefit_type": BenefitType.AMOUNT,
              "benefit_amount": 300_000}
    values.update(fields)
    return Programme(**values)


@pytest.mark.parametrize(("frequency", "months", "payments"), [
    (Frequency.MONTHLY, 12, 12), (Frequency.MONTHLY, 7, 7), (Frequency.QUARTERLY, 12, 4),
    (Frequency.QUARTERLY, 7, 3), (Frequency.YEARLY, 12, 1), (Frequency.YEARLY, 24, 2), (Frequency.ONE_OFF, 12, 1),
])
def test_it_counts_the_payments_over_the_duration(frequency, months, payments):
    assert _programme(frequency=frequency, duration_months=months).payments == payments


def test_blt_dana_desa_is_worth_3_6_million_per_family_over_twelve_months():
    assert _programme().value_per_unit == 3_600_000


def test_a_programme_paid_per_component_has_no_single_value_per_family():
    assert _programme(benefit_type=BenefitType.COMPONENTS, benefit_amount=None).value_per_unit is None


def test_a_pkh_component_is_paid_a_quarter_at_a_time(staff_blora, programme):
    services.programme_update(actor=staff_blora, programme=programme,
                              data={"frequency": Frequency.QUARTERLY, "benefit_type": BenefitType.COMPONENTS})
    component = services.component_save(actor=staff_blora, programme=programme, code="sd", name="Anak SD",
                                        amount_per_year=900_000)
    assert component.amount_per_payment == 225_000


def test_a_kit_total_is_the_sum_of_quantity_times_unit_price(staff_blora, uep):
    kit = services.kit_create(actor=staff_blora, programme=uep, business_type="warung_kopi", name="Warung kopi")
    services.kit_item_add(actor=staff_blora, kit=kit, name="Gelas", quantity=48, unit="buah", unit_price=5_000)
    services.kit_item_add(actor=staff_blora, kit=kit, name="Meja", quantity=2, unit="unit", unit_price=300_000)
    assert kit.total == 840_000
    assert services.kit_total(kit) == 840_000
