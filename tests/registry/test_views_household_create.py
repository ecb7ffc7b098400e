"""registry:household_create — the household and its head in one form, the village from the region picker."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.registry.models import Household, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from tests.registry.conftest import form_post, login

URL = reverse("registry:household_create")


def _post_data(village=VILLAGE_A, *, picked=None, **household):
    head = factories.person_data(village=village, name="Suparmi", sex="P", birth_date=date(1979, 8, 17))
    del head["relationship"]
    data = {"hh-kk_number": factories.kk_for(village=village), "hh-village": picked or village,
            "hh-address": "Dukuh Krajan RT 2", "hh-rt": "002", "hh-rw": "001", "hh-monthly_income": "Rp 1.250.000",
            "hh-c01_floor_area_small": "1", "hh-c02_floor_poor": "0", "hh-has_land": "1"}
    data.update({f"hh-{k}": v for k, v in household.items()})
    data.update(form_post(head, prefix="head"))
    return data


def test_the_form_starts_with_the_operators_own_village(client, operator_desa_a):
    response = login(client, operator_desa_a).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<input type="hidden" name="hh-village" value="{VILLAGE_A}">' in page
    assert "Jati › Bangkleyan" in page
    assert VILLAGE_A2 not in page
    assert 'name="head-nik"' in page
    assert "Belum didata" in page


def test_it_registers_the_household_with_its_head(client, operator_desa_a):
    data = _post_data()
    response = login(client, operator_desa_a).post(URL, data, follow=True)
    household = Household.objects.get(kk_number=data["hh-kk_number"])
    assert response.redirect_chain[-1][0] == reverse("registry:household_detail", args=[household.pk])
    assert "didaftarkan" in response.content.decode()
    assert household.village_id == VILLAGE_A
    assert household.monthly_income == 1_250_000
    assert (household.c01_floor_area_small, household.c02_floor_poor, household.c03_wall_poor) == (True, False, None)
    assert household.has_land is True
    head = household.members.get()
    assert (head.name, head.relationship, head.birth_date, head.sex) == ("Suparmi", 1, date(1979, 8, 17), "P")
    assert household.vul_woman_headed
    record = household.history.get()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "registry.household.created")


def test_it_accepts_the_browsers_date_format_and_a_head_without_nik(client, staff_blora):
    data = _post_data(village=VILLAGE_B)
    data.update({"head-birth_date": "1979-08-17", "head-nik": "", "hh-village": ["33", "33.16", "33.16.02",
                                                                                  VILLAGE_B]})
    login(client, staff_blora).post(URL, data)
    household = Household.objects.get(kk_number=data["hh-kk_number"])
    assert household.members.get().birth_date == date(1979, 8, 17)
    assert ReviewFlag.objects.filter(household=household, code="nik_missing", resolved_at=None).exists()


def test_it_refuses_a_village_outside_the_users_scope(client, operator_desa_a):
    data = _post_data(village=VILLAGE_A2)
    response = login(client, operator_desa_a).post(URL, data)
    assert response.status_code == 200
    assert "di luar wilayah kerja Anda" in response.content.decode()
    assert not Household.objects.filter(kk_number=data["hh-kk_number"]).exists()


def test_it_asks_for_a_village_when_only_a_district_is_chosen(client, staff_blora):
    data = _post_data(picked=["33", "33.16", "33.16.01", ""])
    response = login(client, staff_blora).post(URL, data)
    assert response.context["form"].errors["village"] == ["Pilih desa/kelurahan."]


def test_a_service_refusal_is_shown_on_its_field(client, staff_blora, household_a):
    response = login(client, staff_blora).post(URL, _post_data(kk_number=household_a.kk_number))
    assert "sudah terdaftar" in response.context["form"].errors["kk_number"][0]
    data = _post_data(kk_number="9999990000000001")
    response = client.post(URL, data)
    assert "bukan kode kecamatan" in response.context["form"].errors["kk_number"][0]
    data = _post_data()
    data["head-nik"] = "33160117058000"  # 14 digits
    response = client.post(URL, data)
    assert "16 digit" in response.context["head_form"].errors["nik"][0]
    assert Household.objects.count() == 1


def test_the_pick_button_re_renders_the_form_without_saving(client, staff_blora):
    data = _post_data(picked=["33", "33.16", "33.16.02", ""])
    data["_pick"] = "hh-village"
    response = login(client, staff_blora).post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{VILLAGE_B}">Tlogotuwung</option>' in page  # villages of the chosen district
    assert "— Pilih desa/kelurahan —" in page
    assert "Pilih desa/kelurahan." not in page  # no validation errors yet
    assert data["hh-kk_number"] in page  # what was typed is kept
    assert Household.objects.count() == 0


@pytest.mark.parametrize("persona", ["auditor_blora", "kadis", "mentor_desa_a"])
def test_a_user_who_may_not_edit_anywhere_gets_403(client, persona, request):
    client = login(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _post_data()).status_code == 403
    assert Household.objects.count() == 0
