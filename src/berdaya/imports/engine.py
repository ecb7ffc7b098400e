"""Registry import, the API pages, jobs and the CLI call.

    result = dry_run(path, actor=user, options=ImportOptions(village="33.16.01.2001"), progress=callback)
    result.summary        # counts: new/updated households and persons, unchanged, rejected, conflicts, warnings
    result.problems       # [Problem(row, column, message, kind)], rows numbered as the spreadsheet shows them
    result.batch          # the ImportBatch row (history of imports; its error report file)
    result = commit(path, actor=user, options=ImportOptions(all_or_nothing=True), batch=result.batch)

`dry_run` writes nothing to the registry. `commit` checks every row again (the registry may have changed since the
dry run): after a dry run of the same file it starts from what that dry run read from the file (plan_cache: the
parsed rows, their own checks, which depend on the file alone) and checks everything that depends on the registry
afresh, inside its transaction. It writes, in ONE transaction, either every row that can be imported (default: a
KK with any refused row is left out whole, so no family is half-imported) or, with all_or_nothing, nothing at all
when any row is refused; when it changed anything it marks the active score model's scores stale
(targeting.services.scores_mark_stale). A file that cannot be read at all raises readers.UnusableFile (its .message
says why; its .batch is the failed ImportBatch). `progress(stage, done, total)` is called now and then, stage being
"read", "check" or "write"; an exception raised by it aborts a commit with nothing written.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import tempfile
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.permissions import Perm, has_perm
from berdaya.imports import plan_cache, values
from berdaya.imports.models import ImportBatch
from berdaya.imports.planner import CONFLICT, ERROR, FAMILY, WARNING, Plan, Planner, Problem
from berdaya.imports.readers import Table, UnusableFile, open_table
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
    with _cyclic_gc_paused(), _Source(source, filename) as src:
        batch = batch or _new_batch(src, actor, options)
        try:
            plan = _plan(src, actor, options, progress, batch, keep=True)
        except UnusableFile as exc:
            _fail(batch, exc.message)
            exc.batch = batch
            raise
        result, report = _conclude(batch, plan, src, options, committed=False)
        plan_cache.save_report(src.checksum, _today(options), problems=plan_cache.problems_digest(plan.problems),
                               report=report)
        _record(batch, result, report)
        return result


def commit(source, *, actor, options: ImportOptions | None = None, progress=None, filename: str | None = None,
           batch: ImportBatch | None = None) -> ImportResult:
    options = options or ImportOptions()
    with _cyclic_gc_paused(), _Source(source, filename) as src:
        batch = batch or _new_batch(src, actor, options)
        when = timezone.now()
        report = ""
        try:
            with transaction.atomic():
                plan = _plan(src, actor, options, progress, batch, keep=False)
                written = not (options.all_or_nothing and plan.bad)
                # Summary and error report before the writes: a spreadsheet's sheet, held in memory since it was
                # read, is let go before them (a million-row xlsx never sits beside a million-row write).
                result, report = _conclude(batch, plan, src, options, committed=written)
                if written:
                    Writer(plan, actor=actor, when=when, today=_today(options), progress=progress).write()
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
        plan_cache.discard(src.checksum)  # used once: a later commit of the same file reads it again
        return result


# --- internals -----------------------------------------------------------------------------------------------------
_gc_lock = threading.Lock()
_gc_pauses = 0  # imports running in this process with the collector paused
_gc_resume = False  # whether it was enabled when the first of them paused it


@contextmanager
def _cyclic_gc_paused():
    """Python's cyclic garbage collector paused while an import runs.

    An import builds millions of objects that live until it ends (a record per row, its values, the loaded
    snapshot) and frees nothing in between; the collector would walk all of them again and again as they pile up
    (about a fifth of a million-row dry run, and most of loading a snapshot). Reference counting still frees
    everything as usual; only reference cycles wait until the collector runs again after the import. Counted, so
    that imports running side by side in one process (threads) resume it only when the last one ends.
    """
    global _gc_pauses, _gc_resume  # noqa: PLW0603 - process-wide, like the collector itself
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_resume:
                gc.enable()


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


def _today(options: ImportOptions) -> date:
    return options.today or timezone.localdate()


def _plan(src: _Source, actor, options: ImportOptions, progress, batch: ImportBatch, *, keep: bool) -> Plan:
    """Read and check the file. A dry run (keep) saves what reading it taught (plan_cache: phase 1, which depends
    on the file, not on the registry); a commit starts from that when it fits and checks everything that depends
    on the registry (phases 2-4) afresh, inside its transaction."""
    if not has_perm(actor, Perm.REGISTRY_EDIT):
        raise UnusableFile(_("Anda tidak berwenang mengubah data registri."))
    today = _today(options)
    snapshot = None if keep else plan_cache.load(src.checksum, today)
    if snapshot is not None and not Planner.regions_unchanged(snapshot):
        snapshot = None  # a region it relied on was added or removed since: read the file

    def save(planner: Planner) -> None:
        state, records, families = planner.snapshot()
        plan_cache.save(src.checksum, today, state=state, records=records, families=families)

    table = Planner.cached_table(snapshot.state) if snapshot is not None else open_table(src.path)
    batch.kind = table.kind
    planner = Planner(table, actor=actor, village=options.village, extracted_at=options.extracted_at, today=today,
                      progress=progress, snapshot=snapshot, after_read=save if keep else None)
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


def _conclude(batch: ImportBatch, plan: Plan, src: _Source, options: ImportOptions, *,
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
        # A commit whose problems are its dry run's (same file, nothing changed in between) takes the dry run's
        # problem sheet as it is instead of writing every row again (plan_cache).
        reuse = plan_cache.reusable_report(src.checksum, _today(options),
                                           problems=plan_cache.problems_digest(plan.problems))
        table = None if reuse else (_kept_rows_table(plan) or (plan.table.reread() if plan.table.reread else None))
        write_error_report(result, src.path, target, table=table, reuse=reuse)
        report = str(target)
    plan.table.reread = None  # the loaded sheet goes
    return result, report


def _kept_rows_table(plan: Plan) -> Table | None:
    """The rows the report lists, from those the planner kept while reading, when it kept every one of them (the
    rows whose problems were found against the registry usually were not)."""
    kept = plan.kept_rows
    if kept is None or any(p.row not in kept for p in plan.problems):
        return None
    t = plan.table
    return Table(kind=t.kind, headers=t.headers, header_row=t.header_row, data=iter(sorted(kept.items())))


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
