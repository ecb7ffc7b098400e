"""registry:household_list — search, filters, pagination, the htmx rows partial, masking and scope."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.core.identity import mask_number
from berdaya.registry import services, views
from tests import factories
from tests.conftest import DISTRICT_B, VILLAGE_A, VILLAGE_B, VILLAGE_P
from tests.registry.conftest import login

URL = reverse("registry:household_list")


def _kks(response) -> set[str]:
    return {row.household.kk_number for row in response.context["rows"]}


@pytest.fixture
def siti(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti Nur’aini  Ṡaleh", sex="P",
                                 birth_date=date(1985, 2, 3), relationship=3)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def test_it_requires_a_login(client, household_a):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_only_the_households_in_the_users_scope(client, operator_desa_a, household_a, household_b):
    response = login(client, operator_desa_a).get(URL)
    assert response.status_code == 200
    assert _kks(response) == {household_a.kk_number}
    assert household_b.kk_number not in response.content.decode()


def test_it_shows_kk_head_village_members_and_open_flags(client, staff_blora, household_a):
    services.person_add(actor=staff_blora, household=household_a,
                        data=factories.person_data(village=VILLAGE_A, name="Bayi", nik="",
                                                   birth_date=date(2025, 1, 2)))
    page = login(client, staff_blora).get(URL).content.decode()
    assert household_a.kk_number in page
    assert "Sutrisno" in page
    assert "Bangkleyan" in page
    assert "Ibu hamil atau anak di bawah 6 tahun" in page  # a vulnerability badge
    assert '<span class="badge warn">1</span>' in page  # the baby without NIK is flagged


def test_it_finds_a_household_by_the_full_nik_of_a_member(client, staff_blora, siti, household_a, household_b):
    response = login(client, staff_blora).get(URL, {"q": siti.nik})
    assert _kks(response) == {household_a.kk_number}


def test_it_finds_a_household_by_its_kk_number(client, staff_blora, household_a, household_b):
    spaced = " ".join(household_b.kk_number[i:i + 4] for i in range(0, 16, 4))
    assert _kks(login(client, staff_blora).get(URL, {"q": spaced})) == {household_b.kk_number}


@pytest.mark.parametrize("fragment", ["nuraini", "NUR'AINI", "nur aini sal", "saleh", "Ṡal"])
def test_it_finds_a_partial_name_ignoring_case_accents_and_spacing(client, staff_blora, siti, household_a,
                                                                   household_b, fragment):
    assert _kks(login(client, staff_blora).get(URL, {"q": fragment})) == {household_a.kk_number}


def test_a_search_that_matches_nothing_says_so(client, staff_blora, household_a):
    response = login(client, staff_blora).get(URL, {"q": "Tidakadanamaini"})
    assert _kks(response) == set()
    assert "Tidak ada keluarga yang cocok." in response.content.decode()


def test_it_filters_by_region(client, staff_blora, household_a, household_b):
    assert _kks(login(client, staff_blora).get(URL, {"region": DISTRICT_B})) == {household_b.kk_number}
    # The picker submits every level; the deepest consistent code is the filter.
    response = client.get(f"{URL}?region=33&region=33.16&region={DISTRICT_B}&region=")
    assert _kks(response) == {household_b.kk_number}


def test_a_region_outside_the_scope_shows_an_error_and_no_rows(client, operator_desa_a, household_a, household_b):
    for region in (VILLAGE_B, VILLAGE_P):
        response = login(client, operator_desa_a).get(URL, {"region": region})
        assert _kks(response) == set()
        assert "di luar wilayah kerja Anda" in response.content.decode()


def test_it_filters_by_vulnerability_and_flags(client, staff_blora, household_a):
    woman_headed = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Wartini")
    head = woman_headed.members.get()
    services.person_update(actor=staff_blora, person=head, data={
        "sex": "P", "nik": factories.nik_for(village=VILLAGE_A, birth_date=head.birth_date, sex="P")})
    services.person_add(actor=staff_blora, household=household_a,
                        data=factories.person_data(village=VILLAGE_A, name="Tanpa NIK", nik=""))
    client = login(client, staff_blora)
    assert _kks(client.get(URL, {"vulnerability": "vul_woman_headed"})) == {woman_headed.kk_number}
    assert _kks(client.get(URL, {"flagged": "1"})) == {household_a.kk_number}
    assert _kks(client.get(URL, {"vulnerability": "not_a_field"})) == set()


def test_an_htmx_request_gets_only_the_rows_partial(client, staff_blora, household_a):
    response = login(client, staff_blora).get(URL, {"q": "sutrisno"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert household_a.kk_number in page
    assert "<tbody>" in page
    assert "<html" not in page
    assert "<form" not in page
    assert "HX-Request" in response["Vary"]


def test_the_full_page_has_a_search_form_that_works_with_and_without_javascript(client, staff_blora, household_a):
    page = login(client, staff_blora).get(URL).content.decode()
    assert f'<form method="get" action="{URL}"' in page
    assert 'hx-trigger="keyup changed delay:400ms, search"' in page
    assert 'hx-target="#rows"' in page
    assert 'hx-push-url="true"' in page
    assert 'id="id_region_picker"' in page


def test_it_masks_the_kk_for_a_mentor(client, mentor_desa_a, household_a):
    page = login(client, mentor_desa_a).get(URL).content.decode()
    assert mask_number(household_a.kk_number) in page
    assert household_a.kk_number not in page


def test_it_paginates(client, staff_blora, settings):
    settings.BERDAYA_PAGE_SIZE = 5
    made = {factories.household(actor=staff_blora, village=VILLAGE_A).kk_number for _ in range(7)}
    client = login(client, staff_blora)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(first.context["rows"]) == 5
    assert len(second.context["rows"]) == 2
    assert _kks(first) | _kks(second) == made
    assert "page=2" in first.content.decode()


def test_it_caps_the_count_instead_of_counting_every_row(client, staff_blora, settings, monkeypatch):
    settings.BERDAYA_PAGE_SIZE = 5
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 5)
    for _ in range(7):
        factories.household(actor=staff_blora, village=VILLAGE_A)
    response = login(client, staff_blora).get(URL, {"page": 9})
    assert "Lebih dari 5 keluarga" in response.content.decode()
    assert response.context["page"].paginator.num_pages == 1


def test_a_page_takes_a_handful_of_queries_whatever_the_number_of_rows(client, staff_blora, settings,
                                                                       django_assert_max_num_queries):
    settings.BERDAYA_PAGE_SIZE = 25
    for village in (VILLAGE_A, VILLAGE_B) * 5:
        factories.household(actor=staff_blora, village=village)
    client = login(client, staff_blora)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(10):
        client.get(URL, {"region": DISTRICT_B})
