"""The dry run: who qualifies by district, village and vulnerable group, and the budget it needs against what is
left; a handful of queries whatever the size, inside the user's scope only."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berdaya.regions.models import Region
from berdaya.registry.models import Household
from berdaya.targeting.rules import parse_rule
from berdaya.targeting.selectors import dry_run
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, VILLAGE_P
from tests.targeting.conftest import YEAR

RULE = 'bps_criteria_met >= 9 and not any(member.occupation == "PNS")'
POOR = {f"c{i:02d}_{name}": True for i, name in enumerate([
    "floor_area_small", "floor_poor", "wall_poor", "no_private_toilet", "no_electricity", "unsafe_water",
    "cooking_wood", "protein_rarely", "one_clothes_set"], start=1)}


@pytest.fixture
def population(staff_blora, admin_user):
    """Poor households: two in village A (one woman-headed), one in A2, one in B; one in A with a civil servant;
    one not poor in A; one poor in Kota Pasuruan."""
    made = {}
    made["a1"] = factories.household(actor=staff_blora, village=VILLAGE_A, **POOR)
    made["a2"] = factories.household(actor=staff_blora, village=VILLAGE_A, **POOR)
    head = made["a2"].members.get()
    from berdaya.registry import services as registry

    registry.person_update(actor=staff_blora, person=head, data={"sex": "P", "nik": factories.nik_for(
        village=VILLAGE_A, birth_date=head.birth_date, sex="P")})
    registry.person_add(actor=staff_blora, household=made["a2"], data=factories.person_data(
        village=VILLAGE_A, name="Anak Satu", birth_date=date(2015, 1, 1)))
    made["a3"] = factories.household(actor=staff_blora, village=VILLAGE_A2, **POOR)
    made["b1"] = factories.household(actor=staff_blora, village=VILLAGE_B, **POOR)
    made["pns"] = factories.household(actor=staff_blora, village=VILLAGE_A, **POOR)
    registry.person_add(actor=staff_blora, household=made["pns"], data=factories.person_data(
        village=VILLAGE_A, name="Pegawai", occupation=5, birth_date=date(1990, 2, 2)))
    made["rich"] = factories.household(actor=staff_blora, village=VILLAGE_A)
    made["p1"] = factories.household(actor=admin_user, village=VILLAGE_P, **POOR)
    return made


def test_it_counts_households_and_persons_by_district_village_and_group(staff_blora, population, blt):
    result = dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), year=YEAR)
    assert (result.households, result.persons) == (4, 5)
    assert [(v.code, v.households, v.persons) for v in result.by_village] == [
        (VILLAGE_A, 2, 3), (VILLAGE_A2, 1, 1), (VILLAGE_B, 1, 1)]
    assert [(d.code, d.households) for d in result.by_district] == [(DISTRICT_A, 3), ("33.16.02", 1)]
    assert result.by_district[0].name == Region.objects.get(code=DISTRICT_A).name
    groups = {g.field: (g.households, g.persons) for g in result.by_group}
    assert groups["vul_bps_poor"] == (4, 5)
    assert groups["vul_woman_headed"] == (1, 2)
    assert groups["vul_disability"] == (0, 0)


def test_it_prices_the_households_against_what_is_left_of_the_years_budget(staff_blora, population, blt):
    budget = dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), year=YEAR).budget
    assert (budget.amount_per_unit, budget.amount_source) == (3_600_000, "programme")
    assert (budget.needed, budget.remaining, budget.fits) == (14_400_000, 8_500_000, False)
    assert (budget.shortfall, budget.fundable_units) == (5_900_000, 2)


def test_an_amount_given_by_the_officer_replaces_the_programmes(staff_blora, population, blt):
    budget = dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), year=YEAR,
                     amount_per_unit=1_000_000).budget
    assert (budget.needed, budget.fits, budget.amount_source) == (4_000_000, True, "given")


def test_a_year_without_budget_lines_has_nothing_left(staff_blora, population, blt):
    budget = dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), year=YEAR + 1).budget
    assert (budget.lines, budget.remaining, budget.fits) == (0, 0, False)


def test_a_village_operator_sees_only_their_village(operator_desa_a, population, blt):
    result = dry_run(user=operator_desa_a, programme=blt, rule=parse_rule(RULE), year=YEAR)
    assert [v.code for v in result.by_village] == [VILLAGE_A] and result.households == 2


def test_a_chosen_region_narrows_the_count(staff_blora, population, blt):
    region = Region.objects.get(code=VILLAGE_A2)
    assert dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), region=region).households == 1


def test_it_takes_a_fixed_number_of_queries_whatever_the_number_of_villages(staff_blora, population, blt):
    with CaptureQueriesContext(connection) as queries:
        dry_run(user=staff_blora, programme=blt, rule=parse_rule(RULE), year=YEAR)
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    # (role assignments,) the villages GROUP BY, the groups aggregate, region names, the budget sum
    assert len(selects) <= 5
    assert sum("GROUP BY" in sql for sql in selects) == 1


def test_a_sql_injection_attempt_in_a_string_is_a_plain_value(staff_blora, population, blt):
    rule = parse_rule("village_code == \"33.16.01.2001'; DROP TABLE registry_household; --\"")
    assert dry_run(user=staff_blora, programme=blt, rule=rule).households == 0
    assert Household.objects.count() == 7
