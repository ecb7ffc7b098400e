"""NIK and KK numbers: cleaning, structure, and what they say about a person.

Rules from ../shared/domain.md ("Identity numbers and regions"):
- NIK: 16 digits = province(2) regency(2) district(2) of first registration + birth date DDMMYY with day + 40
  for women + serial(4), not 0000. The NIK never changes when a person moves, so its region digits need not match
  the current address; real prefixes such as 6501, 9201, 9301 exist (python-stdnum's check rejects them, so it
  is not used here). The century is not in the NIK: it is inferred from the recorded date of birth.
- KK: 16 digits; the first six are the issuing district's code (checked against the region list elsewhere).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date
from typing import NamedTuple

# Civil-registry extracts carry zero-width spaces, BOMs, NBSPs; Excel users type a leading apostrophe.
_STRIP_CHARS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00a0'`\".,\-]")
_DIGITS16 = re.compile(r"^[0-9]{16}$")  # ASCII only: \d would also take Arabic-Indic and other script digits
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IdentityError(ValueError):
    """A NIK or KK that cannot be right; the message is user-facing (translatable)."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def clean_number(raw) -> str:
    """Digits of a NIK/KK as text, dropping invisible characters and spreadsheet artefacts."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    return _STRIP_CHARS.sub("", text)


def looks_destroyed_by_excel(raw) -> bool:
    """3.31601E+15: Excel stored the number as a float and lost its last digits."""
    return bool(_SCIENTIFIC.match(str(raw).strip().replace(",", ".")))


class NikInfo(NamedTuple):  # a named tuple, not a frozen dataclass: built once per imported row, 3x cheaper
    nik: str
    province: str
    regency: str
    district: str
    birth_day: int
    birth_month: int
    birth_yy: int
    sex: str  # "L" or "P"
    serial: str

    @property
    def district_code(self) -> str:
        """Dotted Kemendagri code of the district of first registration, e.g. 33.16.01."""
        return f"{self.province}.{self.regency}.{self.district}"

    def birth_date_candidates(self) -> list[date]:
        out = []
        for century in (1900, 2000):
            with contextlib.suppress(ValueError):  # 29 February outside a leap year
                out.append(date(century + self.birth_yy, self.birth_month, self.birth_day))
        return out


def _gettext(message):
    from django.utils.translation import gettext

    return gettext(message)


def parse_nik(raw) -> NikInfo:
    """Parse a NIK; raise IdentityError naming what is wrong."""
    _ = _gettext
    if raw is not None and looks_destroyed_by_excel(raw):
        raise IdentityError(
            _("NIK tertulis sebagai angka ilmiah (mis. 3.31601E+15): Excel sudah menghilangkan digitnya. "
              "Simpan kolom NIK sebagai teks dan ekspor ulang."),
            "excel_scientific",
        )
    nik = clean_number(raw)
    if not _DIGITS16.match(nik):
        raise IdentityError(_("NIK harus 16 digit angka (tertulis %(n)d karakter).") % {"n": len(nik)}, "length")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province < "11" or regency == "00" or district == "00":
        raise IdentityError(_("Kode wilayah pada NIK (6 digit pertama) tidak mungkin: %(code)s.") % {"code": nik[:6]},
                            "region")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    if not 1 <= month <= 12:
        raise IdentityError(_("Bulan lahir pada NIK (digit 9–10) tidak valid: %(m)s.") % {"m": nik[8:10]}, "month")
    # A 29 February is only possible in a leap year of one of the two centuries: 2000 + yy is one exactly when
    # yy % 4 == 0 (2000 itself is), and 1900 + yy never is otherwise. (A table: this runs for every imported row.)
    max_day = 28 if month == 2 and yy % 4 else _MONTH_DAYS[month - 1]
    if not 1 <= day <= max_day:
        raise IdentityError(
            _("Tanggal lahir pada NIK (digit 7–8) tidak valid: %(d)s (perempuan: tanggal + 40).") % {"d": nik[6:8]},
            "day",
        )
    serial = nik[12:16]
    if serial == "0000":
        raise IdentityError(_("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."), "serial")
    return NikInfo(nik, province, regency, district, day, month, yy, sex, serial)


def nik_mismatches(info: NikInfo, *, birth_date: date | None, sex: str | None) -> list[tuple[str, str]]:
    """Where a valid NIK disagrees with the person's recorded birth date or sex: (code, reason) pairs.

    A mismatch is a review flag, not a refusal: the registry often holds the NIK right and the date wrong, or
    the reverse, and only a document check can tell which.
    """
    _ = _gettext
    out = []
    if sex and sex != info.sex:
        out.append((
            "nik_sex_mismatch",
            _("NIK menunjukkan jenis kelamin %(nik)s, data tercatat %(rec)s.")
            % {"nik": _label_sex(info.sex), "rec": _label_sex(sex)},
        ))
    if birth_date is not None:
        ok = (birth_date.day, birth_date.month, birth_date.year % 100) == (info.birth_day, info.birth_month,
                                                                           info.birth_yy)
        if not ok:
            out.append((
                "nik_birthdate_mismatch",
                _("Tanggal lahir pada NIK %(nik)s tidak sama dengan tanggal lahir tercatat %(rec)s.")
                % {"nik": f"{info.birth_day:02d}/{info.birth_month:02d}/{info.birth_yy:02d}",
                   "rec": birth_date.strftime("%d/%m/%Y")},
            ))
    return out


def _label_sex(code: str) -> str:
    _ = _gettext
    return _("perempuan") if code == "P" else _("laki-laki")


def parse_kk(raw) -> str:
    """Clean and check a KK number's shape; the district lookup of its first six digits is done by the caller."""
    _ = _gettext
    if raw is not None and looks_destroyed_by_excel(raw):
        raise IdentityError(
            _("Nomor KK tertulis sebagai angka ilmiah (mis. 3.31601E+15): Excel sudah menghilangkan digitnya."),
            "excel_scientific",
        )
    kk = clean_number(raw)
    if not _DIGITS16.match(kk):
        raise IdentityError(_("Nomor KK harus 16 digit angka (tertulis %(n)d karakter).") % {"n": len(kk)}, "length")
    return kk


def kk_district_code(kk: str) -> str:
    return f"{kk[0:2]}.{kk[2:4]}.{kk[4:6]}"


def make_nik(*, district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a structurally valid NIK (demo data, tests)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def mask_number(value: str) -> str:
    """3316014505900001 -> 3316********0001 (public lists and roles that need not see it)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """WAHYUNI LESTARI -> W****I L*****I, as the national status-check site shows names."""
    parts = []
    for word in (name or "").split():
        parts.append(word[0] + "*" * (len(word) - 2) + word[-1] if len(word) > 2 else word[0] + "*" * (len(word) - 1))
    return " ".join(parts)
