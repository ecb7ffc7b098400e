"""Import fixtures: real files written with openpyxl and the csv module, rows built from valid NIK/KK numbers."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date

import pytest

from berdaya.core.identity import make_nik
from tests.conftest import VILLAGE_A

HEADERS = ["NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "HUB_KELUARGA",
           "STATUS_KAWIN", "PENDIDIKAN", "PEKERJAAN", "DISABILITAS", "ALAMAT", "RT", "RW", "KODE_DESA", "DESIL"]
_serial = itertools.count(5000)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def new_kk(village: str = VILLAGE_A) -> str:
    return f"{village[:8].replace('.', '')}{next(_serial):010d}"


def new_nik(*, birth: date, sex: str, village: str = VILLAGE_A) -> str:
    return make_nik(district_code=village[:8], birth_date=birth, sex=sex, serial=next(_serial) % 10000 or 1)


def person_row(kk: str, *, name: str, sex: str = "L", birth: date = date(1980, 5, 17), rel="1", village=VILLAGE_A,
               nik: str | None = None, **extra) -> dict:
    row = {
        "NIK": nik if nik is not None else new_nik(birth=birth, sex=sex, village=village),
        "NO_KK": kk, "NAMA": name, "JENIS_KELAMIN": sex, "TEMPAT_LAHIR": "Blora",
        "TANGGAL_LAHIR": birth.strftime("%d/%m/%Y"), "HUB_KELUARGA": rel, "STATUS_KAWIN": "2", "PENDIDIKAN": "3",
        "PEKERJAAN": "9", "DISABILITAS": "", "ALAMAT": "Jl. Raya Jati 3", "RT": "1", "RW": "2",
        "KODE_DESA": village, "DESIL": "2",
    }
    row.update(extra)
    return row


def family(*, members: int = 3, village: str = VILLAGE_A, kk: str | None = None,
           surname: str = "Santoso") -> list[dict]:
    kk = kk or new_kk(village)
    rows = [person_row(kk, name=f"Budi {surname}", village=village)]
    if members > 1:
        rows.append(person_row(kk, name=f"Siti {surname}", sex="P", birth=date(1983, 2, 9), rel="3", village=village))
    for n in range(members - 2):
        rows.append(person_row(kk, name=f"Anak {n + 1} {surname}", sex="L", birth=date(2010 + n, 1, 15), rel="4",
                               village=village, **{"STATUS_KAWIN": "1"}))
    return rows


def write_xlsx(path, rows: list[dict], headers: list[str] | None = None, *, raw_rows: list[list] | None = None):
    from openpyxl import Workbook

    headers = headers or list(rows[0]) if rows else (headers or HEADERS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    for raw in raw_rows or []:
        sheet.append(raw)
    workbook.save(path)
    return path


def csv_text(rows: list[dict], headers: list[str] | None = None, *, delimiter: str = ",") -> str:
    headers = headers or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue()


def write_csv(path, rows: list[dict], headers: list[str] | None = None, *, delimiter: str = ",",
              encoding: str = "utf-8"):
    path.write_bytes(csv_text(rows, headers, delimiter=delimiter).encode(encoding))
    return path


def snapshot() -> dict:
    """Every row of the registry's tables and their audit tables: a failed import must leave this unchanged."""
    from berdaya.registry.models import Household, Person, ReviewFlag

    out = {}
    for model in (Household, Person, ReviewFlag):
        out[model.__name__] = sorted(model.objects.values_list(), key=lambda r: r[0])
        out[f"{model.__name__}.history"] = sorted(model.history.values_list(), key=lambda r: r[0])
    return out


def read_export(path) -> list[dict]:
    """The rows of a registry export file (xlsx or csv) as dicts keyed by header."""
    from pathlib import Path

    path = Path(path)
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        rows = list(workbook["Data"].iter_rows(values_only=True))
    finally:
        workbook.close()
    width = len(rows[0])  # read-only mode drops a row's trailing empty cells
    return [dict(zip(rows[0], (*row, *[None] * (width - len(row))), strict=True)) for row in rows[1:]]


@pytest.fixture
def db_worker():
    """Run the django-tasks-db worker until the queue is empty (`berdaya manage db_worker --batch`); the signal
    handlers it installs are put back afterwards."""
    import signal

    from django.core.management import call_command

    handled = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    saved = {s: signal.getsignal(s) for s in handled}

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    yield run
    for s, handler in saved.items():
        signal.signal(s, handler)
