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

    typer.echo(f"Berdaya: http://{host}:{port}/")
    Granian("berdaya.wsgi:application", address=host, port=port, interface=Interfaces.WSGI, workers=workers).serve()


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
