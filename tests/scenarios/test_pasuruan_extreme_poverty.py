"""Kota Pasuruan (../shared/seeds/pasuruan.txt): the ministry listed 4,011 persons as extremely poor; field
verification (verval) left 891 who meet the criteria; those who run a business get Rp 2.500.000 business capital
(UEP) within a budget that covers only part of them; the rest wait for next year; the funnel shows 4,011 -> 891
with the reasons.

How the story is built (docs/scenarios.md):
- the city's population is the listed families (and the older records some of them duplicate), written in bulk
  (tests/scenarios/conftest.py); every step after that goes through the services;
- "has a business" is a fact of the registry: a living member whose occupation is trader (Pedagang) or
  self-employed (Wiraswasta). The list did not come from proposals, so no proposal item can say it; the programme's
  eligibility rule reads it;
- one list (xlsx: NIK, NAMA, ALAMAT) per district, imported into one verval assignment per district, each given to
  that district's verifier; removals are confirmed by the head of office (a second person).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta

from django.urls import reverse

from berdaya.core.permissions import Role
from berdaya.enrolment import services as enrolment
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus, WaitReason
from berdaya.programmes import services as programmes
from berdaya.programmes.models import BenefitType, Frequency, FundingSource, Kind, TargetUnit
from berdaya.regions.models import Level, Region
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.targeting import selectors as targeting_selectors
from berdaya.targeting import services as targeting
from berdaya.targeting.rules import parse_rule
from berdaya.verification import selectors as verval_selectors
from berdaya.verification import services as verval
from berdaya.verification.models import Outcome, Source, VervalTask, Visit
from tests.conftest import PASURUAN
from tests.scenarios.conftest import HouseholdSpec, MemberSpec, bulk_households, decree_text, persona, xlsx_list

YEAR = 2026
LISTED = 4_011
ELIGIBLE = 891
WITH_BUSINESS = 412  # of the eligible
PER_FAMILY = 2_500_000
BUDGET = 300 * PER_FAMILY  # Rp 750.000.000: a budget for 300 of the 412
# Why the other 3,120 listed persons did not stay on the list (reasons seen in the field: ../shared/domain.md).
REMOVED = {
    ("not_eligible", "well_off"): 1_650,
    ("not_eligible", "civil_servant"): 86,
    ("not_eligible", "no_component"): 214,
    ("not_found", ""): 512,
    ("moved", ""): 388,
    ("deceased", ""): 201,
    ("duplicate", ""): 69,
}
REVISITED = 3  # eligible families first reported "not found"; the head of office sends the visits back
RULE = 'extreme_poor and any(member.occupation in ["Pedagang", "Wiraswasta"])'
BUSINESS = (codes.Occupation.TRADER, codes.Occupation.ENTREPRENEUR)
WORK = (codes.Occupation.DAY_LABOURER, codes.Occupation.FISHERY_LABOURER, codes.Occupation.NOT_WORKING,
        codes.Occupation.DOMESTIC_WORKER, codes.Occupation.FARM_LABOURER)

MALE = ["Abdul", "Achmad", "Agus", "Bambang", "Basori", "Cholil", "Dullah", "Fauzi", "Hasan", "Imron", "Jumadi",
        "Kasiman", "Latif", "Mahfud", "Mashuri", "Muhammad", "Nur", "Rohmat", "Sahlan", "Samsul", "Subandi",
        "Sugeng", "Suparman", "Syaiful", "Ummar"]
FEMALE = ["Aminah", "Aisyah", "Fatimah", "Halimah", "Juwariyah", "Khotijah", "Maimunah", "Marfuah", "Muslimah",
          "Nur", "Qomariyah", "Rukayah", "Salamah", "Siti", "Sulastri", "Sumiati", "Suwarni", "Tutik", "Umi",
          "Zainab"]
SECOND = ["Achmadi", "Anwar", "Arifin", "Bahri", "Efendi", "Fadholi", "Ghofur", "Hamid", "Hariyanto", "Hidayat",
          "Ihsan", "Jalil", "Karim", "Kholik", "Kusnadi", "Mansur", "Masrukhin", "Mukhlis", "Munir", "Nasrullah",
          "Qosim", "Rahman", "Rofiq", "Saleh", "Santoso", "Sholeh", "Subekti", "Suhadak", "Syafi'i", "Wahyudi",
          "Yasin", "Zainuri", "Zubaidi", "Ridwan", "Maksum", "Lutfi", "Hasyim", "Asnawi", "Baidowi", "Chusnul",
          "Dhofir", "Fathoni", "Ilyas", "Jazuli", "Khozin", "Makhfud", "Nawawi", "Qomar", "Rosyid", "Slamet",
          "Thohir", "Usman", "Wasito", "Yunus", "Zuhdi", "Amin", "Badrus", "Chozin", "Darmaji", "Fanani",
          "Gozali", "Hanafi", "Idris", "Junaidi", "Kasim", "Lukman", "Mujib", "Nasikin", "Rokhim", "Sodiq",
          "Tamim", "Ubaidillah", "Wahid", "Zaini", "Ma'ruf", "Musthofa", "Nurhadi", "Rifa'i", "Sahal", "Toha",
          "Muchtar", "Syamsudin", "Hambali", "Mashudi", "Rozikin"]


def _plan() -> list[tuple[str, str]]:
    """The outcome each listed family will turn out to have: (outcome, reason); eligible families with a business
    are ("eligible", "business")."""
    plan = [("eligible", "business")] * WITH_BUSINESS + [("eligible", "")] * (ELIGIBLE - WITH_BUSINESS)
    for key, count in REMOVED.items():
        plan += [key] * count
    random.Random(2022).shuffle(plan)
    assert len(plan) == LISTED
    return plan


def _names(rng: random.Random):
    """name(sex) for any member; name(sex, unique=True) for the heads: three words never given twice, so the decree
    can be searched for each one."""
    first = {"L": MALE, "P": FEMALE}
    given: set[str] = set()

    def name(sex: str, unique: bool = False) -> str:
        while True:
            parts = [rng.choice(first[sex]), rng.choice(SECOND)]
            if not unique:
                return " ".join(parts)
            text = " ".join([*parts, rng.choice(SECOND)])
            if text not in given:
                given.add(text)
                return text

    return name


def _family(rng: random.Random, name, village: str, number: int, plan: tuple[str, str]) -> HouseholdSpec:
    """One listed family: the listed person is its head; most are extremely poor on paper (the registry's income
    per person under the line), whatever the field finds."""
    outcome, reason = plan
    sex = "P" if rng.random() < 0.3 else "L"
    head_occupation = rng.choice(WORK)
    if reason == "business" or (outcome == "not_eligible" and reason == "well_off" and rng.random() < 0.35):
        head_occupation = rng.choice(BUSINESS)
    head = MemberSpec(name=name(sex, unique=True), sex=sex, relationship=codes.Relationship.HEAD,
                      occupation=head_occupation,
                      birth_date=date(rng.randint(1948, 1994), rng.randint(1, 12), rng.randint(1, 28)),
                      marital_status=codes.MaritalStatus.MARRIED if sex == "L" else codes.MaritalStatus.WIDOWED,
                      disability=codes.Disability.PHYSICAL if rng.random() < 0.05 else "")
    members = [head]
    if sex == "L" and rng.random() < 0.75:
        members.append(MemberSpec(name=name("P"), sex="P", relationship=codes.Relationship.WIFE,
                                  birth_date=head.birth_date + timedelta(days=rng.randint(365, 3000)),
                                  occupation=codes.Occupation.HOUSEWORK))
    if outcome == "not_eligible" and reason == "civil_servant":
        members.append(MemberSpec(name=name("L"), sex="L", relationship=codes.Relationship.CHILD,
                                  birth_date=date(1996, rng.randint(1, 12), rng.randint(1, 28)),
                                  occupation=codes.Occupation.CIVIL_SERVANT, marital_status=codes.MaritalStatus.SINGLE,
                                  education=7))
    for _child in range(rng.choice((0, 0, 1, 1, 2))):
        sex_child = rng.choice("LP")
        members.append(MemberSpec(name=name(sex_child), sex=sex_child, relationship=codes.Relationship.CHILD,
                                  birth_date=date(rng.randint(2008, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                                  occupation=codes.Occupation.STUDENT, marital_status=codes.MaritalStatus.SINGLE))
    per_person = rng.randrange(180_000, 380_000, 5_000)  # under the extreme-poverty line (~Rp 391.000)
    criteria = rng.sample(range(14), rng.randint(9, 13))
    return HouseholdSpec(village=village, address=f"Jl. Kalianyar Gg. {number % 17 + 1} No. {number % 90 + 1}",
                         rt=f"{number % 9 + 1:03d}", rw=f"{number % 5 + 1:03d}", members=members,
                         monthly_income=per_person * len(members),
                         indicators={BPS_FIELDS[i]: True for i in criteria})


def _population(villages: list[str]):
    """The 4,011 listed families (with their planned outcome) and, for the 69 duplicates, the older record of the
    same family each one duplicates."""
    rng = random.Random(4011)
    name = _names(rng)
    plan = _plan()
    listed = [_family(rng, name, villages[i % len(villages)], i, p) for i, p in enumerate(plan)]
    originals = {}
    for i, (spec, (outcome, _reason)) in enumerate(zip(listed, plan, strict=True)):
        if outcome == "duplicate":
            head = spec.head
            twin = MemberSpec(name=head.name, sex=head.sex, relationship=codes.Relationship.HEAD,
                              birth_date=head.birth_date, occupation=head.occupation)
            originals[i] = HouseholdSpec(village=spec.village, address=spec.address, members=[twin],
                                         monthly_income=spec.monthly_income, indicators=dict(spec.indicators))
    bulk_households(listed + list(originals.values()))
    return listed, plan, originals


def _funnel_counts(funnel) -> tuple[list[int], dict[str, int]]:
    return [stage.count for stage in funnel.stages], {d.key: d.count for s in funnel.stages for d in s.drops}


def test_pasuruan_4011_listed_891_eligible_business_capital_within_budget_rest_next_year(
        staff_pasuruan, kadis_pasuruan, client):
    clock = {"start": time.perf_counter()}
    city = Region.objects.get(code=PASURUAN)
    districts = list(Region.objects.filter(parent=city, level=Level.DISTRICT).order_by("code"))
    villages = list(Region.objects.filter(code__startswith=PASURUAN + ".", level=Level.VILLAGE)
                    .order_by("code").values_list("code", flat=True))
    listed, plan, originals = _population(villages)
    clock["population"] = time.perf_counter()

    # --- the ministry's list, one file per district, to that district's verifier --------------------------------
    verifiers = {d.code: persona(f"verifikator_{d.code[-2:]}", Role.VERIFIER, d.code, f"Verifikator {d.name}")
                 for d in districts}
    assignments = {}
    for district in districts:
        rows = [(spec.head.nik, spec.head.name.upper(), f"{spec.address} RT {spec.rt}/RW {spec.rw}")
                for spec in listed if spec.village.startswith(district.code + ".")]
        assignment = verval.assignment_create(
            actor=staff_pasuruan, name=f"Verval kemiskinan ekstrem {district.name}", region=district,
            verifier=verifiers[district.code], source=Source.LIST, fiscal_year=YEAR,
            list_name="Data Kemiskinan Ekstrem Kemensos (P3KE) Kota Pasuruan")
        report = verval.assignment_import_list(actor=staff_pasuruan, assignment=assignment,
                                               upload=xlsx_list(f"p3ke_{district.code}.xlsx", rows))
        assert (report.matched, report.unmatched, report.errors) == (len(rows), 0, 0)
        assignments[district.code] = assignment
    assert VervalTask.objects.filter(assignment__in=assignments.values()).count() == LISTED
    clock["list"] = time.perf_counter()

    # --- the visits ---------------------------------------------------------------------------------------------
    by_household = {spec.pk: (i, spec) for i, spec in enumerate(listed)}
    heads = {p.household_id: p for p in Person.objects.filter(household_id__in=list(by_household),
                                                            relationship=codes.Relationship.HEAD)}
    twins = Household.objects.in_bulk([spec.pk for spec in originals.values()])
    revisit = {spec.pk for spec, p in zip(listed, plan, strict=True) if p == ("eligible", "")}
    revisit = set(sorted(revisit)[:REVISITED])
    visited_on = date(YEAR, 2, 2)
    for code, assignment in assignments.items():
        verifier = verifiers[code]
        for task in VervalTask.objects.filter(assignment=assignment).only("pk", "household_id"):
            i, spec = by_household[task.household_id]
            outcome, reason = plan[i]
            extra = {}
            if outcome == "eligible":
                outcome, reason = ("not_found", "") if spec.pk in revisit else ("eligible", "")
            if outcome == "deceased":
                extra["person"] = heads[spec.pk]
            elif outcome == "duplicate":
                extra["duplicate_of"] = twins[originals[i].pk]
                extra["notes"] = "Sama dengan KK lama di kelurahan yang sama."
            verval.visit_record(actor=verifier, task=task, visited_on=visited_on + timedelta(days=i % 40),
                                outcome=outcome, reason=reason, **extra)
    clock["visits"] = time.perf_counter()

    # The head of office goes through the confirmation queue: every removal stands only once confirmed...
    queue = list(verval_selectors.confirmation_queue(user=kadis_pasuruan))
    assert len(queue) == LISTED - ELIGIBLE + REVISITED
    assert not verval_selectors.confirmation_queue(user=verifiers[districts[0].code]).exists()
    sent_back = []
    for visit in queue:
        if visit.task.household_id in revisit:  # ...except three "not found" the office knows to be wrong
            verval.visit_reject(actor=kadis_pasuruan, visit=visit,
                                note="Keluarga ini menerima sembako bulan lalu: kunjungi lagi.")
            sent_back.append(visit.task)
        else:
            verval.visit_confirm(actor=kadis_pasuruan, visit=visit)
    clock["confirm"] = time.perf_counter()
    stages, drops = _funnel_counts(verval_selectors.funnel(user=staff_pasuruan, fiscal_year=YEAR, region=city))
    assert stages == [LISTED, LISTED - REVISITED, ELIGIBLE - REVISITED]
    assert drops["revisit"] == REVISITED
    for task in sent_back:  # the second visit finds them
        verval.visit_record(actor=verifiers[task.household.village_id[:8]], task=task, visited_on=date(YEAR, 3, 20),
                            outcome=Outcome.ELIGIBLE, notes="Ditemukan di rumah anaknya, RT sebelah.")

    # What the verval carried into the registry (through the registry services).
    deceased = [spec.pk for spec, p in zip(listed, plan, strict=True) if p[0] == "deceased"]
    assert Person.objects.filter(household_id__in=deceased, relationship=codes.Relationship.HEAD,
                                 status=codes.PersonStatus.DECEASED).count() == REMOVED[("deceased", "")]
    flags = Counter(ReviewFlag.objects.filter(resolved_at__isnull=True).values_list("code", flat=True))
    assert flags[ReviewFlag.Code.MOVE_PENDING] == REMOVED[("moved", "")]
    assert flags[ReviewFlag.Code.DUPLICATE_SUSPECTED] == 2 * REMOVED[("duplicate", "")]  # both records of a pair
    assert Visit.objects.filter(confirmation=Visit.Confirmation.CONFIRMED, confirmed_by=kadis_pasuruan).count() == (
        LISTED - ELIGIBLE)

    # --- the UEP programme, its rule and its budget ---------------------------------------------------------------
    apbd = FundingSource.objects.create(code="apbd-kota-pasuruan", kind="apbd", name="APBD Kota Pasuruan")
    uep = programmes.programme_create(actor=staff_pasuruan, data={
        "office": PASURUAN, "code": "UEP", "name": "Usaha Ekonomi Produktif", "kind": Kind.BUSINESS_CAPITAL,
        "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.ONE_OFF, "duration_months": 1,
        "benefit_type": BenefitType.AMOUNT, "benefit_amount": PER_FAMILY, "is_active": True,
        "funding_sources": [apbd]})
    targeting.rule_save(actor=staff_pasuruan, programme=uep, expression=RULE,
                        note="Miskin ekstrem yang punya usaha (pedagang/wiraswasta)")
    line = programmes.budget_allocate(actor=staff_pasuruan, programme=uep, source=apbd, year=YEAR, amount=BUDGET,
                                      reason="DPA Dinas Sosial 2026: modal usaha KPM miskin ekstrem")
    run = targeting.scoring_run_now(region_code=PASURUAN)
    assert run.households == LISTED + len(originals)
    clock["setup"] = time.perf_counter()

    # With the funnel per programme: 4,011 listed -> 4,011 visited -> 891 eligible, every drop with its reason.
    funnel = verval_selectors.funnel(user=kadis_pasuruan, programme=uep, fiscal_year=YEAR, region=city)
    stages, drops = _funnel_counts(funnel)
    assert stages == [LISTED, LISTED, ELIGIBLE, 0, 0]
    assert drops == {
        "not_eligible:well_off": 1_650, "not_eligible:civil_servant": 86, "not_eligible:no_component": 214,
        "not_found": 512, "moved": 388, "deceased": 201, "duplicate": 69, "no_enrolment": ELIGIBLE}
    visited = funnel.stages[2].drops  # why the visited did not reach "eligible"
    assert [d.label for d in visited][:3] == ["Tidak layak: Sudah mampu", "Tidak layak: Anggota PNS/TNI/POLRI",
                                              "Tidak layak: Tidak ada komponen yang memenuhi syarat"]
    per_district = {row.region.code: row.cells[0][1] for row in funnel.by_region}
    assert per_district == {d.code: sum(1 for s in listed if s.village.startswith(d.code + ".")) for d in districts}

    # The funnel page (Corong verval) tells the same to the head of office.
    client.force_login(kadis_pasuruan)
    page = client.get(reverse("verification:funnel"), {"programme": uep.pk, "year": YEAR}).content.decode()
    for expected in ("Terdaftar: 4.011 (100%)", "Layak: 891 (22%)", "Tidak layak: Sudah mampu: <strong>1.650</strong>",
                     "Tidak ditemukan: <strong>512</strong>", "Ganda: <strong>69</strong>"):
        assert expected in page, expected

    # The rule alone (registry data) would take in the well-off traders too; verval leaves those who have a business.
    on_paper = targeting_selectors.candidates(user=staff_pasuruan, rule=parse_rule(RULE), region=city).count()
    business = {spec.pk for spec, p in zip(listed, plan, strict=True) if p == ("eligible", "business")}
    traders = sum(1 for spec in [*listed, *originals.values()] if any(m.occupation in BUSINESS for m in spec.members))
    assert on_paper == traders > WITH_BUSINESS + 400

    # --- the decision within the budget -----------------------------------------------------------------------
    draft = enrolment.list_build(actor=staff_pasuruan, programme=uep, year=YEAR, region=city, require_verval=True,
                                 budget_line=line)
    rows = list(draft.enrolments.order_by("rank").values_list("household_id", "rank", "fits", "wait_reason",
                                                              "amount"))
    assert {r[0] for r in rows} == business
    assert [r[1] for r in rows] == list(range(1, WITH_BUSINESS + 1))
    assert {r[4] for r in rows} == {PER_FAMILY}
    fits = [r for r in rows if r[2]]
    assert len(fits) == BUDGET // PER_FAMILY == 300 and draft.total_amount == BUDGET
    assert fits == rows[:300] and {r[3] for r in rows[300:]} == {WaitReason.BUDGET}
    clock["build"] = time.perf_counter()

    approved = enrolment.list_approve(actor=kadis_pasuruan, enrolment_list=draft,
                                      decree_number="460/214/423.104/2026", decree_date=date(YEAR, 4, 6))
    clock["approve"] = time.perf_counter()
    statuses = Counter(approved.enrolments.values_list("status", flat=True))
    assert statuses == {EnrolmentStatus.APPROVED: line.allocated // PER_FAMILY,
                        EnrolmentStatus.WAITLISTED: WITH_BUSINESS - 300}
    line.refresh_from_db()
    assert approved.commitment.amount == approved.total_amount == BUDGET == line.committed
    assert line.remaining == 0
    numbers = list(approved.enrolments.filter(status=EnrolmentStatus.APPROVED).order_by("rank")
                   .values_list("number", flat=True))
    assert numbers == list(range(1, 301))

    # The SK names every approved family's head and the total; nobody who waits is on it.
    text = decree_text(approved.decree)
    names = dict(Household.objects.filter(pk__in=business).values_list("pk", "head_name"))
    approved_ids = set(approved.enrolments.filter(status=EnrolmentStatus.APPROVED).values_list("household_id",
                                                                                             flat=True))
    flat = " ".join(text.split())
    missing = [names[pk] for pk in approved_ids if names[pk] not in flat]
    assert not missing, missing[:5]
    assert not [names[pk] for pk in business - approved_ids if names[pk] in flat]
    for expected in ("Rp 750.000.000", "Jumlah: 300 penerima", "460/214/423.104/2026", "KOTA PASURUAN",
                     "USAHA EKONOMI PRODUKTIF"):
        assert expected in flat, expected

    # The funnel goes on: 891 eligible -> 300 approved (112 waiting, 479 without a business not listed).
    stages, drops = _funnel_counts(verval_selectors.funnel(user=kadis_pasuruan, programme=uep, fiscal_year=YEAR,
                                                           region=city))
    assert stages == [LISTED, LISTED, ELIGIBLE, 300, 0]
    assert (drops["waitlisted"], drops["no_enrolment"], drops["not_paid"]) == (112, ELIGIBLE - WITH_BUSINESS, 300)

    # --- next year: the 112 waiting move to 2027's draft list and are taken when its budget allows ---------------
    assert enrolment.year_carry_over(actor=staff_pasuruan, programme=uep, from_year=YEAR) == 112
    assert approved.enrolments.filter(status=EnrolmentStatus.CARRIED_OVER).count() == 112
    next_list = EnrolmentList.objects.get(programme=uep, fiscal_year__year=YEAR + 1)
    assert (next_list.status, next_list.kind) == (EnrolmentList.Status.DRAFT, EnrolmentList.Kind.MAIN)
    carried = Enrolment.objects.filter(enrolment_list=next_list)
    assert carried.count() == 112 and not carried.filter(carried_over_from__isnull=True).exists()
    assert set(carried.values_list("household_id", flat=True)) == business - approved_ids
    line_2027 = programmes.budget_allocate(actor=staff_pasuruan, programme=uep, source=apbd, year=YEAR + 1,
                                           amount=120 * PER_FAMILY, reason="DPA Dinas Sosial 2027")
    next_list = enrolment.list_rebuild(actor=staff_pasuruan, enrolment_list=next_list, budget_line=line_2027)
    assert next_list.enrolments.filter(fits=True).count() == 112  # kept without a new verval: still meet the rule
    assert next_list.total_amount == 112 * PER_FAMILY
    stages, drops = _funnel_counts(verval_selectors.funnel(user=kadis_pasuruan, programme=uep, fiscal_year=YEAR,
                                                           region=city))
    assert stages[3] == 300 and drops["waitlisted"] == 112  # carried over still counts as waiting in 2026
    clock["end"] = time.perf_counter()
    _report(clock)


def _report(clock: dict) -> None:
    """Phase timings (pytest -s shows them): the scenario must stay well under a minute."""
    names = list(clock)
    print(" ".join(f"{b}={clock[b] - clock[a]:.1f}s" for a, b in zip(names, names[1:], strict=False)),
          f"total={clock[names[-1]] - clock[names[0]]:.1f}s")
