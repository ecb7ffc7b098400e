"""Reading one cell as the value a registry field holds: text, number, date, code, yes/no.

A cell comes from calamine (str, float, int, bool, date, datetime, timedelta) or from csv (str). Blank cells and
'-' mean "not given" (BLANK). A cell that cannot be read raises CellError with an Indonesian message.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from berdaya.core.identity import clean_number
from berdaya.imports import opensid
from berdaya.imports.template import Column, choices_label, norm

# Excel's own limit for one cell; a longer value (a pasted document, a broken export) is refused, not truncated.
MAX_CELL_CHARS = 32_767
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug is in its serials)
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31
MIN_PLAUSIBLE_SERIAL = 1_000  # below this a number is not a birth date
FLOAT_EXACT = 2**53  # floats hold every integer below this exactly


class _Blank:
    """The one "not given" marker. Pickled by name (imports.plan_cache stores parsed rows between a dry run and its
    commit), so a loaded BLANK is this very object and `value is BLANK` keeps working."""

    __slots__ = ()

    def __reduce__(self):
        return "BLANK"

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()


class CellError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_DATE_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_MONEY_NOISE = re.compile(r"(?i)^\s*rp\.?|[\s.]|,-$|,00$")


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return stripped in ("", "-")
    return False


def check_size(value) -> None:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise CellError(_("Isi sel terlalu besar (%(n)s karakter; paling banyak %(max)s). Periksa file asal.")
                        % {"n": f"{len(value):,}".replace(",", "."), "max": f"{MAX_CELL_CHARS:,}".replace(",", ".")})


def as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def identity_number(value, *, label: str) -> tuple[str, str | None]:
    """A NIK/KK cell as text for core.identity; numbers stored by Excel are turned back into their digits.

    Returns (text, warning). Excel keeps 15 significant digits: a 16-digit number typed into a numeric cell loses
    its last digit (it becomes 0). Numbers beyond 2^53 are no longer exact: refused with the Excel explanation.
    """
    if isinstance(value, bool):
        raise CellError(_("%(label)s tidak boleh berisi Ya/Tidak.") % {"label": label})
    if isinstance(value, int | float):
        if isinstance(value, float) and (not value.is_integer() or value >= FLOAT_EXACT):
            raise CellError(_("%(label)s tersimpan sebagai angka di Excel dan digitnya sudah hilang (%(v)s). "
                              "Format kolom %(label)s sebagai Teks lalu ketik/ekspor ulang.")
                            % {"label": label, "v": f"{value:.6g}"})
        digits = str(int(value))
        warning = None
        if len(digits) == 16 and digits.endswith("0"):
            warning = _("%(label)s tersimpan sebagai angka di Excel dan berakhir 0: Excel hanya menyimpan 15 digit, "
                        "periksa digit terakhir dengan dokumen asli.") % {"label": label}
        return digits, warning
    return str(value).strip(), None


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, timedelta):  # a time-formatted serial
        return EXCEL_EPOCH + timedelta(days=value.days)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = _TIME_SUFFIX.sub("", str(value).strip().lstrip("'"))
    if text.isdigit() and 4 <= len(text) <= 7:  # an Excel serial written out as text
        return _from_serial(int(text))
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if month > 12 and day <= 12:
            raise CellError(_("Tanggal %(v)s tampaknya bulan/tanggal/tahun (format Amerika): tulis sebagai "
                              "tanggal/bulan/tahun, mis. %(d)02d/%(m)02d/%(y)d.") % {"v": text, "d": month, "m": day,
                                                                                    "y": year})
        return _make_date(year, month, day, text)
    match = _DATE_YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    raise CellError(_("Tanggal '%(v)s' tidak dikenali: tulis dd/mm/yyyy (mis. 17/05/1980), dd-mm-yyyy atau "
                      "yyyy-mm-dd.") % {"v": text[:40]})


def _from_serial(number) -> date:
    if not MIN_PLAUSIBLE_SERIAL <= number <= MAX_EXCEL_SERIAL:
        raise CellError(_("Angka %(v)s bukan tanggal: tulis dd/mm/yyyy.") % {"v": as_text(number)})
    return EXCEL_EPOCH + timedelta(days=int(number))


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("Tanggal %(v)s tidak ada di kalender.") % {"v": text}) from None


def parse_code(column: Column, value):
    key = norm(value)
    if key in column.lookup:
        return column.lookup[key]
    hint = choices_label(column)
    raise CellError(_("'%(v)s' bukan kode atau label yang dikenal untuk %(col)s. Pilihan: %(hint)s.")
                    % {"v": as_text(value)[:60], "col": column.header, "hint": hint})


def parse_whole(value, *, minimum: int = 0, maximum: int | None = None, money: bool = False) -> int:
    if isinstance(value, bool):
        raise CellError(_("Harus angka bulat."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Harus angka bulat (tertulis %(v)s).") % {"v": value})
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = _MONEY_NOISE.sub("", str(value)) if money else str(value).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(_("Harus angka bulat (tertulis '%(v)s').") % {"v": str(value).strip()[:40]})
        number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        if maximum is None:
            raise CellError(_("Tidak boleh kurang dari %(min)d.") % {"min": minimum})
        raise CellError(_("Harus antara %(min)d dan %(max)d.") % {"min": minimum, "max": maximum})
    return number


def parse_decimal(value, *, limit: int) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise CellError(_("Harus angka desimal, mis. -6.9698.")) from None
    if not number.is_finite() or abs(number) > limit:
        raise CellError(_("Harus antara -%(n)d dan %(n)d.") % {"n": limit})
    return number.quantize(Decimal("0.000001"))


def parse_rt_rw(value) -> str:
    text = as_text(value).lstrip("'").strip()
    if text.isdigit():
        text = text.lstrip("0").zfill(3) if len(text) <= 3 else text
    if len(text) > 3:
        raise CellError(_("RT/RW paling banyak 3 karakter (tertulis '%(v)s').") % {"v": text[:20]})
    return text


def village_code(value) -> str:
    text = as_text(value).lstrip("'").strip()
    digits = clean_number(text)
    if digits.isdigit() and len(digits) == 10:
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
    return text


def parse_cell(column: Column, value):
    """The typed value of `value` for `column`, BLANK when empty; raises CellError."""
    check_size(value)
    if is_blank(value):
        return BLANK
    return parse_value(column, value)


def parse_value(column: Column, value):
    """parse_cell for a cell already known to be neither blank nor too large."""
    kind = column.kind
    if kind == "code":
        return parse_code(column, value)
    if kind == "bool":
        return parse_code(column, value)
    if kind == "date":
        return parse_date(value)
    if kind in ("text", "name", "dusun"):
        text = " ".join(as_text(value).lstrip("'").split())
        if kind == "dusun":
            text = opensid.clean_dusun(text)
        limit = column.max_length
        if limit and len(text) > limit:
            raise CellError(_("Terlalu panjang: %(n)d karakter, paling banyak %(max)d.") % {"n": len(text),
                                                                                            "max": limit})
        return text
    if kind == "rtrw":
        return parse_rt_rw(value)
    if kind == "money":
        return parse_whole(value, money=True)
    if kind == "int":
        return parse_whole(value, maximum=65_535)
    if kind == "desil":
        return parse_whole(value, minimum=1, maximum=10)
    if kind == "decimal":
        return parse_decimal(value, limit=90 if column.key == "latitude" else 180)
    if kind == "village":
        return village_code(value)
    raise AssertionError(kind)  # nik and kk are read by the engine with core.identity
