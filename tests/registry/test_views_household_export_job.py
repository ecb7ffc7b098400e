"""registry:household_export and BERDAYA_EXPORT_SYNC_MAX: a list of up to that many persons is sent at once; a
larger one becomes a background export job — GET explains and offers it, POST queues it and goes to its page."""

import pytest
from django.urls import reverse

from berdaya.imports.models import ExportJob
from berdaya.imports.selectors import export_needs_job
from berdaya.registry import services
from berdaya.registry.selectors import HouseholdFilters
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.imports.conftest import read_export
from tests.registry.conftest import login

URL = reverse("registry:household_export")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.TASKS = IMMEDIATE
    settings.BERDAYA_EXPORT_SYNC_MAX = 2  # persons


@pytest.fixture
def family_a(staff_blora, household_a):
    """Three persons in village A: over the threshold of 2."""
    for name in ("Siti", "Bayu"):
        services.person_add(actor=staff_blora, household=household_a, data=factories.person_data(
            village=VILLAGE_A, name=name, relationship=4, marital_status=1))
    return household_a


def test_the_threshold_counts_the_persons_of_the_filtered_list(staff_blora, family_a, household_b):
    assert export_needs_job(user=staff_blora, filters=HouseholdFilters())  # 4 persons
    assert export_needs_job(user=staff_blora, filters=HouseholdFilters(region=VILLAGE_A))  # 3
    assert not export_needs_job(user=staff_blora, filters=HouseholdFilters(region=VILLAGE_B))  # 1


def test_a_list_at_or_under_the_threshold_is_still_streamed_at_once(client, staff_blora, family_a, household_b):
    response = login(client, staff_blora).get(URL, {"format": "csv", "region": VILLAGE_B})
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_a_larger_list_is_offered_as_a_background_job_and_get_creates_nothing(client, staff_blora, family_a):
    response = login(client, staff_blora).get(URL, {"format": "xlsx", "region": VILLAGE_A})
    page = response.content.decode()
    assert response.status_code == 200 and "lebih dari 2 orang" in page
    assert f'action="{URL}?region={VILLAGE_A}"' in page and 'name="format" value="xlsx"' in page
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_posting_it_queues_the_job_and_goes_to_its_page(client, staff_blora, family_a, household_b, fmt):
    response = login(client, staff_blora).post(f"{URL}?region={VILLAGE_A}", {"format": fmt})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:export_detail", args=[job.pk])
    assert (job.user, job.format, job.filters["region"], job.state) == (staff_blora, fmt, VILLAGE_A, "finished")
    rows = read_export(job.file_path)
    assert len(rows) == 3 and {r["NO_KK"] for r in rows} == {family_a.kk_number}  # village B's family filtered out


def test_a_small_list_posted_is_sent_at_once(client, staff_blora, household_b):
    response = login(client, staff_blora).post(f"{URL}?region={VILLAGE_B}", {"format": "csv"})
    assert response.status_code == 200 and response.streaming and not ExportJob.objects.exists()


def test_the_job_exports_only_the_users_region(client, operator_desa_a, family_a, household_b):
    login(client, operator_desa_a).post(URL, {"format": "csv"})
    job = ExportJob.objects.get()
    assert {r["KODE_DESA"] for r in read_export(job.file_path)} == {VILLAGE_A}


def test_post_refuses_an_unknown_format(client, staff_blora, family_a):
    assert login(client, staff_blora).post(URL, {"format": "pdf"}).status_code == 400
    assert not ExportJob.objects.exists()


def test_post_requires_a_login(client, family_a):
    response = client.post(URL, {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not ExportJob.objects.exists()


def test_the_list_page_links_to_the_users_exports(client, staff_blora, household_a):
    page = login(client, staff_blora).get(reverse("registry:household_list")).content.decode()
    assert reverse("imports:export_list") in page
