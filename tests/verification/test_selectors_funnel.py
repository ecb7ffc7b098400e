"""The funnel on a small constructed case: counts per stage and the reasons for each drop."""

from datetime import date

import pytest

from berdaya.enrolment.models import Enrolment, EnrolmentList
from berdaya.regions.models import Region
from berdaya.verification import selectors, services
from berdaya.verification.models import Outcome, Source
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2
from tests.verification.conftest import YEAR, make_assignment


def _visit(actor, task, outcome, **extra):
    return services.visit_record(actor=actor, task=task, visited_on=date.today(), outcome=outcome, **extra)


def _enrol(household, *, programme, fiscal_year, status):
    enrolment_list = EnrolmentList.objects.filter(programme=programme, fiscal_year=fiscal_year).first() or \
        EnrolmentList.objects.create(programme=programme, fiscal_year=fiscal_year, region_id="33.16")
    return Enrolment.objects.create(enrolment_list=enrolment_list, programme=programme, fiscal_year=fiscal_year,
                                    household=household, village_code=household.village_id, status=status)


@pytest.fixture
def case(staff_blora, verifier_a, kadis, uep, pkh, fiscal_year):
    """Ten UEP tasks and two on a general list of the same year: households 0-6 in village A, 7-10 in village A2,
    and one listed person not in the registry (placed at district A, the list's area)."""
    villages = [VILLAGE_A] * 7 + [VILLAGE_A2] * 4
    homes = [factories.household(actor=staff_blora, village=v, head_name=f"Kepala {i}")
             for i, v in enumerate(villages)]
    uep_list = make_assignment(actor=staff_blora, verifier=verifier_a, programme=uep, year=YEAR, name="UEP")
    general = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.LIST, year=YEAR,
                              name="Kemiskinan ekstrem")
    tasks = services.assignment_add_households(actor=staff_blora, assignment=uep_list, households=homes[:10])
    tasks.sort(key=lambda t: homes.index(t.household))
    general_tasks = services.assignment_add_households(actor=staff_blora, assignment=general, households=[homes[10]])
    from berdaya.verification.models import VervalTask

    VervalTask.objects.create(assignment=general, listed_nik="3316015708610001", listed_name="Sarinah")
    # 0: not visited. 1: visited, rejected at confirmation. 2: awaiting confirmation.
    services.visit_reject(actor=kadis, visit=_visit(verifier_a, tasks[1], Outcome.NOT_FOUND), note="cek lagi")
    _visit(verifier_a, tasks[2], Outcome.NOT_FOUND)
    # 3, 4: not eligible (two reasons); 5: not found — confirmed.
    for task, outcome, reason in ((tasks[3], Outcome.NOT_ELIGIBLE, "well_off"),
                                  (tasks[4], Outcome.NOT_ELIGIBLE, "civil_servant"),
                                  (tasks[5], Outcome.NOT_FOUND, "")):
        services.visit_confirm(actor=kadis, visit=_visit(verifier_a, task, outcome, reason=reason))
    # 6..9 and the general list's household: eligible.
    for task in [*tasks[6:10], general_tasks[0]]:
        _visit(verifier_a, task, Outcome.ELIGIBLE)
    _enrol(homes[7], programme=uep, fiscal_year=fiscal_year, status="waitlisted")
    _enrol(homes[8], programme=uep, fiscal_year=fiscal_year, status="approved")
    _enrol(homes[9], programme=uep, fiscal_year=fiscal_year, status="active")
    _enrol(homes[10], programme=uep, fiscal_year=fiscal_year, status="exited")
    _enrol(homes[6], programme=pkh, fiscal_year=fiscal_year, status="active")  # another programme: not counted
    # Not counted either: a PKH assignment and a UEP assignment of another year.
    for programme, year in ((pkh, YEAR), (uep, YEAR + 1)):
        other = make_assignment(actor=staff_blora, verifier=verifier_a, programme=programme, year=year, name="x")
        services.assignment_add_households(actor=staff_blora, assignment=other, households=homes[:3])
    return homes


def _counts(result):
    return [s.count for s in result.stages]


def _drops(result):
    return [{d.key: d.count for d in s.drops} for s in result.stages]


def test_the_funnel_counts_each_stage_and_says_why_entries_dropped(staff_blora, uep, case):
    result = selectors.funnel(user=staff_blora, programme=uep, fiscal_year=YEAR)
    assert _counts(result) == [12, 9, 5, 3, 2]
    assert [s.share for s in result.stages] == [100, 75, 42, 25, 17]
    assert _drops(result) == [
        {},
        {"not_visited": 2, "revisit": 1},
        {"awaiting": 1, "not_eligible:well_off": 1, "not_eligible:civil_servant": 1, "not_found": 1},
        {"no_enrolment": 1, "waitlisted": 1},
        {"not_paid": 1},
    ]
    labels = {d.key: d.label for s in result.stages for d in s.drops}
    assert labels["not_eligible:civil_servant"] == "Tidak layak: Anggota PNS/TNI/POLRI"
    assert labels["revisit"].startswith("Kunjungan ditolak")


def test_without_a_programme_the_funnel_stops_at_eligible_and_counts_every_assignment(staff_blora, case):
    result = selectors.funnel(user=staff_blora, fiscal_year=YEAR)
    assert len(result.stages) == 3 and not result.with_enrolment
    # UEP (10) + general list (2) + PKH (3) of the year, whose three households are also on the UEP list: 12
    # listed households, each once, at the stage its UEP visit reached (the PKH tasks are not visited yet).
    assert _counts(result) == [12, 9, 5]


def test_a_household_on_two_lists_counts_once_at_the_furthest_stage(staff_blora, verifier_a, uep, case):
    """Home 3 was found not eligible for UEP but eligible on the general list, which enrolment also reads."""
    general = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.LIST, year=YEAR,
                              name="Kemiskinan ekstrem tahap 2")
    task = services.assignment_add_households(actor=staff_blora, assignment=general, households=[case[3]])[0]
    _visit(verifier_a, task, Outcome.ELIGIBLE)
    result = selectors.funnel(user=staff_blora, programme=uep, fiscal_year=YEAR)
    assert _counts(result) == [12, 9, 6, 3, 2]
    assert _drops(result)[2] == {"awaiting": 1, "not_eligible:civil_servant": 1, "not_found": 1}
    assert _drops(result)[3] == {"no_enrolment": 2, "waitlisted": 1}


def test_the_funnel_of_a_village_and_the_rows_per_village_of_a_district(staff_blora, uep, case):
    village = selectors.funnel(user=staff_blora, programme=uep, fiscal_year=YEAR,
                               region=Region.objects.get(code=VILLAGE_A2))
    assert _counts(village) == [4, 4, 4, 3, 2]  # homes 7..10: eligible; 8, 9, 10 approved; 9, 10 paid
    district = selectors.funnel(user=staff_blora, programme=uep, fiscal_year=YEAR,
                                region=Region.objects.get(code=DISTRICT_A))
    rows = {row.region.code: [n for _label, n in row.cells] for row in district.by_region}
    assert rows == {VILLAGE_A: [7, 5, 1, 0, 0], VILLAGE_A2: [4, 4, 4, 3, 2]}
    # The unmatched listed person lies at the district (the assignment's area), in no village row.
    assert _counts(district)[0] == 12


def test_the_funnel_is_scoped(verifier_a, verifier_kecamatan_b, staff_pasuruan, uep, case):
    assert _counts(selectors.funnel(user=verifier_a, programme=uep, fiscal_year=YEAR)) == [12, 9, 5, 3, 2]
    assert _counts(selectors.funnel(user=verifier_kecamatan_b, programme=uep, fiscal_year=YEAR)) == [0, 0, 0, 0, 0]
    assert selectors.funnel(user=staff_pasuruan, programme=uep, fiscal_year=YEAR).listed == 0
