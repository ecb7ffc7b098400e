"""Domain rules for registry records: the one code path that forms, services and imports share.

Field parsing (text to date, code to int) belongs to the caller (a form or an import reader); these functions
take typed values and return errors (refusals, by field) and flags (accepted, but a person must review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from berdaya.core.identity import IdentityError, clean_number, kk_district_code, nik_mismatches, parse_kk, parse_nik
from berdaya.registry.codes import Sex

MAX_AGE_YEARS = 130


@dataclass
class Check:
    cleaned: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    flags: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_person(*, nik, sex: str | None, birth_date: date | None, pregnant: bool = False,
                 today: date | None = None) -> Check:
    """NIK structure and its agreement with sex and birth date; birth date plausible; pregnancy possible."""
    today = today or date.today()
    result = Check()
    raw = "" if nik is None else str(nik).strip()
    if clean_number(raw) in ("", "0"):  # also '-', and a cell holding only invisible characters
        result.cleaned["nik"] = ""
        result.flags.append(("nik_missing", _("Belum punya NIK: perlu ditindaklanjuti ke Dukcapil.")))
    else:
        try:
            info = parse_nik(raw)
        except IdentityError as exc:
            result.errors["nik"] = exc.message
        else:
            result.cleaned["nik"] = info.nik
            result.flags.extend(nik_mismatches(info, birth_date=birth_date, sex=sex))
    if sex not in (Sex.MALE, Sex.FEMALE):
        result.errors["sex"] = _("Jenis kelamin harus L (laki-laki) atau P (perempuan).")
    if birth_date is not None:
        if birth_date > today:
            result.errors["birth_date"] = _("Tanggal lahir %(d)s ada di masa depan.") % {
                "d": birth_date.strftime("%d/%m/%Y")}
        elif today.year - birth_date.year > MAX_AGE_YEARS:
            result.errors["birth_date"] = _("Tanggal lahir %(d)s tidak masuk akal (lebih dari %(n)d tahun).") % {
                "d": birth_date.strftime("%d/%m/%Y"), "n": MAX_AGE_YEARS}
    if pregnant and sex == Sex.MALE:
        result.errors["pregnant"] = _("Laki-laki tidak dapat ditandai hamil.")
    return result


def check_kk(kk_number, *, district_exists) -> Check:
    """KK: 16 digits whose first six name a real district (`district_exists(code) -> bool`)."""
    result = Check()
    try:
        kk = parse_kk(kk_number)
    except IdentityError as exc:
        result.errors["kk_number"] = exc.message
        return result
    code = kk_district_code(kk)
    if not district_exists(code):
        result.errors["kk_number"] = _(
            "Enam digit pertama nomor KK (%(code)s) bukan kode kecamatan yang terdaftar.") % {"code": code}
    result.cleaned["kk_number"] = kk
    return result
