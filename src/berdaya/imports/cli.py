"""`berdaya import registry FILE`: the engine on the command line, with a progress bar on a terminal.

Exit codes: 0 every row is good, 1 some rows were refused (or in conflict), 2 the file (or an option) is unusable.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

SHOWN_PROBLEMS = 20
STAGES = {"read": "Membaca", "check": "Memeriksa", "write": "Menyimpan"}


def _user(username: str | None):
    from berdaya.accounts.models import User

    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise LookupError(_("Pengguna %(u)s tidak ada atau tidak aktif.") % {"u": username})
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError(_("Tidak ada superuser: beri --user NAMA_PENGGUNA (atau buat dengan "
                            "'berdaya manage createsuperuser')."))
    return user


class _Bar:
    """A rich progress bar per stage on a terminal; silent otherwise."""

    def __init__(self, enabled: bool):
        self.progress, self.tasks = None, {}
        if enabled:
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                     TimeElapsedColumn(), transient=False)

    def __enter__(self):
        if self.progress:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.progress is None:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total or None)
        self.progress.update(self.tasks[stage], completed=min(done, total) if total else done, total=total or None)


def run(path: Path, *, commit: bool, all_or_nothing: bool, report: Path | None, village: str | None,
        extracted_at: str | None, username: str | None, echo=print, tty: bool | None = None) -> int:
    from django.conf import settings
    from django.utils import translation

    from berdaya.imports.engine import ImportOptions, UnusableFile, copy_report
    from berdaya.imports.engine import commit as do_commit
    from berdaya.imports.engine import dry_run as do_dry_run

    with translation.override(settings.LANGUAGE_CODE):
        try:
            actor = _user(username)
            when = date.fromisoformat(extracted_at) if extracted_at else None
        except (LookupError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, LookupError) else _(
                "--extracted-at harus berbentuk YYYY-MM-DD (tertulis %(v)s).") % {"v": extracted_at}
            echo(_("Gagal: %(m)s") % {"m": message})
            return 2
        if not path.is_file():
            echo(_("Gagal: file %(p)s tidak ada.") % {"p": path})
            return 2
        options = ImportOptions(village=village, extracted_at=when, all_or_nothing=all_or_nothing)
        tty = sys.stdout.isatty() if tty is None else tty
        action = do_commit if commit else do_dry_run
        try:
            with _Bar(tty) as bar:
                result = action(path, actor=actor, options=options, progress=bar)
        except UnusableFile as exc:
            echo(_("File tidak dapat diimpor: %(m)s") % {"m": exc.message})
            return 2
        _print(result, echo, commit=commit)
        if report:
            copy_report(result, path, report)
            echo(_("Laporan kesalahan: %(p)s") % {"p": report})
        elif result.batch.report_path:
            echo(_("Laporan kesalahan: %(p)s") % {"p": result.batch.report_path})
        return result.exit_code


def _print(result, echo, *, commit: bool) -> None:
    s = result.summary
    layout = _("ekspor penduduk OpenSID") if s.layout == "opensid" else _("template Berdaya")
    echo(_("File: %(f)s (%(k)s, %(l)s) — impor #%(id)d") % {"f": result.batch.original_filename, "k": s.kind,
                                                            "l": layout, "id": result.batch.pk})
    echo(_("Baris data: %(n)d") % {"n": s.rows})
    echo(_("Keluarga baru: %(a)d · keluarga diubah: %(b)d") % {"a": s.new_households, "b": s.updated_households})
    echo(_("Anggota baru: %(a)d · anggota diubah: %(b)d · tidak berubah: %(c)d · dilewati: %(d)d")
         % {"a": s.new_persons, "b": s.updated_persons, "c": s.unchanged, "d": s.skipped})
    echo(_("Ditolak: %(a)d · konflik: %(b)d · baris dengan peringatan: %(c)d")
         % {"a": s.rejected, "b": s.conflicts, "c": s.warnings})
    if s.ignored_columns:
        echo(_("Kolom diabaikan: %(c)s") % {"c": ", ".join(s.ignored_columns)})
    for earlier in s.same_file_batches:
        echo(_("Perhatian: file yang sama persis sudah pernah diimpor (impor #%(id)s, %(at)s, oleh %(u)s).")
             % {"id": earlier["id"], "at": earlier["at"][:16].replace("T", " "), "u": earlier["user"] or "-"})
    if not commit:
        echo(_("Uji coba: tidak ada data yang disimpan. Jalankan lagi dengan --commit untuk menyimpan."))
    elif s.committed:
        echo(_("Disimpan."))
    else:
        echo(_("Tidak ada data yang disimpan: ada baris bermasalah dan dipilih --all-or-nothing."))
    serious = [p for p in result.problems if p.kind != "warning"]
    for problem in serious[:SHOWN_PROBLEMS]:
        echo(_("  baris %(r)d, %(c)s: %(m)s") % {"r": problem.row, "c": problem.column or "-", "m": problem.message})
    if len(serious) > SHOWN_PROBLEMS:
        echo(_("  … dan %(n)d masalah lain (lihat laporan).") % {"n": len(serious) - SHOWN_PROBLEMS})

