"""Property: a commit never writes a row its dry run refused (and all-or-nothing writes nothing when any is refused)."""

from datetime import date

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.imports.engine import ImportOptions, commit, dry_run
from berdaya.registry.models import Person
from tests.imports.conftest import HEADERS, new_kk, new_nik, person_row, write_csv

MUTATIONS = ["none", "bad_nik", "excel_nik", "bad_date", "future_date", "no_name", "bad_code", "unknown_village",
             "second_head", "duplicate_nik", "no_head", "bad_kk", "male_pregnant", "nik_zero"]


def _families(plan: list[list[str]]) -> list[dict]:
    rows, names, first_nik = [], 0, None
    for members in plan:
        kk = new_kk()
        for position, mutation in enumerate(members):
            names += 1
            rel = "1" if position == 0 else "4"
            row = person_row(kk, name=f"Orang {names}", rel=rel, birth=date(1980 + position, 3, 1),
                             sex="L" if position % 2 == 0 else "P", HAMIL="")
            row["NIK"] = new_nik(birth=date(1980 + position, 3, 1), sex=row["JENIS_KELAMIN"])
            first_nik = first_nik or row["NIK"]
            _mutate(row, mutation, first_nik)
            rows.append(row)
    return rows


def _mutate(row: dict, mutation: str, first_nik: str) -> None:
    changes = {
        "bad_nik": {"NIK": "12345"}, "excel_nik": {"NIK": "3.31601E+15"}, "bad_date": {"TANGGAL_LAHIR": "31/13/1980"},
        "future_date": {"TANGGAL_LAHIR": "01/01/2999"}, "no_name": {"NAMA": ""}, "bad_code": {"STATUS_KAWIN": "x"},
        "unknown_village": {"KODE_DESA": "33.16.01.2999"}, "second_head": {"HUB_KELUARGA": "1"},
        "duplicate_nik": {"NIK": first_nik}, "no_head": {"HUB_KELUARGA": "4"}, "bad_kk": {"NO_KK": "123"},
        "male_pregnant": {"JENIS_KELAMIN": "L", "HAMIL": "Ya"}, "nik_zero": {"NIK": "0"},
    }
    row.update(changes.get(mutation, {}))


family_plans = st.lists(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4), min_size=1, max_size=5)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=family_plans, all_or_nothing=st.booleans())
def test_a_commit_never_writes_a_row_its_dry_run_refused(staff_blora, tmp_path, plan, all_or_nothing):
    rows = _families(plan)
    path = write_csv(tmp_path / "p.csv", rows, headers=[*HEADERS, "HAMIL"])
    options = ImportOptions(all_or_nothing=all_or_nothing)
    with transaction.atomic():
        checked = dry_run(path, actor=staff_blora, options=options)
        refused = {p.row for p in checked.problems if p.kind != "warning"}
        accepted = {row["NAMA"] for number, row in enumerate(rows, start=2) if number not in refused}
        result = commit(path, actor=staff_blora, options=options)
        written = set(Person.objects.values_list("name", flat=True))
        if all_or_nothing and refused:
            assert written == set()
        else:
            assert written == accepted
        assert result.summary.rejected + result.summary.new_persons == len(rows)
        transaction.set_rollback(True)
