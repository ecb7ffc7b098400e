"""The SK penetapan (decree) of an approved list as a PDF: enrolment/sk.html rendered by WeasyPrint.

Everything on it comes from the frozen snapshots (never from the registry as it is now): the numbered recipients
with their full name, the last four digits of the NIK (the rest masked), village and amount, the count and the
total, and the list's content hash, so a printed decree can be matched with what was approved. The decree is in
Bahasa Indonesia whatever the approver's language. No external resources: system fonts, CSS in the template.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from berdaya.enrolment.models import Enrolment, EnrolmentList
from berdaya.registry.codes import Relationship


def mask_nik(nik: str) -> str:
    """Only the last four digits show: ************0001."""
    return "*" * (len(nik) - 4) + nik[-4:] if nik and len(nik) > 4 else "–"


def _recipient(snapshot: dict) -> tuple[str, str]:
    members = snapshot.get("members") or []
    person = next((m for m in members if m.get("id") == snapshot.get("person")), None) if snapshot.get(
        "person") else None
    if person is None:
        person = next((m for m in members if m.get("relationship") == Relationship.HEAD), None)
    name = person["name"] if person else snapshot.get("household", {}).get("head_name", "")
    return name, mask_nik(person.get("nik", "") if person else "")


def decree_rows(lst: EnrolmentList):
    rows = (Enrolment.objects.filter(enrolment_list=lst, number__isnull=False).order_by("number")
            .values_list("number", "snapshot"))
    for number, snapshot in rows.iterator(chunk_size=2000):
        name, nik = _recipient(snapshot)
        yield {"number": number, "name": name, "nik": nik, "village": snapshot.get("village", {}).get("name", ""),
               "amount": snapshot.get("amount", 0)}


def place_name(office) -> str:
    """Where a decree is signed: "Blora" for Kabupaten Blora, "Pasuruan" for Kota Pasuruan."""
    name = office.name
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def decree_context(lst: EnrolmentList) -> dict:
    rows = list(decree_rows(lst))
    approver = lst.approved_by
    office = lst.programme.office
    return {"list": lst, "programme": lst.programme, "office": office, "place": place_name(office),
            "year": lst.fiscal_year.year, "rows": rows, "count": len(rows), "total": sum(r["amount"] for r in rows),
            "approver_name": (approver.get_full_name() or approver.username) if approver else ""}


def decree_html(lst: EnrolmentList) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("enrolment/sk.html", decree_context(lst))


def decree_pdf(lst: EnrolmentList) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=decree_html(lst)).write_pdf()
