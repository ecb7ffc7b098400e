"""registry:household_history — who changed what, when, from what to what; refused outside the scope."""

from django.urls import reverse

from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


def _url(household):
    return reverse("registry:household_history", args=[household.pk])


def test_it_shows_who_changed_which_field_from_what_to_what(client, operator_desa_a, staff_blora, household_a):
    services.household_update(actor=operator_desa_a, household=household_a, data={"address": "Jl. Pemuda 9"})
    response = login(client, operator_desa_a).get(_url(household_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Data keluarga diubah" in page
    assert "Keluarga didaftarkan" in page
    assert "Alamat: <del>Jl. Raya Jati No. 3</del> → <ins>Jl. Pemuda 9</ins>" in page
    assert str(operator_desa_a) in page
    assert str(staff_blora) in page
    entry = response.context["entries"][0]
    assert entry.action == "registry.household.updated"
    assert entry.who == str(operator_desa_a)


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a):
    assert login(client, operator_desa_b).get(_url(household_a)).status_code == 404


def test_it_is_403_for_a_mentor_who_may_not_read_history(client, mentor_desa_a, household_a):
    assert login(client, mentor_desa_a).get(_url(household_a)).status_code == 403


def test_the_auditor_reads_it(client, auditor_blora, household_a):
    assert login(client, auditor_blora).get(_url(household_a)).status_code == 200


def test_it_lists_changes_to_members(client, staff_blora, household_a):
    head = household_a.members.get()
    old_nik = head.nik
    new_nik = factories.nik_for(village=VILLAGE_A, birth_date=head.birth_date, sex="L")
    services.person_update(actor=staff_blora, person=head, data={"nik": new_nik})
    page = login(client, staff_blora).get(_url(household_a)).content.decode()
    assert "Data anggota diubah" in page
    assert f"NIK: <del>{old_nik}</del> → <ins>{new_nik}</ins>" in page
