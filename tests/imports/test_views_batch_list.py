"""imports:batch_list — who imported which file when, its checksum, status, counts and report, scoped: a user sees
their own batches and those whose uploader's scope lies inside the region where they may edit the registry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.core.permissions import Role
from berdaya.imports import services
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A2
from tests.imports.conftest import csv_text, family
from tests.registry.conftest import login

URL = reverse("imports:batch_list")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _batch(actor, rows=None, name="data.csv"):
    rows = rows or family()
    return services.batch_upload(file=SimpleUploadedFile(name, csv_text(rows).encode()), actor=actor)


def _listed(client, user) -> set[str]:
    return {b.original_filename for b in login(client, user).get(URL).context["page"]}


@pytest.fixture
def batches(operator_desa_a, operator_desa_b, staff_blora, admin_user):
    for user in (operator_desa_a, operator_desa_b, staff_blora, admin_user):
        _batch(user, name=f"{user.username}.csv")


def test_each_user_sees_their_own_and_those_inside_their_edit_scope(client, batches, operator_desa_a,
                                                                    operator_desa_b, staff_blora, admin_user):
    assert _listed(client, operator_desa_a) == {"operator_desa_a.csv"}
    assert _listed(client, operator_desa_b) == {"operator_desa_b.csv"}
    assert _listed(client, staff_blora) == {"operator_desa_a.csv", "operator_desa_b.csv", "staf_blora.csv"}
    assert _listed(client, admin_user) == {"operator_desa_a.csv", "operator_desa_b.csv", "staf_blora.csv",
                                           "admin_nasional.csv"}


def test_an_operator_of_two_villages_is_seen_from_their_common_district(client, db):
    operator = factories.user_with_role(username="operator_dua_desa", role=Role.VILLAGE_OPERATOR,
                                        region="33.16.01.2001")
    operator.role_assignments.create(role=Role.VILLAGE_OPERATOR, region_id=VILLAGE_A2)
    batch = _batch(operator)
    assert batch.region_code == DISTRICT_A
    district_staff = factories.user_with_role(username="staf_kecamatan", role=Role.DINSOS_STAFF, region=DISTRICT_A)
    village_operator = factories.user_with_role(username="operator_a2", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A2)
    assert _listed(client, district_staff) == {"data.csv"}
    assert _listed(client, village_operator) == set()


def test_a_row_shows_when_who_file_checksum_status_counts_and_report(client, operator_desa_a):
    rows = family()
    rows[1]["NIK"] = "123"
    batch = _batch(operator_desa_a, rows, name="Bangkleyan November.csv")
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert str(operator_desa_a) in page
    assert f'<a href="{reverse("imports:batch_detail", args=[batch.pk])}">Bangkleyan November.csv</a>' in page
    assert f'title="{batch.checksum}">{batch.checksum[:12]}…</code>' in page
    assert "Uji coba (belum disimpan)" in page
    assert "0 KK baru, 0 anggota baru, 0 diubah, 3 ditolak" in page
    assert reverse("imports:batch_report", args=[batch.pk]) in page


def test_the_same_file_imported_twice_is_pointed_out(client, operator_desa_a):
    rows = family()
    first = _batch(operator_desa_a, rows)
    services.batch_commit(batch=first, actor=operator_desa_a)
    _batch(operator_desa_a, rows)
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert page.count("pernah diimpor</span>") == 1
    assert "Disimpan" in page


def test_an_auditor_gets_403(client, auditor_blora):
    assert login(client, auditor_blora).get(URL).status_code == 403
