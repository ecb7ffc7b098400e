"""Kabupaten Blora (../shared/seeds/blora.txt): village heads write to the Dinas Sosial asking for business kits
(kiosk, coffee stall, tyre repair, massage, chickens); Dinsos checks the letters, verifies the families in the field
and the head of office approves them by priority within the budget — the 19 persons with disabilities first; a
mid-year addition the remaining budget cannot cover waits for next year.

Every step goes through the services (registry, proposals, verification, targeting, enrolment), as the pages would
call them; the list page is fetched once to see the cost to December.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Role
from berdaya.enrolment import selectors as enrolment_selectors
from berdaya.enrolment import services as enrolment
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus, WaitReason
from berdaya.programmes import services as programmes
from berdaya.programmes.models import BenefitType, Frequency, FundingSource, Kind, TargetUnit
from berdaya.proposals import services as proposals
from berdaya.proposals.models import ItemStatus, ProposalItem, ProposalStatusChange, ProposerKind
from berdaya.registry import codes
from berdaya.registry import services as registry
from berdaya.registry.models import BPS_FIELDS
from berdaya.targeting import services as targeting
from berdaya.verification import selectors as verval_selectors
from berdaya.verification import services as verval
from berdaya.verification.models import NotEligibleReason, Outcome, Source, VervalTask
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from tests.scenarios.conftest import decree_text, letter_pdf, persona

YEAR = 2026
VILLAGE_BODEH = "33.16.02.2002"  # the mid-year letter
BUDGET = 75_000_000
# Kits as Dinsos Blora buys them (blora.txt: display case and fridge for a kiosk; cups, tables, pots and coffee for a
# coffee stall): (business type, name, [(item, quantity, unit, unit price)]).
KITS = [
    ("kiosk", "Warung kelontong", [("Etalase kaca", 1, "unit", 1_100_000), ("Kulkas satu pintu", 1, "unit", 950_000),
                                   ("Bahan dagangan awal", 1, "paket", 450_000)]),
    ("warung_kopi", "Warung kopi", [("Meja kayu", 2, "unit", 300_000), ("Bangku panjang", 4, "unit", 125_000),
                                    ("Cangkir dan lepek", 24, "pasang", 12_500),
                                    ("Panci dan ceret", 2, "unit", 150_000),
                                    ("Kompor gas dan tabung", 1, "set", 450_000),
                                    ("Kopi, gula dan teh awal", 1, "paket", 350_000)]),
    ("tambal_ban", "Tambal ban", [("Kompresor angin", 1, "unit", 1_800_000), ("Alat press ban", 1, "unit", 450_000),
                                  ("Perkakas tambal", 1, "set", 350_000)]),
    ("pijat", "Jasa pijat", [("Kasur pijat", 1, "unit", 900_000), ("Ranjang lipat", 1, "unit", 650_000),
                             ("Minyak urut dan handuk", 1, "paket", 250_000)]),
    ("ternak_ayam", "Ternak ayam kampung", [("Ayam kampung siap bertelur", 20, "ekor", 65_000),
                                            ("Kandang", 1, "unit", 750_000), ("Pakan", 10, "sak", 45_000)]),
]
PRICE = {"kiosk": 2_500_000, "warung_kopi": 2_500_000, "tambal_ban": 2_600_000, "pijat": 1_800_000,
         "ternak_ayam": 2_500_000}
REQUEST = {"kiosk": "Membuka warung kelontong di depan rumah", "warung_kopi": "Membuka warung kopi",
           "tambal_ban": "Membuka usaha tambal ban", "pijat": "Membuka jasa pijat",
           "ternak_ayam": "Beternak ayam kampung"}
# The families each village head proposes: (kit, disability of the one who will run the business or "", that person
# is the head (True) or an adult child (False)). 19 persons with disabilities in all: 7 tyre repair, 6 massage,
# 6 chickens.
D = codes.Disability
LETTERS = {
    VILLAGE_A: [("tambal_ban", D.PHYSICAL, True), ("tambal_ban", D.HEARING_SPEECH, False), ("tambal_ban", D.PHYSICAL,
                True), ("pijat", D.VISUAL, True), ("pijat", D.VISUAL, False), ("ternak_ayam", D.PHYSICAL, True),
                ("ternak_ayam", D.MENTAL, False)] + [("kiosk", "", True), ("warung_kopi", "", True)] * 4,
    VILLAGE_A2: [("tambal_ban", D.PHYSICAL, False), ("tambal_ban", D.PHYSICAL, True), ("pijat", D.VISUAL, True),
                 ("pijat", D.VISUAL, True), ("ternak_ayam", D.HEARING_SPEECH, True),
                 ("ternak_ayam", D.PHYSICAL, False)] + [("warung_kopi", "", True), ("kiosk", "", True)] * 3
    + [("warung_kopi", "", True)],
    VILLAGE_B: [("tambal_ban", D.PHYSICAL, True), ("tambal_ban", D.HEARING_SPEECH, True), ("pijat", D.VISUAL, False),
                ("pijat", D.VISUAL, True), ("ternak_ayam", D.PHYSICAL, True), ("ternak_ayam", D.PHYSICAL, True)]
    + [("kiosk", "", True), ("warung_kopi", "", True)] * 4,
}
DISABLED = 19
# Not every family stays: one is turned down at the completeness check, three by the field visit.
REJECTED_AT_CHECK = (VILLAGE_A2, 7)  # (village, item index): already helped by Baznas last year
NOT_ELIGIBLE = [(VILLAGE_A, 8), (VILLAGE_B, 7)]  # well-off: found running a shop already
MOVED = [(VILLAGE_B, 10)]

MEN = ["Sutrisno", "Darmono", "Sukirno", "Parmin", "Wagiman", "Suyatno", "Kasmijan", "Ngatino", "Sarmidi", "Lasiman",
       "Tukimin", "Karno", "Supardi", "Jumadi", "Sumarlan"]
WOMEN = ["Sarmi", "Painem", "Suwarni", "Tukiyem", "Jumini", "Sukinah", "Warsini", "Lasmi", "Ngatmi", "Rukini"]
FAMILY = ["Hadi", "Wiyono", "Sutarno", "Prasetyo", "Santoso", "Raharjo", "Widodo", "Setiawan", "Purnomo", "Susilo",
          "Wibowo", "Harjono"]


@pytest.fixture
def people(db, staff_blora, kadis, operator_desa_a, operator_desa_b, verifier_kecamatan_b):
    return {
        "staff": staff_blora, "kadis": kadis,
        "operators": {VILLAGE_A: operator_desa_a, VILLAGE_B: operator_desa_b,
                      VILLAGE_A2: persona("operator_gempol", Role.VILLAGE_OPERATOR, VILLAGE_A2, "Operator Gempol"),
                      VILLAGE_BODEH: persona("operator_bodeh", Role.VILLAGE_OPERATOR, VILLAGE_BODEH,
                                             "Operator Bodeh")},
        "verifiers": {DISTRICT_A: persona("verifikator_jati", Role.VERIFIER, DISTRICT_A, "Eko Prasetyo"),
                      DISTRICT_B: verifier_kecamatan_b},
    }


def _uep(staff) -> tuple:
    apbd = FundingSource.objects.create(code="apbd-blora", kind="apbd", name="APBD Kabupaten Blora")
    uep = programmes.programme_create(actor=staff, data={
        "office": BLORA, "code": "UEP-KIT", "name": "Bantuan Sarana Usaha", "kind": Kind.BUSINESS_CAPITAL,
        "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.ONE_OFF, "duration_months": 1,
        "benefit_type": BenefitType.KIT, "is_active": True, "funding_sources": [apbd],
        # Vulnerable groups first (blora.txt: persons with disabilities, the elderly living alone).
        "priority_rule": "vul_disability"})
    for order, (business_type, name, items) in enumerate(KITS):
        kit = programmes.kit_create(actor=staff, programme=uep, business_type=business_type, name=name)
        for item, quantity, unit, price in items:
            programmes.kit_item_add(actor=staff, kit=kit, name=item, quantity=quantity, unit=unit, unit_price=price)
        assert programmes.kit_total(kit) == PRICE[business_type], (business_type, order)
    targeting.rule_save(actor=staff, programme=uep, expression="bps_criteria_met >= 9 or vul_disability",
                        note="Keluarga miskin (>= 9 kriteria BPS) atau dengan anggota penyandang disabilitas")
    line = programmes.budget_allocate(actor=staff, programme=uep, source=apbd, year=YEAR, amount=BUDGET,
                                      reason="DPA Dinas Sosial 2026: bantuan sarana usaha")
    return uep, line


_names = itertools.count()


def _name(sex: str) -> str:
    n = next(_names)
    first = MEN if sex == "L" else WOMEN
    return f"{first[n % len(first)]} {FAMILY[(n // len(first)) % len(FAMILY)]}"


def _family(operator, village: str, index: int, disability: str, head_runs_it: bool):
    """A family registered by the village operator (registry services); returns (household, the person who will
    run the business)."""
    sex = "P" if index % 4 == 3 else "L"
    criteria = 7 + index % 5 if disability else 9 + index % 4
    data = {"kk_number": factories.kk_for(village=village), "village": village,
            "address": f"Dukuh Krajan RT {index % 4 + 1}", "rt": f"{index % 4 + 1:03d}", "rw": "002",
            "monthly_income": 650_000 + 25_000 * index,
            **dict.fromkeys(BPS_FIELDS[:criteria], True)}
    head = factories.person_data(village=village, name=_name(sex), sex=sex, relationship=codes.Relationship.HEAD,
                                 birth_date=date(1968 + index % 20, index % 12 + 1, index % 27 + 1),
                                 occupation=codes.Occupation.DAY_LABOURER,
                                 disability=disability if head_runs_it else "")
    household = registry.household_create(actor=operator, data=data, head=head)
    runner = household.members.get()
    if not head_runs_it:
        runner = registry.person_add(actor=operator, household=household, data=factories.person_data(
            village=village, name=_name("L"), sex="L", relationship=codes.Relationship.CHILD,
            birth_date=date(1997 + index % 6, 3, index % 27 + 1), marital_status=codes.MaritalStatus.SINGLE,
            occupation=codes.Occupation.NOT_WORKING, disability=disability))
    return household, runner


def _file(people, village: str, families: list, *, letter_number: str, letter_date: date, letter=True):
    items = [{"household": household, "person": runner if disabled else None, "business_type": kit,
              "request": REQUEST[kit], "has_business": False}
             for household, runner, kit, disabled in families]
    return proposals.proposal_file(
        actor=people["operators"][village], programme=people["uep"], fiscal_year=YEAR, region=village,
        proposer_kind=ProposerKind.VILLAGE_HEAD, proposer_name=f"Kepala Desa {village[-4:]}",
        letter_number=letter_number, letter_date=letter_date, items=items,
        letter_upload=letter_pdf(f"surat_{village}.pdf", f"Permohonan bantuan sarana usaha {village}")
        if letter else None, summary="Permohonan bantuan sarana usaha bagi warga kurang mampu dan difabel")


def _visit_all(people, assignment, outcomes: dict[int, tuple[str, str]], visited_on: date):
    verifier = assignment.verifier
    for task in VervalTask.objects.filter(assignment=assignment, state=VervalTask.State.PENDING):
        outcome, reason = outcomes.get(task.household_id, (Outcome.ELIGIBLE, ""))
        notes = "Sudah punya toko sembako yang ramai." if reason == NotEligibleReason.WELL_OFF else ""
        verval.visit_record(actor=verifier, task=task, visited_on=visited_on, outcome=outcome, reason=reason,
                            notes=notes, indicator_changes={"monthly_income": 4_000_000} if reason else None)


def test_blora_letters_for_business_kits_19_disabled_first_addition_waits_for_next_year(people, client):
    staff, kadis = people["staff"], people["kadis"]
    uep, line = _uep(staff)
    people["uep"] = uep

    # --- the families and the three letters ---------------------------------------------------------------------
    families: dict[str, list] = {}
    for village, wanted in LETTERS.items():
        families[village] = [(*_family(people["operators"][village], village, i, disability, head_runs_it), kit,
                              bool(disability))
                             for i, (kit, disability, head_runs_it) in enumerate(wanted)]
    letters = {
        VILLAGE_A: _file(people, VILLAGE_A, families[VILLAGE_A], letter_number="140/21/2026",
                         letter_date=date(YEAR, 1, 12)),
        VILLAGE_A2: _file(people, VILLAGE_A2, families[VILLAGE_A2], letter_number="145/07/I/2026",
                          letter_date=date(YEAR, 1, 14)),
        # Tlogotuwung sends its list first without the signed letter.
        VILLAGE_B: _file(people, VILLAGE_B, families[VILLAGE_B], letter_number="140/09/2026",
                         letter_date=date(YEAR, 1, 15), letter=False),
    }
    proposed = sum(len(f) for f in families.values())
    assert proposed == 42
    assert sum(1 for f in families.values() for _h, runner, _k, disabled in f if disabled and runner.disability) == (
        DISABLED)

    # --- completeness check by Dinsos staff ------------------------------------------------------------------------
    with pytest.raises(ApplicationError) as no_letter:
        proposals.proposal_pass_completeness(actor=staff, proposal=letters[VILLAGE_B])
    assert no_letter.value.code == "no_letter"
    proposals.proposal_return(actor=staff, proposal=letters[VILLAGE_B], reason="Surat permohonan bertanda tangan "
                              "kepala desa belum dilampirkan.")
    proposals.proposal_resubmit(actor=people["operators"][VILLAGE_B], proposal=letters[VILLAGE_B],
                                letter_upload=letter_pdf("surat_tlogotuwung.pdf", "Surat bertanda tangan"))
    village, index = REJECTED_AT_CHECK
    rejected_item = ProposalItem.objects.get(proposal=letters[village], household=families[village][index][0])
    proposals.item_reject(actor=staff, item=rejected_item, reason="Sudah menerima bantuan modal usaha Baznas 2025.")
    for proposal in letters.values():
        proposals.proposal_pass_completeness(actor=staff, proposal=proposal, document_ref="BA-CEK/2026")
    assert ProposalItem.objects.filter(status=ItemStatus.COMPLETE).count() == proposed - 1

    # --- verval: one assignment per district, from the proposals ---------------------------------------------------
    assignments = {}
    for district, verifier in people["verifiers"].items():
        assignment = verval.assignment_create(actor=staff, name=f"Verval sarana usaha {district}", region=district,
                                              verifier=verifier, source=Source.PROPOSALS, programme=uep,
                                              fiscal_year=YEAR, due_date=date(YEAR, 2, 28))
        items = list(verval_selectors.assignable_items(assignment=assignment))
        verval.assignment_add_proposal_items(actor=staff, assignment=assignment, items=items)
        assignments[district] = assignment
    assert ProposalItem.objects.filter(status=ItemStatus.SCHEDULED).count() == proposed - 1
    outcomes = {families[v][i][0].pk: (Outcome.NOT_ELIGIBLE, NotEligibleReason.WELL_OFF) for v, i in NOT_ELIGIBLE}
    outcomes |= {families[v][i][0].pk: (Outcome.MOVED, "") for v, i in MOVED}
    for assignment in assignments.values():
        _visit_all(people, assignment, outcomes, visited_on=date(YEAR, 2, 10))
    for visit in verval_selectors.confirmation_queue(user=kadis):
        verval.visit_confirm(actor=kadis, visit=visit, note="Sesuai foto dan keterangan tetangga.")
    eligible = proposed - 1 - len(NOT_ELIGIBLE) - len(MOVED)
    assert ProposalItem.objects.filter(status=ItemStatus.VERIFIED).count() == eligible == 38
    funnel = verval_selectors.funnel(user=kadis, programme=uep, fiscal_year=YEAR)
    assert [s.count for s in funnel.stages] == [proposed - 1, proposed - 1, eligible, 0, 0]

    # --- scores, then the decision within the budget ----------------------------------------------------------------
    targeting.scoring_run_now(region_code=BLORA)
    draft = enrolment.list_build(actor=staff, programme=uep, year=YEAR, region=BLORA, require_verval=True,
                                 budget_line=line)
    rows = list(draft.enrolments.select_related("household").order_by("rank"))
    assert len(rows) == eligible
    disabled_ranks = [r.rank for r in rows if r.household.vul_disability]
    assert disabled_ranks == list(range(1, DISABLED + 1))  # the 19 first
    assert all(r.amount == PRICE[r.business_type] for r in rows)  # the kit each family asked for
    summary = enrolment_selectors.list_summary(enrolment_list=draft)
    disabled_cost = 7 * PRICE["tambal_ban"] + 6 * PRICE["pijat"] + 6 * PRICE["ternak_ayam"]  # Rp 44.000.000
    others = (BUDGET - disabled_cost) // PRICE["kiosk"]  # 12 kiosks/coffee stalls fit in what is left
    assert (summary.fitting, summary.waiting, summary.fitting_amount) == (
        DISABLED + others, eligible - DISABLED - others, disabled_cost + others * PRICE["kiosk"])
    assert [r.fits for r in rows] == [True] * (DISABLED + others) + [False] * (eligible - DISABLED - others)

    approved = enrolment.list_approve(actor=kadis, enrolment_list=draft, decree_number="460/045/2026",
                                      decree_date=date(YEAR, 3, 2))
    decided = {e.household_id: e for e in approved.enrolments.all()}
    disabled_households = {h.pk for f in families.values() for h, _r, _k, disabled in f if disabled}
    assert {decided[pk].status for pk in disabled_households} == {EnrolmentStatus.APPROVED}
    assert Counter(e.status for e in decided.values()) == {EnrolmentStatus.APPROVED: DISABLED + others,
                                                           EnrolmentStatus.WAITLISTED: eligible - DISABLED - others}
    assert {e.wait_reason for e in decided.values() if e.status == EnrolmentStatus.WAITLISTED} == {WaitReason.BUDGET}
    line.refresh_from_db()
    left = BUDGET - disabled_cost - others * PRICE["kiosk"]
    assert (line.committed, line.remaining) == (disabled_cost + others * PRICE["kiosk"], left)
    assert left < min(PRICE.values())  # Rp 1.000.000: not even a massage kit

    # The proposal items follow the decision, and each keeps its whole story.
    items = Counter(ProposalItem.objects.values_list("status", flat=True))
    assert items == {ItemStatus.APPROVED: DISABLED + others, ItemStatus.WAITLISTED: eligible - DISABLED - others,
                     ItemStatus.REJECTED: 1 + len(NOT_ELIGIBLE) + len(MOVED)}
    blind = families[VILLAGE_A][3]
    story = list(ProposalStatusChange.objects.filter(item__household=blind[0]).order_by("at", "pk")
                 .values_list("to_status", "actor__username"))
    assert story == [(ItemStatus.SUBMITTED, "operator_desa_a"), (ItemStatus.COMPLETE, "staf_blora"),
                     (ItemStatus.SCHEDULED, "staf_blora"), (ItemStatus.VERIFIED, "verifikator_jati"),
                     (ItemStatus.APPROVED, "kadis_blora")]
    # The SK names the persons with disabilities who run the business (the person of the proposal item).
    text = " ".join(decree_text(approved.decree).split())
    for _household, runner, _kit, disabled in itertools.chain.from_iterable(families.values()):
        if disabled:
            assert runner.name in text, runner.name
    assert "Rp 74.000.000" in text and "Jumlah: 31 penerima" in text

    # --- July: Bodeh's letter for a coffee stall; the money left cannot pay it --------------------------------------
    warsito, runner = _family(people["operators"][VILLAGE_BODEH], VILLAGE_BODEH, 1, "", True)
    july = _file(people, VILLAGE_BODEH, [(warsito, runner, "warung_kopi", False)], letter_number="140/33/VII/2026",
                 letter_date=date(YEAR, 7, 6))
    proposals.proposal_pass_completeness(actor=staff, proposal=july)
    verval.assignment_add_proposal_items(
        actor=staff, assignment=assignments[DISTRICT_B],
        items=list(verval_selectors.assignable_items(assignment=assignments[DISTRICT_B])))
    _visit_all(people, assignments[DISTRICT_B], {}, visited_on=date(YEAR, 7, 14))
    addition = enrolment.list_build(actor=staff, programme=uep, year=YEAR, region=BLORA, kind="addition",
                                    start_month=8, require_verval=True, budget_line=line)
    waiting = eligible - DISABLED - others + 1
    summary = enrolment_selectors.list_summary(enrolment_list=addition)
    assert (summary.months, summary.payments, summary.fitting, summary.waiting) == (5, 1, 0, waiting)
    assert (summary.all_amount, summary.budget.remaining, summary.shortfall) == (
        waiting * PRICE["warung_kopi"], left, waiting * PRICE["warung_kopi"] - left)
    assert addition.enrolments.get(household=warsito).wait_reason == WaitReason.BUDGET
    client.force_login(staff)
    page = client.get(reverse("enrolment:list_detail", args=[addition.pk])).content.decode()
    assert "Biaya sampai Desember" in page and "5 bulan tersisa sampai Desember" in page
    assert "Rp 20.000.000" in page and "Kurang Rp 19.000.000" in page
    enrolment.list_approve(actor=kadis, enrolment_list=addition, decree_number="460/118/2026",
                           decree_date=date(YEAR, 8, 3))
    assert addition.enrolments.filter(status=EnrolmentStatus.WAITLISTED).count() == waiting
    assert ProposalItem.objects.get(household=warsito).status == ItemStatus.WAITLISTED
    line.refresh_from_db()
    assert line.remaining == left  # nothing more committed

    # --- next year ----------------------------------------------------------------------------------------------
    assert enrolment.year_carry_over(actor=staff, programme=uep, from_year=YEAR) == waiting
    next_list = EnrolmentList.objects.get(programme=uep, fiscal_year__year=YEAR + 1)
    carried = Enrolment.objects.filter(enrolment_list=next_list)
    assert carried.count() == waiting and carried.filter(household=warsito).exists()
    assert not carried.filter(household_id__in=disabled_households).exists()
    assert Enrolment.objects.filter(fiscal_year__year=YEAR, status=EnrolmentStatus.CARRIED_OVER).count() == waiting
