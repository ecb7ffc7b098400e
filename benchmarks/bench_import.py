"""Registry import at district scale: 1,000,000 people (~300,000 families) from csv and xlsx, against the peer.

    uv sync --frozen --group bench        # once: the peer, django-import-export (a benchmark-only dependency group;
                                          # `make test` / bootstrap install only the default groups)
    .venv/bin/python benchmarks/bench_import.py [--persons N] [--db sqlite|postgresql|both] [--formats csv,xlsx]
                                                [--columns extract|full] [--skip-peer] [--peer-rows N]
                                                [--results PATH]

Per database (SQLite: benchmarks/.data/import.sqlite3; PostgreSQL: database berdaya_bench_import on BENCH_PG_SERVER,
default postgres@127.0.0.1:5432, created at the start and dropped at the end), each case runs in its own process so
its peak RSS (ru_maxrss of that process) is its own, on an empty registry (regions and one superuser loaded):
- Berdaya (engine.dry_run, then engine.commit, each in its own process) importing the N-person file as csv and xlsx;
  the commit checks every row again, as it does after a real dry run (starting from what the dry run read from the
  file, imports.plan_cache under BERDAYA_DATA_DIR, and checking the registry afresh);
- the peer, django-import-export: a ModelResource for Person with its Household (written here, not in the app),
  imported as a Django shop would (tablib Dataset, import_data(dry_run=True), then import_data for real) with its
  default options (row by row; use_bulk off, so django-simple-history's audit rows are written as in the app),
  on a --peer-rows file (the first people of the same data). Berdaya imports the same file: rows/s ratio.

Files: one row per person with the template's headers (--columns extract: the 19 columns of a registry extract,
as offices exchange; full: every template column), written once and reused from benchmarks/.data/ (csv with the
csv module, xlsx with openpyxl write-only, NIK/NO_KK as text). People come from benchmarks/registry_data.py's
generator (Blora's villages, valid NIK/KK, ~3.3 people per family; living members only, ~1.3% without a NIK).

Prints a table and writes benchmarks/results/import.json (../shared/CONVENTIONS.md, "Benchmark results").
Goals (issue 4): the 1M-person csv dry run + commit < 60 s on SQLite; >= 20x the peer's rows/s; peak RSS < 2 GiB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from results_file import format_results, git_commit, machine

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / ".data"
RESULTS = ROOT / "benchmarks" / "results" / "import.json"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "berdaya_bench_import"
SQLITE_FILE = DATA_DIR / "import.sqlite3"
SQLITE_EMPTY = DATA_DIR / "import-empty.sqlite3"  # migrated, regions and the bench user: copied before each case
USERNAME = "bench_import"
SEED = 20261125
GOAL_SECONDS, GOAL_RATIO, GOAL_RSS_MIB = 60, 20, 2048
PEER_SYSTEM = "peer: django-import-export {version} ModelResource, default options (row by row)"

# What a registry extract carries (DTSEN/village lists): the person, the family card, the address and the desil.
EXTRACT_HEADERS = ["NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "HUB_KELUARGA",
                   "STATUS_KAWIN", "PENDIDIKAN", "PEKERJAAN", "DISABILITAS", "HAMIL", "TELEPON", "ALAMAT", "DUSUN",
                   "RT", "RW", "KODE_DESA", "DESIL"]


# --- environment ------------------------------------------------------------------------------------------------
def database_url(db: str) -> str:
    return f"sqlite:///{SQLITE_FILE}" if db == "sqlite" else f"{PG_SERVER}/{PG_DATABASE}"


def environment(db: str) -> dict:
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
    return {**os.environ, "DATABASE_URL": database_url(db), "BERDAYA_DATA_DIR": str(DATA_DIR),
            "BERDAYA_ALLOW_DEV_SECRET": "1", "BERDAYA_MANIFEST_STATIC": "0", "DEBUG": "0", "AXES_ENABLED": "0",
            "DJANGO_SETTINGS_MODULE": "berdaya.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}


def pg_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def create_database(db: str) -> None:
    """An empty, migrated database with the regions and the bench user (SQLite: a file copied before each case)."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        pg_execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        pg_execute(f"CREATE DATABASE {PG_DATABASE}")
    worker(db, {"case": "prepare"})
    if db == "sqlite":
        shutil.copyfile(SQLITE_FILE, SQLITE_EMPTY)


def drop_database(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        SQLITE_EMPTY.unlink(missing_ok=True)
    else:
        pg_execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def reset_registry(db: str) -> None:
    """Back to the empty registry (regions and the user stay)."""
    if db == "sqlite":
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(SQLITE_EMPTY, SQLITE_FILE)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 'registry\\_%' "
            "OR tablename LIKE 'imports\\_%') AND tablename <> 'registry_household_names'")]  # emptied by trigger
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        conn.execute("VACUUM ANALYZE")


def worker(db: str, task: dict) -> dict:
    """Run one case in a fresh process; its last output line is RESULT <json>."""
    cmd = [sys.executable, __file__, "--worker", json.dumps({**task, "db": db})]
    proc = subprocess.run(cmd, env=environment(db), capture_output=True, text=True)  # noqa: S603
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
        raise RuntimeError(f"[{db}] case {task} failed (exit {proc.returncode})")
    line = next(line for line in reversed(proc.stdout.splitlines()) if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


# --- files --------------------------------------------------------------------------------------------------------
def data_file(kind: str, persons: int, columns: str) -> Path:
    return DATA_DIR / f"import-{columns}-{persons}.{kind}"


def headers_for(columns: str) -> list[str]:
    from berdaya.imports.template import COLUMNS

    return EXTRACT_HEADERS if columns == "extract" else [c.header for c in COLUMNS]


def person_rows(persons: int, headers: list[str]):
    """(row values for the csv, for the xlsx) per living person, from the benchmark registry generator."""
    from django.utils import timezone

    from benchmarks.registry_data import Generator
    from berdaya.imports.template import COLUMNS
    from berdaya.registry import codes

    by_header = {c.header: c for c in COLUMNS}
    gen = Generator(seed=SEED, today=timezone.localdate())
    count = 0
    while count < persons:
        household, members, _flags = gen._household()
        for person in members:
            if person["status"] != codes.PersonStatus.ALIVE:
                continue
            values = []
            for header in headers:
                column = by_header[header]
                if column.key == "village":
                    values.append(household["village_id"])
                elif column.target == "person" or column.key == "kk_number":
                    values.append(person.get(column.key) if column.key != "kk_number" else household["kk_number"])
                else:
                    values.append(household.get(column.key))
            yield _cells(values, headers)
            count += 1
            if count >= persons:
                return


def _cells(values: list, headers: list[str]) -> tuple[list, list]:
    """As an office file holds them: codes as numbers, yes/no as Ya/Tidak, dates dd/mm/yyyy (xlsx: date cells)."""
    text, typed = [], []
    for header, value in zip(headers, values, strict=True):
        if value is None or value == "":
            text.append("")
            typed.append(None)
        elif value is True or value is False:
            text.append("Ya" if value else "Tidak")
            typed.append(text[-1])
        elif header == "TANGGAL_LAHIR":
            text.append(value.strftime("%d/%m/%Y"))
            typed.append(value)
        else:
            text.append(str(value))
            typed.append(value if isinstance(value, int) else str(value))
    return text, typed


def write_files(persons: int, columns: str, formats: list[str]) -> None:
    """Write the missing files (csv and/or xlsx) in one pass over the generated people."""
    wanted = [kind for kind in formats if not data_file(kind, persons, columns).exists()]
    if not wanted:
        return
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    headers = headers_for(columns)
    started = time.perf_counter()
    tmp = {kind: data_file(kind, persons, columns).with_suffix(f".{kind}.part") for kind in wanted}
    text_columns = {headers.index(h) for h in ("NIK", "NO_KK")}
    with open(tmp.get("csv", os.devnull), "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        sheet.append(headers)
        date_column = headers.index("TANGGAL_LAHIR")
        for text, typed in person_rows(persons, headers):
            if "csv" in tmp:
                writer.writerow(text)
            if "xlsx" in tmp:
                cells = list(typed)
                for index in text_columns:
                    cell = WriteOnlyCell(sheet, value=typed[index])
                    cell.number_format = "@"
                    cells[index] = cell
                if typed[date_column] is not None:
                    cell = WriteOnlyCell(sheet, value=typed[date_column])
                    cell.number_format = "DD/MM/YYYY"
                    cells[date_column] = cell
                sheet.append(cells)
    if "xlsx" in tmp:
        workbook.save(tmp["xlsx"])
    for kind, path in tmp.items():
        path.rename(data_file(kind, persons, columns))
    print(f"  files written: {', '.join(wanted)} ({time.perf_counter() - started:.0f} s)", flush=True)


# --- the peer -----------------------------------------------------------------------------------------------------
def peer_resource():
    """django-import-export's ModelResource for Person, its Household created from the row when new."""
    from import_export import fields, resources, widgets

    from berdaya.core.text import search_key
    from berdaya.registry.models import Household, Person

    class YesNoWidget(widgets.BooleanWidget):
        TRUE_VALUES = ["Ya", "1", 1, True]
        FALSE_VALUES = ["Tidak", "0", 0, False]

    def field(attribute, header, widget=None):
        return fields.Field(attribute=attribute, column_name=header, widget=widget)

    class PersonResource(resources.ModelResource):
        nik = field("nik", "NIK")
        household = field("household", "NO_KK", widgets.ForeignKeyWidget(Household, field="kk_number"))
        name = field("name", "NAMA")
        sex = field("sex", "JENIS_KELAMIN")
        birth_place = field("birth_place", "TEMPAT_LAHIR")
        birth_date = field("birth_date", "TANGGAL_LAHIR", widgets.DateWidget(format="%d/%m/%Y"))
        relationship = field("relationship", "HUB_KELUARGA", widgets.IntegerWidget())
        marital_status = field("marital_status", "STATUS_KAWIN", widgets.IntegerWidget())
        education = field("education", "PENDIDIKAN", widgets.IntegerWidget())
        occupation = field("occupation", "PEKERJAAN", widgets.IntegerWidget())
        disability = field("disability", "DISABILITAS")
        pregnant = field("pregnant", "HAMIL", YesNoWidget())
        phone = field("phone", "TELEPON")

        class Meta:
            model = Person
            import_id_fields = ("nik",)
            fields = ("nik", "household", "name", "sex", "birth_place", "birth_date", "relationship",
                      "marital_status", "education", "occupation", "disability", "pregnant", "phone")

        def get_instance(self, instance_loader, row):
            # People without a NIK yet are always new (the default lookup would match all of them).
            return super().get_instance(instance_loader, row) if row.get("NIK") else None

        def before_import_row(self, row, **kwargs):
            desil = row.get("DESIL")
            Household.objects.get_or_create(kk_number=row["NO_KK"], defaults={
                "village_id": row["KODE_DESA"], "address": row["ALAMAT"], "dusun": row.get("DUSUN") or "",
                "rt": row.get("RT") or "", "rw": row.get("RW") or "", "official_desil": int(desil) if desil else None})

        def before_save_instance(self, instance, row, **kwargs):
            instance.name_key = search_key(instance.name)
            instance.disability = instance.disability or ""
            instance.phone = instance.phone or ""
            instance.birth_place = instance.birth_place or ""

    return PersonResource()


def run_peer(path: Path) -> dict:
    import import_export
    import tablib
    from django.db import connection

    from berdaya.registry.models import Household, Person

    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    loaded = time.perf_counter()
    resource_ = peer_resource()
    dry = resource_.import_data(dataset, dry_run=True, raise_errors=False)
    dry_done = time.perf_counter()
    real = resource_.import_data(dataset, dry_run=False, raise_errors=False)
    done = time.perf_counter()
    connection.close()
    return {"rows": len(dataset), "seconds": done - started, "load_seconds": loaded - started,
            "dry_run_seconds": dry_done - loaded, "commit_seconds": done - dry_done,
            "errors": len(real.row_errors()) + len(real.invalid_rows), "dry_run_errors": len(dry.row_errors()),
            "persons": Person.objects.count(), "households": Household.objects.count(),
            "version": import_export.__version__}


# --- Berdaya ------------------------------------------------------------------------------------------------------
def run_ours(path: Path, phase: str) -> dict:
    from berdaya.accounts.models import User
    from berdaya.imports.engine import ImportOptions, commit, dry_run

    user = User.objects.get(username=USERNAME)
    started = time.perf_counter()
    result = (dry_run if phase == "dry_run" else commit)(path, actor=user, options=ImportOptions())
    seconds = time.perf_counter() - started
    s = result.summary
    out = {"rows": s.rows, "seconds": seconds, "new_persons": s.new_persons, "new_households": s.new_households,
           "rejected": s.rejected, "warnings": s.warnings, "committed": s.committed}
    if phase == "commit":
        out["checks"] = check_commit(user, expected=s.new_persons)
    return out


def check_commit(user, *, expected: int) -> dict:
    """After the commit (not timed): every person written, and the name search finds imported people."""
    from berdaya.registry import search_index, selectors
    from berdaya.registry.models import Person

    persons = Person.objects.count()
    sample = list(Person.objects.order_by("?").values_list("name_key", "household_id")[:20]) if persons else []
    found = 0
    for name_key, household_id in sample:
        filters = selectors.HouseholdFilters(q=name_key, status="")
        found += selectors.household_list(user=user, filters=filters).filter(pk=household_id).exists()
    ok = persons == expected and found == len(sample) and search_index.triggers_present()
    if not ok:
        raise RuntimeError(f"commit check failed: {persons} persons (expected {expected}), "
                           f"name search found {found}/{len(sample)}, triggers {search_index.triggers_present()}")
    return {"persons": persons, "name_search_found": f"{found}/{len(sample)}"}


def run_worker(task: dict) -> None:
    import django

    django.setup()
    if task["case"] == "prepare":
        out = prepare()
    elif task["case"] == "files":
        write_files(task["persons"], task["columns"], task["formats"])
        out = {"columns": len(headers_for(task["columns"]))}
    elif task["case"] == "peer":
        out = run_peer(Path(task["path"]))
    else:
        out = run_ours(Path(task["path"]), task["case"])
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def prepare() -> dict:
    from django.core.management import call_command

    from berdaya.accounts.models import User
    from berdaya.regions.services import regions_load

    call_command("migrate", verbosity=0)
    counts = regions_load()
    User.objects.create_superuser(USERNAME, f"{USERNAME}@example.org", None)
    return {"regions": sum(counts.values())}


# --- the run --------------------------------------------------------------------------------------------------------
def run_db(db: str, args, files: dict[str, Path], peer_file: Path | None) -> dict:
    print(f"[{db}] preparing the database ...", flush=True)
    create_database(db)
    cases: dict[str, dict] = {}
    try:
        if peer_file is not None:
            reset_registry(db)
            print(f"[{db}] peer: django-import-export, {args.peer_rows:,} rows ...", flush=True)
            cases["peer"] = worker(db, {"case": "peer", "path": str(peer_file)})
            _echo(db, "peer", cases["peer"])
            cases["peer_file"] = import_pair(db, peer_file, "peer file")
        for kind, path in files.items():
            cases[kind] = import_pair(db, path, kind)
    finally:
        if not args.keep:
            drop_database(db)
    return cases


def import_pair(db: str, path: Path, label: str) -> dict:
    """Dry run then commit of one file (each in its own process) on the empty registry."""
    reset_registry(db)
    out = {}
    for phase in ("dry_run", "commit"):
        print(f"[{db}] {label}: {phase} of {path.name} ...", flush=True)
        out[phase] = worker(db, {"case": phase, "path": str(path)})
        _echo(db, f"{label} {phase}", out[phase])
    return out


def _echo(db: str, label: str, result: dict) -> None:
    print(f"[{db}] {label}: {result['rows']:,} rows in {result['seconds']:.1f} s "
          f"({result['rows'] / result['seconds']:,.0f} rows/s), peak RSS {result['peak_rss_mib']:,.0f} MiB", flush=True)


def figures_for(db: str, cases: dict, args) -> list[dict]:
    size = "1m" if args.persons == 1_000_000 else str(args.persons)
    out = []
    for kind in args.formats:
        pair = cases[kind]
        total = pair["dry_run"]["seconds"] + pair["commit"]["seconds"]
        figure = {"name": f"{kind}_{size}_dry_run_plus_commit_seconds", "db": db, "value": round(total, 1),
                  "unit": "s"}
        if kind == "csv" and db == "sqlite" and args.persons == 1_000_000:
            figure["goal"] = f"< {GOAL_SECONDS}"
        out.append(figure)
        out.append({"name": f"{kind}_{size}_dry_run_seconds", "db": db,
                    "value": round(pair["dry_run"]["seconds"], 1), "unit": "s"})
        out.append({"name": f"{kind}_{size}_commit_seconds", "db": db,
                    "value": round(pair["commit"]["seconds"], 1), "unit": "s"})
        out.append({"name": f"{kind}_{size}_rows_per_s", "db": db, "value": round(args.persons / total),
                    "unit": "rows/s"})
        for phase in ("dry_run", "commit"):
            out.append({"name": f"{kind}_{size}_{phase}_peak_rss", "db": db,
                        "value": round(pair[phase]["peak_rss_mib"]), "unit": "MiB", "goal": f"< {GOAL_RSS_MIB}"})
    if "peer" in cases:
        peer, ours = cases["peer"], cases["peer_file"]
        system = PEER_SYSTEM.format(version=peer["version"])
        peer_rate = peer["rows"] / peer["seconds"]
        our_rate = ours["commit"]["rows"] / (ours["dry_run"]["seconds"] + ours["commit"]["seconds"])
        out.append({"name": "rows_per_s_ratio_to_peer", "db": db, "value": round(our_rate / peer_rate, 1),
                    "unit": "x", "goal": f">= {GOAL_RATIO}"})
        out.append({"name": "peer_rows_per_s", "db": db, "system": system, "value": round(peer_rate),
                    "unit": "rows/s"})
        out.append({"name": "peer_dry_run_plus_import_seconds", "db": db, "system": system,
                    "value": round(peer["seconds"], 1), "unit": "s"})
        out.append({"name": "peer_peak_rss", "db": db, "system": system, "value": round(peer["peak_rss_mib"]),
                    "unit": "MiB"})
        out.append({"name": "peer_file_rows_per_s", "db": db, "value": round(our_rate), "unit": "rows/s"})
        out.append({"name": "peer_file_rows", "db": db, "value": peer["rows"], "unit": "rows"})
    return out


def table(runs: dict[str, dict], args) -> str:
    head = f"{'case':34} {'db':10} {'rows':>9} {'dry run s':>9} {'commit s':>9} {'total s':>8} {'rows/s':>8} " \
           f"{'peak MiB':>9} {'x peer':>7}"
    lines = [head, "-" * len(head)]
    for db, cases in runs.items():
        peer_rate = cases["peer"]["rows"] / cases["peer"]["seconds"] if "peer" in cases else None
        labels = [(kind, f"Berdaya {kind} {args.persons:,} ({args.columns})") for kind in args.formats]
        if peer_rate:
            labels.append(("peer_file", f"Berdaya csv {args.peer_rows:,} (peer's file)"))
        for key, label in labels:
            pair = cases[key]
            dry, com = pair["dry_run"], pair["commit"]
            total = dry["seconds"] + com["seconds"]
            rate = com["rows"] / total
            ratio = f"{rate / peer_rate:>7.1f}" if peer_rate else f"{'':>7}"
            lines.append(f"{label:34} {db:10} {com['rows']:>9,} {dry['seconds']:>9.1f} {com['seconds']:>9.1f} "
                         f"{total:>8.1f} {rate:>8,.0f} {max(dry['peak_rss_mib'], com['peak_rss_mib']):>9,.0f} "
                         f"{ratio}")
        if peer_rate:
            peer = cases["peer"]
            lines.append(f"{'peer django-import-export ' + peer['version']:34} {db:10} {peer['rows']:>9,} "
                         f"{peer['dry_run_seconds']:>9.1f} {peer['commit_seconds']:>9.1f} {peer['seconds']:>8.1f} "
                         f"{peer_rate:>8,.0f} {peer['peak_rss_mib']:>9,.0f} {1:>7.1f}")
    lines.append("")
    lines.append(f"Goals: csv {args.persons:,} dry run + commit < {GOAL_SECONDS} s on SQLite; >= {GOAL_RATIO}x the "
                 f"peer's rows/s (same file, dry run + commit); peak RSS < {GOAL_RSS_MIB} MiB per process.")
    lines.append("Peer options: default (import_data row by row, use_bulk=False, use_transactions=True); its time "
                 "includes reading the csv into a tablib Dataset.")
    return "\n".join(lines)








def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx")
    parser.add_argument("--columns", choices=["extract", "full"], default="extract")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--peer-rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--no-results", action="store_true", help="do not write benchmarks/results/import.json")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="write the results there instead (a partial run must not replace the full one)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(json.loads(args.worker))
        return 0
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not set(args.formats) <= {"csv", "xlsx"}:
        parser.error("--formats takes csv and/or xlsx")
    if not args.skip_peer:
        try:
            import import_export  # noqa: F401
        except ImportError:
            parser.error("the peer is not installed: uv sync --frozen --group bench (or pass --skip-peer)")
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    DATA_DIR.mkdir(parents=True, exist_ok=True)

    # The files are written from the SQLite database's regions (any database would do).
    print("preparing the files ...", flush=True)
    create_database("sqlite")
    columns = worker("sqlite", {"case": "files", "persons": args.persons, "columns": args.columns,
                                "formats": args.formats})["columns"]
    files = {kind: data_file(kind, args.persons, args.columns) for kind in args.formats}
    peer_file = None
    if not args.skip_peer:
        worker("sqlite", {"case": "files", "persons": args.peer_rows, "columns": args.columns, "formats": ["csv"]})
        peer_file = data_file("csv", args.peer_rows, args.columns)

    runs = {db: run_db(db, args, files, peer_file) for db in dbs}
    print()
    print(table(runs, args))
    if args.no_results:
        return 0
    figures = [f for db, cases in runs.items() for f in figures_for(db, cases, args)]
    figures += [{"name": "persons", "value": args.persons, "unit": "rows"},
                {"name": "file_columns", "value": columns, "unit": "columns"}]
    results = {"benchmark": "import", "date": datetime.now(ZoneInfo("Asia/Jakarta")).isoformat(timespec="seconds"),
               "commit": git_commit(), "machine": machine(), "figures": figures}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(format_results(results))
    print(f"written {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
