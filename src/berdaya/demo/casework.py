"""The demo's casework, written through the real services so every page has something to show: welfare scores,
letters from a village asking for business kits (UEP, the Blora case), their completeness check, a verval
assignment with visits (eligible, a removal waiting for the head of office, a confirmed one), and the approved
enrolment list with its decree (SK).

Runs after the population, the programme catalogue and the demo users exist (build.build_demo).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from berdaya.accounts.models import User
from berdaya.programmes.models import Programme
from berdaya.programmes.seed import DEMO_OFFICE, DEMO_YEAR
from berdaya.proposals import services as proposals
from berdaya.proposals.models import ProposerKind
from berdaya.regions.models import Region
from berdaya.registry import codes
from berdaya.registry.models import Household
from berdaya.targeting.services import scoring_run_now
from berdaya.verification import services as verval
from berdaya.verification.models import NotEligibleReason, Outcome, Source

Echo = Callable[[str], None]
# What the village asks for, by kit (../shared/seeds/blora.txt: kiosks, coffee stalls, tyre repair, massage, chickens).
REQUESTS = [
    ("kiosk", "Membuka warung kelontong di depan rumah"),
    ("warung_kopi", "Membuka warung kopi di pinggir jalan desa"),
    ("tambal_ban", "Usaha tambal ban (penyandang disabilitas fisik)"),
    ("pijat", "Jasa pijat (penyandang disabilitas netra)"),
    ("ternak_ayam", "Beternak ayam kampung"),
]


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=["staf", "kadis", "operator", "verifikator"])}


def _letter_pdf(*, village: Region, number: str, on: date, households: list[Household]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("demo/letter.html", {"village": village, "number": number, "on": on,
                                                  "households": households})
    return HTML(string=html).write_pdf()


def _poorest(village: Region, n: int) -> list[Household]:
    qs = (Household.objects.filter(village=village, status=codes.HouseholdStatus.ACTIVE, member_count__gt=0)
          .order_by("-vul_disability", "-bps_criteria_met", "pk"))
    return list(qs[:n])


def _file(*, users, programme, village, number: str, on: date, households, start: int = 0):
    letter = _letter_pdf(village=village, number=number, on=on, households=households)
    items = [{"household": h, "person": None, "request": REQUESTS[(start + i) % len(REQUESTS)][1],
              "business_type": REQUESTS[(start + i) % len(REQUESTS)][0], "has_business": i % 3 != 0}
             for i, h in enumerate(households)]
    return proposals.proposal_file(
        actor=users["operator"], programme=programme, fiscal_year=DEMO_YEAR, region=village,
        proposer_kind=ProposerKind.VILLAGE_HEAD, proposer_name="Suparno", letter_number=number, letter_date=on,
        letter_upload=SimpleUploadedFile(f"surat-{number.replace('/', '-')}.pdf", letter),
        summary=_("Permohonan bantuan modal usaha bagi warga kurang mampu."), items=items)


def seed_casework(*, today: date, echo: Echo) -> dict:
    users = _users()
    run = scoring_run_now(region_code=DEMO_OFFICE)
    echo(_("Skor kesejahteraan dihitung: %(n)s keluarga.") % {"n": run.households})
    operator_village = users["operator"].role_assignments.first().region
    uep = Programme.objects.get(office_id=DEMO_OFFICE, code="UEP")
    on = today - timedelta(days=30)
    pool = _poorest(operator_village, 13)  # a small demo may have fewer families in the village: take what is there
    first_part, second_part, third_part = pool[:8], pool[8:11], pool[11:]
    if not first_part:
        echo(_("Desa operator demo tidak punya keluarga: usulan demo dilewati."))
        return {"programme": uep, "users": users}
    first = _file(users=users, programme=uep, village=operator_village, number="140/031/2026", on=on,
                  households=first_part)
    proposals.proposal_pass_completeness(actor=users["staf"], proposal=first, document_ref="BA-CEK/UEP/2026/01")
    if second_part:
        second = _file(users=users, programme=uep, village=operator_village, number="140/044/2026",
                       on=on + timedelta(days=10), households=second_part, start=2)
        proposals.proposal_return(actor=users["staf"], proposal=second,
                                  reason=_("Lampirkan berita acara musyawarah desa dan daftar BNBA."))
    if third_part:
        _file(users=users, programme=uep, village=operator_village, number="140/052/2026",
              on=today - timedelta(days=3), households=third_part, start=4)
    tasks = _verval(users=users, programme=uep, village=operator_village, proposal=first, today=today)
    echo(_("Usulan dan verval demo: surat desa %(v)s, %(n)s kunjungan.") % {"v": operator_village.name, "n": tasks})
    approved = _enrol(users=users, programme=uep, today=today)
    if approved is not None:
        echo(_("Penetapan demo: %(n)s penerima UEP %(y)s, SK %(sk)s.")
             % {"n": approved.enrolments.filter(number__isnull=False).count(), "y": DEMO_YEAR,
                "sk": approved.decree_number})
    return {"programme": uep, "users": users, "list": approved}


def _enrol(*, users, programme, today: date):
    """The verified families, ranked and approved within UEP's 2026 budget by the head of office, with the SK."""
    from berdaya.enrolment.services import list_approve, list_build

    draft = list_build(actor=users["staf"], programme=programme, year=DEMO_YEAR, region=DEMO_OFFICE,
                       require_verval=True)
    if not draft.enrolments.exists():
        return None
    return list_approve(actor=users["kadis"], enrolment_list=draft, decree_number="400/128/SK/2026",
                        decree_date=today - timedelta(days=1))


def _verval(*, users, programme, village, proposal, today: date) -> int:
    assignment = verval.assignment_create(
        actor=users["staf"], name=_("Verval UEP 2026 %(v)s") % {"v": village.name}, region=village.parent,
        verifier=users["verifikator"], source=Source.PROPOSALS, programme=programme, fiscal_year=DEMO_YEAR,
        due_date=today + timedelta(days=14))
    tasks = verval.assignment_add_proposal_items(actor=users["staf"], assignment=assignment,
                                                 items=list(proposal.items.order_by("pk")))
    visited = today - timedelta(days=5)
    outcomes = [Outcome.ELIGIBLE] * 5 + [Outcome.NOT_ELIGIBLE, Outcome.NOT_FOUND]  # the last task stays pending
    visits = []
    for task, outcome in zip(tasks, outcomes, strict=False):
        reason = NotEligibleReason.WELL_OFF if outcome == Outcome.NOT_ELIGIBLE else ""
        notes = _("Rumah sudah permanen, punya mobil.") if reason else ""
        visits.append(verval.visit_record(actor=users["verifikator"], task=task, visited_on=visited, outcome=outcome,
                                          reason=reason, notes=notes, latitude="-6.9697", longitude="111.4187",
                                          accuracy=25))
    verval.visit_confirm(actor=users["kadis"], visit=visits[-1], note=_("Dicek bersama perangkat desa."))
    return len(visits)
