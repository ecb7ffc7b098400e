"""registry:person_edit — member changes through person_update, audited; refused outside the scope."""

from django.urls import reverse

from tests.registry.conftest import form_post, login


def _url(person):
    return reverse("registry:person_edit", args=[person.pk])


def _current(client, person) -> dict:
    form = client.get(_url(person)).context["form"]
    return form_post({name: form[name].value() for name in form.fields})


def test_it_shows_the_members_data(client, operator_desa_a, household_a):
    head = household_a.members.get()
    response = login(client, operator_desa_a).get(_url(head))
    assert response.status_code == 200
    assert f'value="{head.nik}"' in response.content.decode()


def test_it_saves_a_change_with_an_audit_entry(client, operator_desa_a, household_a):
    head = household_a.members.get()
    client = login(client, operator_desa_a)
    data = {**_current(client, head), "name": "Sutrisno Hadi", "phone": "081234567890", "monthly_income": "750000"}
    response = client.post(_url(head), data)
    assert response["Location"] == reverse("registry:household_detail", args=[household_a.pk])
    head.refresh_from_db()
    assert (head.name, head.phone, head.monthly_income) == ("Sutrisno Hadi", "081234567890", 750_000)
    record = head.history.latest()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "registry.person.updated")
    household_a.refresh_from_db()
    assert household_a.head_name == "Sutrisno Hadi"


def test_a_head_cannot_be_demoted_here(client, operator_desa_a, household_a):
    head = household_a.members.get()
    client = login(client, operator_desa_a)
    response = client.post(_url(head), {**_current(client, head), "relationship": "4"})
    assert "Ganti kepala keluarga" in response.context["form"].errors["relationship"][0]


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a):
    head = household_a.members.get()
    client = login(client, operator_desa_b)
    assert client.get(_url(head)).status_code == 404
    assert client.post(_url(head), {"name": "x"}).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, operator_desa_a, household_a):
    head = household_a.members.get()
    data = {**_current(login(client, operator_desa_a), head), "name": "Diubah"}
    client = login(client, auditor_blora)
    assert client.get(_url(head)).status_code == 403
    assert client.post(_url(head), data).status_code == 403
    head.refresh_from_db()
    assert head.name == "Sutrisno"
