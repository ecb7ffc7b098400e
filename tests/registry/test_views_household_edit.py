"""registry:household_edit — edits go through household_update; refused outside the scope or without edit right."""

from django.urls import reverse

from berdaya.registry.forms import HOUSEHOLD_FORM_FIELDS
from tests.conftest import VILLAGE_A, VILLAGE_A2
from tests.registry.conftest import login


def _url(household):
    return reverse("registry:household_edit", args=[household.pk])


def _current(client, household) -> dict:
    """The form as the edit page renders it, ready to post back."""
    form = client.get(_url(household)).context["form"]
    data = {}
    for name in HOUSEHOLD_FORM_FIELDS:
        value = form[name].value()
        data[f"hh-{name}"] = "" if value is None else form.fields[name].prepare_value(value)
    data["hh-village"] = household.village_id
    return data


def test_it_shows_the_current_values(client, operator_desa_a, household_a):
    response = login(client, operator_desa_a).get(_url(household_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Jl. Raya Jati No. 3"' in page
    assert f'<input type="hidden" name="hh-village" value="{VILLAGE_A}">' in page


def test_it_saves_changes_through_the_service_with_an_audit_entry(client, operator_desa_a, household_a):
    client = login(client, operator_desa_a)
    data = _current(client, household_a)
    data.update({"hh-address": "Jl. Pemuda 9", "hh-c05_no_electricity": "1", "hh-c06_unsafe_water": "0",
                 "hh-monthly_income": "2.500.000", "hh-floor_material": "tanah", "hh-official_desil": "2"})
    response = client.post(_url(household_a), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household_detail", args=[household_a.pk])
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Pemuda 9"
    assert (household_a.c05_no_electricity, household_a.c06_unsafe_water, household_a.c07_cooking_wood) == (
        True, False, None)
    assert household_a.monthly_income == 2_500_000
    assert (household_a.floor_material, household_a.official_desil, household_a.bps_criteria_met) == ("tanah", 2, 1)
    record = household_a.history.latest()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "registry.household.updated")


def test_posting_it_unchanged_changes_nothing(client, operator_desa_a, household_a):
    client = login(client, operator_desa_a)
    client.post(_url(household_a), _current(client, household_a))
    assert household_a.history.count() == 1


def test_it_refuses_a_desil_outside_1_to_10(client, operator_desa_a, household_a):
    client = login(client, operator_desa_a)
    data = {**_current(client, household_a), "hh-official_desil": "11"}
    assert "official_desil" in client.post(_url(household_a), data).context["form"].errors


def test_it_refuses_to_move_the_household_to_a_village_outside_the_scope(client, operator_desa_a, household_a):
    client = login(client, operator_desa_a)
    data = {**_current(client, household_a), "hh-village": VILLAGE_A2}
    response = client.post(_url(household_a), data)
    assert "di luar wilayah kerja Anda" in response.context["form"].errors["village"][0]
    household_a.refresh_from_db()
    assert household_a.village_id == VILLAGE_A


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a):
    client = login(client, operator_desa_b)
    assert client.get(_url(household_a)).status_code == 404
    assert client.post(_url(household_a), {"hh-address": "x"}).status_code == 404


def test_it_is_403_for_the_auditor_who_changes_nothing(client, auditor_blora, operator_desa_a, household_a):
    data = _current(login(client, operator_desa_a), household_a)
    client = login(client, auditor_blora)
    assert client.get(_url(household_a)).status_code == 403
    assert client.post(_url(household_a), {**data, "hh-address": "Diubah auditor"}).status_code == 403
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Raya Jati No. 3"
