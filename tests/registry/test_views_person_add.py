"""registry:person_add — a new member through person_add; NIK optional (flagged), one head per KK."""

from datetime import date

from django.urls import reverse

from berdaya.registry.models import Person
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import form_post, login


def _url(household):
    return reverse("registry:person_add", args=[household.pk])


def _member(**extra):
    return form_post(factories.person_data(village=VILLAGE_A, name="Dewi Lestari", sex="P",
                                           birth_date=date(2015, 4, 21), **extra))


def test_it_renders_for_the_village_operator(client, operator_desa_a, household_a):
    response = login(client, operator_desa_a).get(_url(household_a))
    assert response.status_code == 200
    assert 'name="nik"' in response.content.decode()


def test_it_adds_a_member_and_redirects_to_the_household(client, operator_desa_a, household_a):
    data = _member()
    response = login(client, operator_desa_a).post(_url(household_a), data, follow=True)
    person = Person.objects.get(nik=data["nik"])
    assert response.redirect_chain[-1][0] == reverse("registry:household_detail", args=[household_a.pk])
    assert "Dewi Lestari ditambahkan" in response.content.decode()
    assert (person.household, person.birth_date, person.relationship) == (household_a, date(2015, 4, 21), 4)
    record = person.history.get()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "registry.person.created")
    household_a.refresh_from_db()
    assert household_a.member_count == 2


def test_a_member_without_nik_is_saved_and_flagged(client, operator_desa_a, household_a):
    login(client, operator_desa_a).post(_url(household_a), {**_member(), "nik": ""})
    person = household_a.members.get(name="Dewi Lestari")
    assert person.nik == ""
    assert person.flags.get().code == "nik_missing"


def test_it_refuses_a_nik_with_15_digits(client, operator_desa_a, household_a):
    data = {**_member(), "nik": "331601610415000"}
    response = login(client, operator_desa_a).post(_url(household_a), data)
    assert "16 digit" in response.context["form"].errors["nik"][0]
    assert household_a.members.count() == 1


def test_it_refuses_a_second_head_on_the_relationship_field(client, operator_desa_a, household_a):
    response = login(client, operator_desa_a).post(_url(household_a), _member(relationship=1))
    assert "sudah punya kepala keluarga" in response.context["form"].errors["relationship"][0]


def test_it_refuses_a_birth_date_in_the_future(client, operator_desa_a, household_a):
    data = {**_member(), "birth_date": "01/01/2999"}
    response = login(client, operator_desa_a).post(_url(household_a), data)
    assert "masa depan" in response.context["form"].errors["birth_date"][0]


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a):
    client = login(client, operator_desa_b)
    assert client.get(_url(household_a)).status_code == 404
    assert client.post(_url(household_a), _member()).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, household_a):
    client = login(client, auditor_blora)
    assert client.get(_url(household_a)).status_code == 403
    assert client.post(_url(household_a), _member()).status_code == 403
    assert household_a.members.count() == 1
