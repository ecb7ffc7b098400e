"""programmes:create and programmes:edit — PROGRAMMES_MANAGE over the office; service refusals shown on the field."""

import pytest
from django.urls import reverse

from berdaya.programmes.models import Programme
from tests.conftest import BLORA, PASURUAN
from tests.programmes.conftest import login

CREATE = reverse("programmes:create")


def _post(**extra) -> dict:
    data = {"office": BLORA, "code": "blt-dd", "name": "BLT Dana Desa", "kind": "cash", "target_unit": "household",
            "frequency": "monthly", "duration_months": "12", "benefit_type": "amount",
            "benefit_amount": "Rp 300.000", "is_active": "on", "priority_rule": "desil == 1"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_create_a_programme_and_land_on_its_page(client, staff_blora, apbn, sentra):
    response = login(client, staff_blora).post(CREATE, _post(funding_sources=[apbn.pk], partners=[sentra.pk]))
    programme = Programme.objects.get(code="BLT-DD")
    assert response.status_code == 302
    assert response.url == reverse("programmes:detail", args=[programme.pk])
    assert (programme.office_id, programme.benefit_amount, programme.priority_rule) == (BLORA, 300_000, "desil == 1")
    assert list(programme.funding_sources.all()) == [apbn] and list(programme.partners.all()) == [sentra]


def test_the_form_shows_the_services_refusal_on_the_field(client, staff_blora, programme):
    response = login(client, staff_blora).post(CREATE, _post(code="BPNT"))
    assert response.status_code == 400
    assert "Kode program BPNT sudah dipakai di dinas ini." in response.content.decode()
    response = client.post(CREATE, _post(benefit_amount=""))
    assert "Isi nominal bantuan per periode." in response.content.decode()


def test_a_priority_rule_that_does_not_parse_is_refused_on_its_field(client, staff_blora):
    response = login(client, staff_blora).post(CREATE, _post(priority_rule="desil <<= 1"))
    assert response.status_code == 400
    assert "Aturan prioritas tidak valid" in response.content.decode()
    assert not Programme.objects.filter(code="BLT-DD").exists()


def test_the_office_must_lie_in_the_users_region(client, staff_blora):
    response = login(client, staff_blora).post(CREATE, _post(office=PASURUAN))
    assert response.status_code == 400
    assert not Programme.objects.exists()


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "operator_desa_a", "verifier_kecamatan_b"])
def test_roles_without_manage_get_403_and_nothing_is_written(request, client, persona):
    client = login(client, request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _post()).status_code == 403
    assert not Programme.objects.exists()


def test_edit_shows_the_current_values_and_saves_changes(client, staff_blora, programme, apbn):
    url = reverse("programmes:edit", args=[programme.pk])
    client = login(client, staff_blora)
    page = client.get(url).content.decode()
    assert 'value="BPNT"' in page and 'value="200000"' in page
    response = client.post(url, _post(code="BPNT", name="Sembako", benefit_amount="225000",
                                      funding_sources=[apbn.pk]))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.benefit_amount) == ("Sembako", 225_000)
    assert list(programme.funding_sources.all()) == [apbn]


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora"])
def test_edit_is_403_for_viewers_of_the_same_regency(request, client, programme, persona):
    url = reverse("programmes:edit", args=[programme.pk])
    client = login(client, request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    assert client.post(url, _post(code="BPNT", benefit_amount="1")).status_code == 403
    programme.refresh_from_db()
    assert programme.benefit_amount == 200_000


def test_edit_is_404_for_an_office_of_another_regency(client, staff_pasuruan, programme):
    url = reverse("programmes:edit", args=[programme.pk])
    client = login(client, staff_pasuruan)
    assert client.get(url).status_code == 404
    assert client.post(url, _post(office=PASURUAN, code="BPNT", benefit_amount="1")).status_code == 404
    programme.refresh_from_db()
    assert (programme.office_id, programme.benefit_amount) == (BLORA, 200_000)
