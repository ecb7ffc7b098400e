"""Registry import, the API pages, jobs and the CLI call.

    result = dry_run(path, actor=user, options=ImportOptions(village="33.16.01.2001"), progress=callback)
    result.summary        # counts: new/updated households and persons, unchanged, rejected, conflicts, warnings
    result.problems       # [Problem(row, column, message, kind)], rows numbered as the spreadsheet shows them
    result.batch          # the ImportBatch row (history of imports; its error report file)
    result = commit(path, actor=user, options=ImportOptions(all_or_nothing=True), batch=result.batch)

`dry_run` writes nothing to the registry. `commit` checks every row again (the registry may have changed since the
dry run) and writes, in ONE transaction, either every row that can be imported (default: a KK with any refused row
is left out whole, so no family is half-imported) or, with all_or_nothing, nothing at all when any row is refused;
when it changed anything it marks the active score model's scores stale (targeting.services.scores_mark_stale).
A file that cannot be read at all raises readers.UnusableFile (its .message says why; its .batch is the failed
ImportBatch). `progress(stage, done, total)` is called now and then, stage being "read", "check" or "write";
an exception raised by it aborts a commit with nothing written.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.permissions import Perm, has_perm
from berdaya.imports import values
from berdaya.imports.models import ImportBatch
from berdaya.imports.planner import CONFLICT, ERROR, FAMILY, WARNING, Plan, Planner, Problem
from berdaya.imports.readers import UnusableFile, open_table
from berdaya.imports.writer import Writer
from berdaya.regions.models import Region
from berdaya.targeting.services import scores_mark_stale

__all__ = ["ImportOptions", "ImportResult", "Problem", "Summary", "UnusableFile", "commit", "dry_run"]


@dataclass
class ImportOptions:
    village: str | None = None  # default village code; required for an OpenSID file (it carries none)
    extracted_at: date | None = None  # the file's extraction date: newer app changes are conflicts
    all_or_nothing: bool = False
    today: date | None = None  # for ages and "in the future" checks (tests); default: today

    def to_json(self) -> dict:
        return {"village": self.village, "extracted_at": self.extracted_at.isoformat() if self.extracted_at else None,
                "all_or_nothing": self.all_or_nothing}


@dataclass
class Summary:
    rows: int = 0
    new_households: int = 0
    updated_households: int = 0
    new_persons: int = 0
    updated_persons: int = 0
    unchanged: int = 0
    skipped: int = 0  # OpenSID rows of people no longer alive: not imported
    rejected: int = 0
    conflicts: int = 0
    warnings: int = 0  # rows with a warning (review flags such as a NIK whose birth date disagrees)
    committed: bool = False  # True once written; a dry run and a refused all-or-nothing commit stay False
    all_or_nothing: bool = False
    layout: str = ""
    kind: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    same_file_batches: list[dict] = field(default_factory=list)  # earlier commits of a file with this checksum

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ImportResult:
    batch: ImportBatch
    summary: Summary
    problems: list[Problem]

    @property
    def exit_code(self) -> int:
        """0 every row is good, 1 some rows were refused or in conflict (2, an unusable file, is raised)."""
        return 0 if not (self.summary.rejected or self.summary.conflicts) else 1

    def problems_of(self, row: int) -> list[Problem]:
        return [p for p in self.problems if p.row == row]


def dry_run(source, *, actor, options: ImportOptions | None = None, progress=None, filename: str | None = None,
            batch: ImportBatch | None = None) -> ImportResult:
    options = options or ImportOptions()
    with _Source(source, filename) as src:
        batch = batch or _new_batch(src, actor, options)
        try:
            plan = _plan(src.path, actor, options, progress, batch)
        except UnusableFile as exc:
            _fail(batch, exc.message)
            exc.batch = batch
            raise
        result, report = _conclude(batch, plan, src.path, options, committed=False)
        _record(batch, result, report)
        return result


def commit(source, *, actor, options: ImportOptions | None = None, progress=None, filename: str | None = None,
           batch: ImportBatch | None = None) -> ImportResult:
    options = options or ImportOptions()
    with _Source(source, filename) as src:
        batch = batch or _new_batch(src, actor, options)
        when = timezone.now()
        report = ""
        try:
            with transaction.atomic():
                plan = _plan(src.path, actor, options, progress, batch)
                written = not (options.all_or_nothing and plan.bad)
                # Summary and error report before the writes: a spreadsheet's sheet, held in memory since it was
                # read, is let go before them (a million-row xlsx never sits beside a million-row write).
                result, report = _conclude(batch, plan, src.path, options, committed=written)
                if written:
                    today = options.today or timezone.localdate()
                    Writer(plan, actor=actor, when=when, today=today, progress=progress).write()
                    if _changes_registry(result.summary):
                        # The bulk writes fire no post_save signals (targeting/signals.py): say it here, in the
                        # same transaction, so a failed commit leaves the scores as they were.
                        scores_mark_stale()
        except UnusableFile as exc:
            _fail(batch, exc.message)
            exc.batch = batch
            raise
        except Exception as exc:
            if report:
                Path(report).unlink(missing_ok=True)
            _fail(batch, _("Impor gagal, tidak ada data yang disimpan: %(err)s") % {"err": exc})
            raise
        if written:
            batch.committed_at = when
        _record(batch, result, report)
        return result


# --- internals -----------------------------------------------------------------------------------------------------
class _Source:
    """A path as it is, or an uploaded file copied to a temporary file; the checksum either way."""

    def __init__(self, source, filename: str | None):
        self.source, self.filename, self._tmp = source, filename, None

    def __enter__(self):
        digest = hashlib.sha256()
        if hasattr(self.source, "read"):
            folder = imports_dir() / "tmp"
            folder.mkdir(parents=True, exist_ok=True)
            self._tmp = tempfile.NamedTemporaryFile(dir=folder, delete=False)  # noqa: SIM115 - closed in __exit__
            if hasattr(self.source, "seek"):
                self.source.seek(0)
            while chunk := self.source.read(1 << 20):
                digest.update(chunk)
                self._tmp.write(chunk)
            self._tmp.close()
            self.path = Path(self._tmp.name)
            self.filename = self.filename or getattr(self.source, "name", "") or "upload"
        else:
            self.path = Path(self.source)
            with self.path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            self.filename = self.filename or self.path.name
        self.checksum = digest.hexdigest()
        self.size = self.path.stat().st_size
        return self

    def __exit__(self, *exc):
        if self._tmp is not None:
            Path(self._tmp.name).unlink(missing_ok=True)


def imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _new_batch(src: _Source, actor, options: ImportOptions) -> ImportBatch:
    village = values.village_code(options.village) if options.village else None
    if village and not Region.objects.filter(code=village).exists():
        village = None  # refused with a message by the planner; the batch keeps the option's text
    return ImportBatch.objects.create(
        user=actor if getattr(actor, "pk", None) else None, original_filename=Path(src.filename).name[:255],
        checksum=src.checksum, size_bytes=src.size, options=options.to_json(), extracted_at=options.extracted_at,
        village_id=village, status=ImportBatch.Status.DRY_RUN)


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.error_message = str(message)
    batch.save(update_fields=["status", "error_message"])


def _plan(path: Path, actor, options: ImportOptions, progress, batch: ImportBatch) -> Plan:
    if not has_perm(actor, Perm.REGISTRY_EDIT):
        raise UnusableFile(_("Anda tidak berwenang mengubah data registri."))
    table = open_table(path)
    batch.kind = table.kind
    today = options.today or timezone.localdate()
    planner = Planner(table, actor=actor, village=options.village, extracted_at=options.extracted_at, today=today,
                      progress=progress)
    batch.layout = planner.layout
    return planner.run()


def summarize(plan: Plan, *, committed: bool, all_or_nothing: bool) -> Summary:
    summary = Summary(rows=len(plan.records), committed=committed, all_or_nothing=all_or_nothing, layout=plan.layout,
                      kind=plan.table.kind, ignored_columns=list(plan.ignored))
    kinds: dict[int, set] = {}
    for problem in plan.problems:
        kinds.setdefault(problem.row, set()).add(problem.kind)
    for family in plan.families.values():
        if not family.rejected:
            summary.new_households += family.action == "create"
            summary.updated_households += family.action == "update"
    actions = Counter()
    for record in plan.records:
        found = kinds.get(record.number, set())
        family = plan.families.get(record.kk)
        if CONFLICT in found and ERROR not in found:
            summary.conflicts += 1
        elif record.bad or family is None or family.rejected or FAMILY in found:
            summary.rejected += 1
        else:
            actions[record.action] += 1
        summary.warnings += WARNING in found
    summary.new_persons, summary.updated_persons = actions["create"], actions["update"]
    summary.unchanged, summary.skipped = actions["unchanged"], actions["skip"]
    return summary


def _conclude(batch: ImportBatch, plan: Plan, path: Path, options: ImportOptions, *,
              committed: bool) -> tuple[ImportResult, str]:
    """The result and its error report (the report's path, "" without problems); the batch is left as it is."""
    summary = summarize(plan, committed=committed, all_or_nothing=options.all_or_nothing)
    earlier = (ImportBatch.objects.filter(checksum=batch.checksum, status=ImportBatch.Status.COMMITTED)
               .exclude(pk=batch.pk).select_related("user").order_by("created_at"))
    summary.same_file_batches = [{"id": b.pk, "at": b.created_at.isoformat(), "user": str(b.user or "")}
                                 for b in earlier[:20]]
    result = ImportResult(batch=batch, summary=summary, problems=plan.problems)
    report = ""
    if plan.problems:
        from berdaya.imports.report import write_error_report

        folder = imports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"laporan-impor-{batch.pk}.xlsx"
        write_error_report(result, path, target, table=plan.table.reread() if plan.table.reread else None)
        report = str(target)
    plan.table.reread = None  # the loaded sheet goes
    return result, report


def _changes_registry(summary: Summary) -> bool:
    return bool(summary.new_households or summary.updated_households or summary.new_persons
                or summary.updated_persons)


def _record(batch: ImportBatch, result: ImportResult, report: str) -> None:
    if result.summary.committed:
        batch.status = ImportBatch.Status.COMMITTED
    batch.summary = result.summary.to_json()
    if report:
        batch.report_path = report
    batch.save()


def copy_report(result: ImportResult, source, target) -> None:
    """The error report at `target` (written fresh when the batch has none: a file without problems)."""
    if result.batch.report_path and Path(result.batch.report_path).exists():
        shutil.copyfile(result.batch.report_path, target)
        return
    from berdaya.imports.report import write_error_report

    with _Source(source, None) as src:
        write_error_report(result, src.path, target)
