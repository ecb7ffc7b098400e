"""The `berdaya` command: demo, serve, regions, and Django's management commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Berdaya — sistem informasi bantuan sosial dan pemberdayaan.", no_args_is_help=True)
regions_app = typer.Typer(help="Wilayah Kemendagri.", no_args_is_help=True)
app.add_typer(regions_app, name="regions")
import_app = typer.Typer(help="Impor data dari Excel/CSV.", no_args_is_help=True)
app.add_typer(import_app, name="import")
programmes_app = typer.Typer(help="Katalog program bantuan dan anggaran.", no_args_is_help=True)
app.add_typer(programmes_app, name="programmes")
targeting_app = typer.Typer(help="Penargetan: skor kesejahteraan, desil, prioritas.", no_args_is_help=True)
app.add_typer(targeting_app, name="targeting")


def _setup(*, debug_default: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.settings")
    if debug_default:
        os.environ.setdefault("BERDAYA_ALLOW_DEV_SECRET", "1")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    _setup(debug_default=True)
    _call("migrate", "--no-input")


@regions_app.command("load")
def regions_load() -> None:
    """Load all 91,599 Kemendagri regions from data/regions (idempotent)."""
    _setup(debug_default=True)
    _call("migrate", "--no-input", "-v", "0")
    import time

    from berdaya.regions.services import regions_load as load

    started = time.perf_counter()
    counts = load()
    typer.echo(", ".join(f"{k}: {v:,}" for k, v in counts.items()) + f" ({time.perf_counter() - started:.1f} s)")


@app.command()
def demo(
    households: int = typer.Option(20_000, "--households", help="Jumlah keluarga demo."),
    build_only: bool = typer.Option(False, "--build-only", help="Bangun basis data demo tanpa menjalankan server."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    seed: int = typer.Option(20261125, "--seed", help="Benih acak (hasil sama untuk benih sama)."),
) -> None:
    """Build a fresh demo database for Kabupaten Blora and serve it."""
    os.environ.setdefault("BERDAYA_HTTPS", "0")
    _setup(debug_default=True)
    from berdaya.demo.build import build_demo

    build_demo(households=households, seed=seed, echo=typer.echo)
    if not build_only:
        serve(host=host, port=port, workers=1)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(2, "--workers"),
) -> None:
    """Run Berdaya under granian (production web server); static files served by whitenoise."""
    os.environ.setdefault("BERDAYA_HTTPS", "0")
    _setup(debug_default=True)
    _call("migrate", "--no-input", "-v", "0")
    _call("collectstatic", "--no-input", "-v", "0")
    from granian import Granian
    from granian.constants import Interfaces

    worker = _start_worker()
    typer.echo(f"Berdaya: http://{host}:{port}/")
    try:
        Granian("berdaya.wsgi:application", address=host, port=port, interface=Interfaces.WSGI,
                workers=workers).serve()
    finally:
        _stop_worker(worker)


def _start_worker():
    """The background-job worker (imports run there) beside the web server: `berdaya manage db_worker` as a child
    process, which inherits the environment (DATABASE_URL, BERDAYA_DATA_DIR …). None with the immediate backend."""
    import subprocess

    from django.conf import settings

    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return None
    typer.echo("Pekerja latar belakang: berdaya manage db_worker")
    return subprocess.Popen([sys.executable, "-m", "berdaya.cli", "manage", "db_worker", "--no-reload"])


def _stop_worker(worker, timeout: float = 15) -> None:
    """SIGTERM lets the worker finish the job it runs; past `timeout` it is killed (a commit then rolls back)."""
    import subprocess

    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@import_app.command("registry")
def import_registry(
    file: Annotated[Path, typer.Argument(help="File .xlsx/.csv (template Berdaya atau ekspor penduduk OpenSID).")],
    commit: Annotated[bool, typer.Option("--commit", help="Simpan; tanpa ini hanya uji coba.")] = False,
    all_or_nothing: Annotated[bool, typer.Option(
        "--all-or-nothing", help="Tidak menyimpan apa pun bila ada baris yang ditolak.")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Tulis laporan kesalahan (xlsx) ke file ini.")] = None,
    village: Annotated[str | None, typer.Option(
        "--village", help="Kode desa/kelurahan (wajib untuk file OpenSID).")] = None,
    extracted_at: Annotated[str | None, typer.Option(
        "--extracted-at", help="Tanggal ekstrak data (YYYY-MM-DD): perubahan di aplikasi setelahnya dilaporkan "
                               "sebagai konflik.")] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help="Pengguna yang mengimpor (bawaan: superuser pertama).")] = None,
) -> None:
    """Import households and members; exit 0 all rows good, 1 some refused, 2 file unusable."""
    _setup(debug_default=True)
    _call("migrate", "--no-input", "-v", "0")
    from berdaya.imports.cli import run

    code = run(file, commit=commit, all_or_nothing=all_or_nothing, report=report, village=village,
               extracted_at=extracted_at, username=user, echo=typer.echo)
    raise typer.Exit(code)


@programmes_app.command("seed")
def programmes_seed(
    office: Annotated[str, typer.Option("--office", help="Kode kabupaten/kota pelaksana (mis. 33.16).")] = "33.16",
    update: Annotated[bool, typer.Option(
        "--update", help="Timpa nilai yang ada dengan nilai bawaan (tanpa ini, yang ada dibiarkan).")] = False,
) -> None:
    """Seed funding sources, partners and the programme catalogue of an office (idempotent, by code)."""
    _setup(debug_default=True)
    _call("migrate", "--no-input", "-v", "0")
    from berdaya.programmes.seed import describe, seed_catalogue

    try:
        counts = seed_catalogue(office=office, update=update)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(describe(counts))


@targeting_app.command("score")
def targeting_score(
    region: Annotated[str, typer.Option("--region", help="Kode wilayah (kosong: semua); desil diperingkat di dalamnya.")
                      ] = "",
) -> None:
    """Compute welfare score, desil and priority for every active household of a region, now."""
    _setup(debug_default=True)
    _call("migrate", "--no-input", "-v", "0")
    _call("targeting_score", "--region", region)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command: berdaya manage createsuperuser …"""
    _setup(debug_default=True)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["berdaya manage", *ctx.args])


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
