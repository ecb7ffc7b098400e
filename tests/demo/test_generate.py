"""berdaya.demo.build.generate: the Blora demo population written into the (test) database."""

from collections import Counter

import pytest

from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.identity import kk_district_code, parse_kk, parse_nik
from berdaya.core.permissions import Role
from berdaya.demo.build import CHANGE_REASON, DEMO_PASSWORD, DEMO_USERS, blora_villages
from berdaya.demo.generator import generate_households
from berdaya.regions.models import Level, Region
from berdaya.registry import services
from berdaya.registry.history import household_history
from berdaya.registry.models import VULNERABILITY_FIELDS, Household, Person, ReviewFlag
from berdaya.registry.validation import check_person
from berdaya.registry.vulnerability import age_on
from tests.demo.conftest import DEMO_HOUSEHOLDS, DEMO_SEED

pytestmark = pytest.mark.django_db


def _share(count: int, total: int) -> float:
    return count / total


def test_it_creates_the_requested_households_with_their_members(demo):
    assert Household.objects.count() == DEMO_HOUSEHOLDS == demo.households
    assert Person.objects.count() == demo.persons
    assert 2.6 * DEMO_HOUSEHOLDS <= demo.persons <= 4.2 * DEMO_HOUSEHOLDS
    sizes = Counter(Household.objects.values_list("member_count", flat=True))
    assert min(sizes) >= 1 and max(sizes) <= 8
    assert all(v.startswith("33.16.") for v in Household.objects.values_list("village_id", flat=True))


def test_every_kk_starts_with_the_code_of_its_own_real_district(demo):
    districts = set(Region.objects.filter(level=Level.DISTRICT).values_list("code", flat=True))
    for kk, village in Household.objects.values_list("kk_number", "village_id"):
        assert parse_kk(kk) == kk
        assert kk_district_code(kk) in districts
        assert kk_district_code(kk) == village[:8]


def test_every_living_persons_nik_parses_and_is_unique(demo):
    niks = list(Person.objects.filter(status="alive").exclude(nik="").values_list("nik", flat=True))
    assert len(niks) == len(set(niks))
    infos = [parse_nik(nik) for nik in niks]
    # District of first registration: mostly Blora, sometimes another regency.
    regencies = Counter(f"{i.province}.{i.regency}" for i in infos)
    assert regencies["33.16"] / len(infos) > 0.85
    assert len(regencies) > 1


def test_vulnerable_groups_appear_at_plausible_rates(demo):
    total = DEMO_HOUSEHOLDS
    rate = {f: _share(Household.objects.filter(**{f: True}).count(), total) for f in VULNERABILITY_FIELDS}
    assert 0.08 <= rate["vul_woman_headed"] <= 0.25
    assert 0.01 <= rate["vul_elderly_alone"] <= 0.10
    assert 0.05 <= rate["vul_bps_poor"] <= 0.22
    assert 0.10 <= rate["vul_pregnant_or_under6"] <= 0.45
    assert 0.005 <= rate["vul_child_without_parent"] <= 0.08
    living = Person.objects.filter(status="alive")
    assert 0.01 <= _share(living.exclude(disability="").count(), living.count()) <= 0.05
    assert len(set(living.exclude(disability="").values_list("disability", flat=True))) >= 3
    births = living.filter(sex="P").values_list("birth_date", flat=True)
    women = [b for b in births if 18 <= age_on(b, demo.today) <= 45]
    pregnant = living.filter(pregnant=True).count()
    assert 1 <= pregnant <= 0.04 * len(women)
    assert 0.45 <= _share(Household.objects.exclude(official_desil=None).count(), total) <= 0.75


def test_poorer_households_meet_more_criteria_and_have_lower_desil_and_income(demo):
    poor = Household.objects.filter(bps_criteria_met__gte=9)
    better = Household.objects.filter(bps_criteria_met__lte=3)
    assert poor.exists() and better.exists()

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values)

    assert mean(poor.values_list("official_desil", flat=True)) < mean(better.values_list("official_desil", flat=True))
    assert mean(poor.values_list("monthly_income", flat=True)) < mean(better.values_list("monthly_income", flat=True))


def test_it_plants_flags_of_each_kind_and_near_duplicates(demo):
    open_flags = Counter(ReviewFlag.objects.filter(resolved_at=None).values_list("code", flat=True))
    for code in ("nik_missing", "nik_birthdate_mismatch", "nik_sex_mismatch", "head_missing"):
        assert open_flags[code] >= 3, code
    assert len(demo.duplicates) >= 3
    people = Person.objects.in_bulk([pk for pair in demo.duplicates for pk in pair])
    for original_pk, duplicate_pk in demo.duplicates:
        original, duplicate = people[original_pk], people[duplicate_pk]
        assert original.household_id != duplicate.household_id
        assert original.birth_date == duplicate.birth_date and original.sex == duplicate.sex
        assert duplicate.status == original.status == "alive"
        if duplicate.nik:
            assert sum(a != b for a, b in zip(original.nik, duplicate.nik, strict=True)) == 1


def test_flags_are_what_the_registry_validation_finds(demo):
    flagged = Counter(ReviewFlag.objects.exclude(person=None).values_list("person_id", "code"))
    for person in Person.objects.filter(status="alive"):
        found = check_person(nik=person.nik, sex=person.sex, birth_date=person.birth_date, pregnant=person.pregnant,
                             today=demo.today)
        assert found.ok, (person.name, found.errors)
        assert {code for code, _m in found.flags} == {code for (pk, code) in flagged if pk == person.pk}


def test_each_household_has_exactly_one_living_head_except_those_flagged_head_missing(demo):
    heads = Counter(Person.objects.filter(status="alive", relationship=1).values_list("household_id", flat=True))
    head_missing = set(ReviewFlag.objects.filter(code="head_missing").values_list("household_id", flat=True))
    assert head_missing
    for pk in Household.objects.values_list("pk", flat=True):
        assert heads[pk] == (0 if pk in head_missing else 1)
    assert Person.objects.filter(household_id__in=head_missing, relationship=1).exclude(status="alive").count() == len(
        head_missing)


def test_cached_columns_are_what_the_registry_services_compute(demo):
    fields = [*VULNERABILITY_FIELDS, "bps_criteria_met", "member_count", "head_name", "open_flag_count"]
    sample = list(Household.objects.order_by("pk")[::13]) + list(
        Household.objects.filter(pk__in=ReviewFlag.objects.values("household_id")))
    for household in sample:
        before = {f: getattr(household, f) for f in fields}
        services.household_refresh(household=household, today=demo.today)
        household.refresh_from_db()
        assert {f: getattr(household, f) for f in fields} == before, household.kk_number


def test_deceased_and_moved_members_keep_a_status_date_after_their_birth(demo):
    gone = Person.objects.exclude(status="alive")
    assert gone.filter(status="deceased").exists() and gone.filter(status="moved_out").exists()
    for person in gone:
        assert person.birth_date < person.status_date <= demo.today
        assert not person.pregnant


def test_every_household_has_its_initial_history(demo, staff_blora):
    assert Household.history.filter(history_change_reason=CHANGE_REASON).count() == DEMO_HOUSEHOLDS
    assert Person.history.filter(history_change_reason=CHANGE_REASON).count() == demo.persons
    household = Household.objects.filter(open_flag_count__gt=0).first()
    entries = household_history(user=staff_blora, household=household)
    kinds = {e.kind for e in entries}
    assert {"household", "person", "flag"} <= kinds


def test_it_creates_one_user_per_role_with_its_region(demo):
    assert {role for _u, role, _r, _n, _o in DEMO_USERS} == {code for code, _label in Role.CHOICES}
    for username, role, region, _name, _org in DEMO_USERS:
        user = User.objects.get(username=username)
        assert RoleAssignment.objects.filter(user=user, role=role, region_id=region).count() == 1
        if region:
            assert Region.objects.get(code=region).code.startswith("33.16")
    assert User.objects.get(username="admin").is_staff
    assert User.objects.get(username="mitra").organisation == "Lazizmu"
    assert User.objects.get(username="operator").check_password(DEMO_PASSWORD)
    assert [row[0] for row in demo.users] == [u[0] for u in DEMO_USERS]


def test_the_database_holds_what_the_generator_makes_for_that_seed(demo):
    drafts = generate_households(households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, villages=blora_villages(),
                                 today=demo.today)
    first = Household.objects.order_by("pk")[:5]
    assert [h.kk_number for h in first] == [d.kk_number for d in drafts[:5]]
    people = list(Person.objects.filter(household__in=list(first)).order_by("pk")
                  .values_list("name", "nik", "birth_date", "sex"))
    expected = [(m.name, m.nik, m.birth_date, m.sex) for d in drafts[:5] for m in d.members]
    assert people == expected
