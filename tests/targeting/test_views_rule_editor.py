"""The rule editor page: save a version, validate as you type (htmx), dry run and *why*; other regions refused."""

from django.urls import reverse

from berdaya.targeting import services
from berdaya.targeting.models import EligibilityRule
from tests import factories
from tests.conftest import VILLAGE_A

POOR = {"c01_floor_area_small": True, "c02_floor_poor": True, "c03_wall_poor": True, "c04_no_private_toilet": True,
        "c05_no_electricity": True, "c06_unsafe_water": True, "c07_cooking_wood": True, "c08_protein_rarely": True,
        "c09_one_clothes_set": True}


def _url(programme, **query):
    url = reverse("targeting:rule_editor", args=[programme.pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def test_staff_save_a_rule_as_a_new_version(client, staff_blora, blt):
    client.force_login(staff_blora)
    response = client.post(_url(blt), {"expression": "bps_criteria_met >= 9", "note": "awal"})
    assert response.status_code == 302
    assert EligibilityRule.objects.get(programme=blt).version == 1
    page = client.get(_url(blt)).content.decode()
    assert "v1" in page and "bps_criteria_met &gt;= 9" in page


def test_a_malformed_rule_is_shown_back_with_the_position_and_a_caret(client, staff_blora, blt):
    client.force_login(staff_blora)
    response = client.post(_url(blt), {"expression": "desil <= 4 and desill > 1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Baris 1, kolom 16" in page and "desil?" in page and "^" in page
    assert not EligibilityRule.objects.exists()


def test_validation_as_you_type_returns_a_fragment(client, staff_blora):
    client.force_login(staff_blora)
    url = reverse("targeting:rule_validate")
    bad = client.post(url, {"expression": "desil <="}, HTTP_HX_REQUEST="true").content.decode()
    good = client.post(url, {"expression": "desil <= 4"}, HTTP_HX_REQUEST="true").content.decode()
    assert "rule-error" in bad and "<html" not in bad
    assert "rule-ok" in good and "desil" in good


def test_the_dry_run_shows_counts_and_budget_and_the_why_of_a_household(client, staff_blora, blt):
    poor = factories.household(actor=staff_blora, village=VILLAGE_A, **POOR)
    factories.household(actor=staff_blora, village=VILLAGE_A)
    services.rule_save(actor=staff_blora, programme=blt, expression="bps_criteria_met >= 9")
    client.force_login(staff_blora)
    page = client.get(_url(blt, run=1, year=2026, kk=poor.kk_number)).content.decode()
    assert "1 keluarga (1 jiwa) memenuhi" in page
    assert "Rp 3.600.000" in page and "Rp 8.500.000" in page
    assert "Memenuhi aturan" in page and "bps_criteria_met = <strong>9</strong>" in page


def test_a_draft_rule_can_be_tried_without_saving_it(client, staff_blora, blt):
    factories.household(actor=staff_blora, village=VILLAGE_A)
    client.force_login(staff_blora)
    page = client.get(_url(blt, run=1, expression="member_count >= 1")).content.decode()
    assert "1 keluarga (1 jiwa) memenuhi" in page
    assert not EligibilityRule.objects.exists()


def test_a_head_of_office_sees_the_rule_but_cannot_change_it(client, kadis, staff_blora, blt):
    services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4")
    client.force_login(kadis)
    page = client.get(_url(blt)).content.decode()
    assert "desil &lt;= 4" in page and "Simpan sebagai versi baru" not in page
    assert client.post(_url(blt), {"expression": "desil <= 5"}).status_code == 403


def test_a_user_of_another_region_is_refused(client, blt_pasuruan, staff_blora, operator_desa_b):
    client.force_login(staff_blora)
    assert client.get(_url(blt_pasuruan)).status_code == 404
    assert client.post(_url(blt_pasuruan), {"expression": "desil <= 4"}).status_code == 404


def test_a_user_without_targeting_rights_is_refused(client, db, blt):
    from berdaya.core.permissions import Role

    mentor = factories.user_without_password(username="pendamping", role=Role.MENTOR, region=VILLAGE_A)
    client.force_login(mentor)
    assert client.get(_url(blt)).status_code == 403
    assert client.get(reverse("targeting:index")).status_code == 403


def test_the_index_lists_the_programmes_with_their_rule(client, staff_blora, blt, blt_pasuruan):
    services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4")
    client.force_login(staff_blora)
    page = client.get(reverse("targeting:index")).content.decode()
    assert "BLT Dana Desa" in page and "desil &lt;= 4" in page and "BLT Pasuruan" not in page
