"""registry:household_detail — data, members, flags and actions, shown per the user's permissions."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.core.identity import mask_number
from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


def _url(household):
    return reverse("registry:household_detail", args=[household.pk])


@pytest.fixture
def ani(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Ani Rahayu", sex="P", birth_date=date(2012, 6, 1),
                                 disability="netra")
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def test_it_shows_the_household_and_its_members_to_the_village_operator(client, operator_desa_a, household_a, ani):
    response = login(client, operator_desa_a).get(_url(household_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert household_a.kk_number in page
    assert "Jawa Tengah › Kabupaten Blora › Jati › Bangkleyan" in page
    assert ani.nik in page
    assert "Netra" in page
    assert "Rp 1.500.000" in page
    assert "Anggota penyandang disabilitas" in page
    for name in ("household_edit", "person_add", "household_set_head", "household_history"):
        assert reverse(f"registry:{name}", args=[household_a.pk]) in page
    for name in ("person_edit", "person_move", "person_status"):
        assert reverse(f"registry:{name}", args=[ani.pk]) in page


def test_it_shows_the_14_criteria_as_yes_no_or_not_surveyed(client, staff_blora, household_a):
    services.household_update(actor=staff_blora, household=household_a,
                              data={"c01_floor_area_small": True, "c02_floor_poor": False})
    page = login(client, staff_blora).get(_url(household_a)).content.decode()
    assert "Luas lantai &lt; 8 m² per orang</dt><dd>Ya" in page
    assert "Lantai tanah/bambu/kayu murahan</dt><dd>Tidak" in page
    assert page.count("Belum didata") >= 12
    assert "1/14" in page


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a):
    assert login(client, operator_desa_b).get(_url(household_a)).status_code == 404


def test_a_mentor_sees_masked_identity_and_no_actions(client, mentor_desa_a, household_a, ani):
    page = login(client, mentor_desa_a).get(_url(household_a)).content.decode()
    assert mask_number(ani.nik) in page
    assert ani.nik not in page
    assert household_a.kk_number not in page
    assert "Netra" not in page
    assert "Rp 1.500.000" not in page
    assert "Ani Rahayu" in page
    assert reverse("registry:household_edit", args=[household_a.pk]) not in page
    assert reverse("registry:household_history", args=[household_a.pk]) not in page


def test_the_auditor_sees_everything_but_no_edit_action(client, auditor_blora, household_a, ani):
    page = login(client, auditor_blora).get(_url(household_a)).content.decode()
    assert ani.nik in page
    assert reverse("registry:household_history", args=[household_a.pk]) in page
    assert reverse("registry:household_edit", args=[household_a.pk]) not in page
    assert reverse("registry:person_edit", args=[ani.pk]) not in page


def test_it_lists_open_review_flags_with_a_resolve_form_for_editors(client, staff_blora, auditor_blora, household_a):
    baby = services.person_add(actor=staff_blora, household=household_a,
                               data=factories.person_data(village=VILLAGE_A, name="Bayi", nik="",
                                                          birth_date=date(2025, 3, 1)))
    flag = baby.flags.get()
    page = login(client, staff_blora).get(_url(household_a)).content.decode()
    assert "Belum punya NIK" in page
    assert reverse("registry:flag_resolve", args=[flag.pk]) in page
    page = login(client, auditor_blora).get(_url(household_a)).content.decode()
    assert "Belum punya NIK" in page
    assert reverse("registry:flag_resolve", args=[flag.pk]) not in page


def test_it_takes_a_handful_of_queries(client, staff_blora, household_a, ani, django_assert_max_num_queries):
    for i in range(4):
        services.person_add(actor=staff_blora, household=household_a,
                            data=factories.person_data(village=VILLAGE_A, name=f"Anak {i}",
                                                       birth_date=date(2010 + i, 1, 5)))
    client = login(client, staff_blora)
    client.get(_url(household_a))
    with django_assert_max_num_queries(8):
        client.get(_url(household_a))
