"""What a dry run learnt from reading a file, kept for the commit of the same file that follows it.

A commit checks every row again, because the registry may have changed since the dry run. But most of that work
(reading a million rows, parsing every cell, the NIK/KK structure, NIK against sex and birth date, the same NIK
twice in the file) depends on nothing but the file's bytes: planner.Planner.read(), "phase 1". Its outcome is a
function of
  - the file (its sha256),
  - the date (`today`: birth dates in the future, ages),
  - the language of the messages,
  - the code that reads and checks (a hash of those modules' source),
  - and, from the database, only the regions table: whether each KK's district and each KODE_DESA exist.
So the dry run saves phase 1's outcome under the file's checksum with the first four as its key and the regions'
answers beside it; the commit loads it when the key is the same and every region still answers as it did (else
it reads the file again), then runs phases 2-4 — the rules across rows and every check against the registry
(households, people, NIKs taken, heads, permissions, conflicts) — against the database as it is inside the
commit's transaction, exactly as without the cache. A commit therefore refuses exactly what a fresh read would.

The dry run's error report is kept the same way: when the commit's problems are the dry run's (same file, same
problems: nothing changed), the commit's report reuses the dry run's problem sheet instead of writing 20,000
rows again (report.write_error_report(reuse=...)).

Files: BERDAYA_DATA_DIR/imports/plans/<sha256>.pickle (phase 1; ~100 bytes per row) and <sha256>.report.json.
Written to a temporary name and renamed (a reader never sees half a file), read only by this module with an
unpickler that accepts nothing but plain data (no classes but date and Decimal), deleted by the commit that used
them, and once older than KEEP_HOURS by any later dry run and the daily cleanup (purge_old).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import logging
import os
import pickle
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import translation

logger = logging.getLogger(__name__)

FORMAT = 2
PROTOCOL = 5
KEEP_HOURS = 48
CHUNK = 20_000  # rows per pickled chunk: the pickler's memo (and the lists built to pickle) stay small
# The modules whose code decides phase 1's outcome: a change in any of them makes older caches unusable.
CODE_MODULES = ("berdaya.imports.planner", "berdaya.imports.values", "berdaya.imports.readers",
                "berdaya.imports.template", "berdaya.imports.opensid", "berdaya.imports.plan_cache",
                "berdaya.registry.validation", "berdaya.registry.codes", "berdaya.registry.models",
                "berdaya.registry.services", "berdaya.core.identity", "berdaya.core.text")
_ALLOWED = {("datetime", "date"), ("decimal", "Decimal"), ("berdaya.imports.values", "BLANK")}
_code_version: str | None = None


def folder() -> Path:
    return Path(settings.DATA_DIR) / "imports" / "plans"


def code_version() -> str:
    global _code_version  # noqa: PLW0603 - computed once per process
    if _code_version is None:
        digest = hashlib.sha256()
        for name in CODE_MODULES:
            digest.update(Path(inspect.getfile(importlib.import_module(name))).read_bytes())
        _code_version = digest.hexdigest()
    return _code_version


def key(checksum: str, today: date) -> dict:
    return {"format": FORMAT, "checksum": checksum, "today": today.isoformat(),
            "language": translation.get_language() or "", "code": code_version()}


@dataclass
class Snapshot:
    """Phase 1's outcome (planner.Planner.snapshot / restore): `state` holds the table's description (without its
    rows), the regions' answers, the duplicate NIKs and the problems; records and families are tuples."""

    state: dict
    # Both as chunks (lists) of tuples, as written: the planner turns a chunk at a time into its records and empties
    # it, so a million tuples and a million records are never in memory together.
    records: list[list]  # (number, kk, nik, person, flags, bad, skip, failed)
    families: list[list]  # (kk, rows, heads, [(position, household value)], from_head, village)


# --- phase 1 --------------------------------------------------------------------------------------------------------
def save(checksum: str, today: date, *, state: dict, records: Iterable[tuple], families: Iterable[tuple]) -> None:
    """Write a snapshot: a head, then records and families a chunk at a time as the iterables produce them (no
    second copy of a million rows in memory). Each chunk is a pickle of its own, so each pickler's memo (it
    remembers every object it wrote) only ever holds one chunk's objects. A snapshot is only a shortcut: when it
    cannot be written (a full disk), the dry run goes on without it."""
    target = folder() / f"{checksum}.pickle"
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        purge_old()
        with tmp.open("wb") as handle:
            pickle.dump({"key": key(checksum, today), "state": state}, handle, protocol=PROTOCOL)
            for rows in (records, families):
                chunk = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= CHUNK:
                        pickle.dump(chunk, handle, protocol=PROTOCOL)
                        chunk = []
                if chunk:
                    pickle.dump(chunk, handle, protocol=PROTOCOL)
                pickle.dump([], handle, protocol=PROTOCOL)  # end of the list
        tmp.replace(target)
    except OSError:
        logger.warning("import snapshot %s not written", target, exc_info=True)
    finally:
        tmp.unlink(missing_ok=True)


def load(checksum: str, today: date) -> Snapshot | None:
    """The snapshot a dry run saved for this file, date, language and code; None when there is none that fits."""
    try:
        handle = (folder() / f"{checksum}.pickle").open("rb")
    except FileNotFoundError:
        return None
    with handle:
        try:
            head = _Unpickler(handle).load()
            if head.get("key") != key(checksum, today):
                return None
            return Snapshot(state=head["state"], records=_load_rows(handle), families=_load_rows(handle))
        except (pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ValueError):
            return None  # damaged, cut short or from another version: the commit reads the file


def _load_rows(handle) -> list[list]:
    chunks: list[list] = []
    while chunk := _Unpickler(handle).load():
        chunks.append(chunk)
    return chunks


class _Unpickler(pickle.Unpickler):
    """Plain data only: a file under DATA_DIR is still no reason to let it name arbitrary callables."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a plan file")
        return super().find_class(module, name)


# --- the dry run's error report -------------------------------------------------------------------------------------
def problems_digest(problems) -> str:
    digest = hashlib.sha256()
    for p in problems:
        digest.update(f"{p.row}\x1f{p.column}\x1f{p.message}\x1f{p.kind}\x1e".encode())
    return digest.hexdigest()


def save_report(checksum: str, today: date, *, problems: str, report: str) -> None:
    """Remember the dry run's error report (its path and content hash) and the problems it lists."""
    if not report:
        return
    target = folder() / f"{checksum}.report.json"
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = {"key": key(checksum, today), "problems": problems, "report": report, "sha256": _file_hash(report)}
        tmp.write_text(json.dumps(data))
        tmp.replace(target)
    except OSError:
        logger.warning("import report note %s not written", target, exc_info=True)
    finally:
        tmp.unlink(missing_ok=True)


def reusable_report(checksum: str, today: date, *, problems: str) -> bytes | None:
    """The dry run's report (its bytes) when it lists exactly these problems and is as it was written."""
    try:
        data = json.loads((folder() / f"{checksum}.report.json").read_text())
        if data["key"] != key(checksum, today) or data["problems"] != problems:
            return None
        content = Path(data["report"]).read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return content if hashlib.sha256(content).hexdigest() == data["sha256"] else None


def discard(checksum: str) -> None:
    """A commit has used them: delete the file's snapshot and report note."""
    for suffix in (".pickle", ".report.json"):
        (folder() / f"{checksum}{suffix}").unlink(missing_ok=True)


def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def purge_old() -> None:
    """Snapshots of dry runs never committed (they hold people's data): deleted once older than KEEP_HOURS, by the
    next dry run and by the daily `berdaya manage export_cleanup` (services.exports_cleanup)."""
    if not folder().is_dir():
        return
    limit = time.time() - KEEP_HOURS * 3600
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
