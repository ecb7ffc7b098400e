"""`berdaya import registry`: summary printed, exit 0 all good, 1 some rows refused, 2 file unusable."""

import pytest
from typer.testing import CliRunner

from berdaya.cli import app
from berdaya.registry.models import Person
from tests.imports.conftest import family, write_csv, write_xlsx


@pytest.fixture
def superuser(admin_user):
    admin_user.is_superuser = True  # the CLI's default acting user is the first superuser
    admin_user.save(update_fields=["is_superuser"])
    return admin_user


@pytest.fixture
def cli(superuser):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, ["import", "registry", *map(str, args)])

    return invoke


def test_a_dry_run_of_good_rows_exits_0_and_writes_nothing(cli, tmp_path):
    result = cli(write_csv(tmp_path / "a.csv", family()))
    assert result.exit_code == 0, result.output
    assert "Anggota baru: 3" in result.output and "Uji coba: tidak ada data yang disimpan" in result.output
    assert Person.objects.count() == 0


def test_a_commit_exits_0_and_saves(cli, tmp_path):
    result = cli(write_xlsx(tmp_path / "a.xlsx", family()), "--commit", "--user", "admin_nasional")
    assert result.exit_code == 0, result.output
    assert "Disimpan." in result.output and Person.objects.count() == 3


def test_refused_rows_exit_1_and_the_report_is_written(cli, tmp_path):
    rows = family() + family()
    rows[1]["NIK"] = "3.31601E+15"
    report = tmp_path / "laporan.xlsx"
    result = cli(write_csv(tmp_path / "a.csv", rows), "--commit", "--report", report)
    assert result.exit_code == 1, result.output
    assert "baris 3, NIK:" in result.output and "Ditolak: 3" in result.output
    assert report.exists() and Person.objects.count() == 3


def test_all_or_nothing_with_a_refused_row_exits_1_and_saves_nothing(cli, tmp_path):
    rows = family() + family()
    rows[4]["TANGGAL_LAHIR"] = "kemarin"
    result = cli(write_csv(tmp_path / "a.csv", rows), "--commit", "--all-or-nothing")
    assert result.exit_code == 1, result.output
    assert "Tidak ada data yang disimpan" in result.output and Person.objects.count() == 0


def test_an_unusable_file_exits_2(cli, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"%PDF-1.4")
    result = cli(path, "--commit")
    assert result.exit_code == 2 and "bukan spreadsheet" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody"], "tidak ada atau tidak aktif"), (["--extracted-at", "25/11/2026"], "YYYY-MM-DD"),
    (["--village", "99.99.99.9999"], "tidak terdaftar"),
])
def test_bad_options_exit_2(cli, tmp_path, args, message):
    result = cli(write_csv(tmp_path / "a.csv", family()), *args)
    assert result.exit_code == 2 and message in result.output


def test_a_missing_file_exits_2(cli, tmp_path):
    result = cli(tmp_path / "tidak_ada.csv")
    assert result.exit_code == 2 and "tidak ada" in result.output


def test_the_progress_bar_is_drawn_on_a_terminal(superuser, tmp_path):
    from berdaya.imports.cli import run

    lines = []
    code = run(write_csv(tmp_path / "a.csv", family()), commit=False, all_or_nothing=False, report=None,
               village=None, extracted_at=None, username=None, echo=lines.append, tty=True)
    assert code == 0 and any("Anggota baru: 3" in line for line in lines)
