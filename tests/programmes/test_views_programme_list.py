"""programmes:list — the programmes the user's regions see, filtered by kind and status."""

from django.urls import reverse

from berdaya.programmes import services
from berdaya.programmes.models import Kind
from tests.programmes.conftest import login, programme_data

URL = reverse("programmes:list")


def test_a_village_operator_sees_the_programmes_of_their_regency(client, operator_desa_a, programme,
                                                                  programme_pasuruan):
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert "Program Sembako" in page and "Rp 200.000" in page
    assert "BLT Dana Desa Pasuruan" not in page
    assert reverse("programmes:create") not in page


def test_staff_see_the_add_button(client, staff_blora, programme):
    page = login(client, staff_blora).get(URL).content.decode()
    assert reverse("programmes:create") in page
    assert reverse("programmes:detail", args=[programme.pk]) in page


def test_it_filters_by_kind_and_status(client, staff_blora, programme):
    services.programme_create(actor=staff_blora, data=programme_data(
        code="BLT-DD", name="BLT Dana Desa", kind=Kind.CASH, benefit_amount=300_000, is_active=False))
    client = login(client, staff_blora)
    assert "BLT Dana Desa" not in client.get(URL).content.decode()  # active only by default
    page = client.get(URL, {"kind": "cash", "active": ""}).content.decode()
    assert "BLT Dana Desa" in page and "Program Sembako" not in page
    page = client.get(URL, {"kind": "", "active": "0"}).content.decode()
    assert "BLT Dana Desa" in page and "Program Sembako" not in page


def test_htmx_gets_only_the_rows(client, staff_blora, programme):
    response = login(client, staff_blora).get(URL, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Program Sembako" in page
    assert "<html" not in page


def test_a_partner_organisation_is_refused(client, partner_blora, programme):
    assert login(client, partner_blora).get(URL).status_code == 403


def test_the_navigation_links_to_programmes_for_those_who_see_them(client, staff_blora, partner_blora):
    assert URL in login(client, staff_blora).get(reverse("core:home")).content.decode()
    assert URL not in login(client, partner_blora).get(reverse("core:home")).content.decode()
