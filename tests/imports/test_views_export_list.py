"""imports:export_list — the user's own exports, newest first, with their download links."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from berdaya.imports import services
from tests.registry.conftest import login

URL = reverse("imports:export_list")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_it_lists_the_users_own_exports_with_their_downloads(client, settings, operator_desa_a, staff_blora,
                                                             household_a):
    settings.TASKS = IMMEDIATE
    mine = services.export_create(actor=operator_desa_a, filters={}, fmt="csv")
    theirs = services.export_create(actor=staff_blora, filters={}, fmt="csv")
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert reverse("imports:export_download", args=[mine.pk]) in page
    assert reverse("imports:export_detail", args=[theirs.pk]) not in page


def test_an_administrator_sees_only_their_own_list(client, settings, operator_desa_a, admin_user, household_a):
    settings.TASKS = IMMEDIATE
    theirs = services.export_create(actor=operator_desa_a, filters={}, fmt="csv")
    page = login(client, admin_user).get(URL).content.decode()
    assert "Belum ada ekspor." in page and reverse("imports:export_detail", args=[theirs.pk]) not in page


def test_a_user_without_registry_access_gets_403(client, db):
    nobody = get_user_model().objects.create(username="tanpa_peran")
    assert login(client, nobody).get(URL).status_code == 403
