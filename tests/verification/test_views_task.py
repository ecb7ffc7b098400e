"""The task page and its visit form (phone-first, posts without JavaScript)."""

from datetime import date

from django.urls import reverse

from berdaya.registry import codes
from berdaya.registry.models import Household
from berdaya.verification.models import Visit
from tests import factories
from tests.conftest import VILLAGE_A
from tests.verification.conftest import add_member, photo


def _url(task):
    return reverse("verification:task_detail", args=[task.pk])


def _post(client, task, **data):
    payload = {"visited_on": date.today().isoformat(), "outcome": "eligible", "reason": "", "notes": ""}
    payload.update(data)
    return client.post(_url(task), payload)


def test_the_verifier_sees_the_form_with_a_camera_input_and_the_location_button(client, verifier_a, task_a):
    client.force_login(verifier_a)
    response = client.get(_url(task_a))
    assert response.status_code == 200 and response.context["form"] is not None
    body = response.content.decode()
    assert 'accept="image/*"' in body and 'capture="environment"' in body and "multiple" in body
    assert 'id="get-location"' in body and 'name="latitude"' in body
    assert "verification/visit.js" in body and "<script>" not in body and "style=" not in body


def test_the_verifier_records_a_visit_with_a_photo_and_location(client, verifier_a, task_a, household_a):
    client.force_login(verifier_a)
    response = client.post(_url(task_a), {
        "visited_on": date.today().isoformat(), "outcome": "eligible", "c02_floor_poor": "1", "c14_no_savings": "0",
        "monthly_income": "Rp 450.000", "notes": "Rumah bambu", "latitude": "-6.970123", "longitude": "111.4183",
        "accuracy": "15", "photos": [photo("depan.png"), photo("dapur.png", "blue")]})
    assert response.status_code == 302 and response["Location"] == _url(task_a)
    visit = Visit.objects.get()
    assert (visit.verifier, visit.outcome, visit.photos.count()) == (verifier_a, "eligible", 2)
    assert visit.indicator_changes == {"c02_floor_poor": True, "c14_no_savings": False, "monthly_income": 450_000}
    household_a.refresh_from_db()
    assert household_a.monthly_income == 450_000
    page = client.get(_url(task_a))
    assert page.context["form"] is None  # visited: no second form
    assert reverse("verification:photo", args=[visit.photos.first().pk]) in page.content.decode()


def test_unchanged_indicators_are_not_sent_as_changes(client, verifier_a, task_a):
    client.force_login(verifier_a)
    _post(client, task_a, monthly_income="1500000")  # the household's income already
    assert Visit.objects.get().indicator_changes == {}


def test_fields_for_other_outcomes_are_ignored_without_javascript(client, staff_blora, verifier_a, task_a,
                                                                  household_a):
    wife = add_member(household_a, actor=staff_blora)
    client.force_login(verifier_a)
    response = _post(client, task_a, person=wife.pk, reason="well_off", duplicate_kk="3316010000000099")
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.person, visit.reason, visit.duplicate_of) == (None, "", None)


def test_not_eligible_without_a_reason_is_shown_on_the_reason(client, verifier_a, task_a):
    client.force_login(verifier_a)
    response = _post(client, task_a, outcome="not_eligible")
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert not Visit.objects.exists()


def test_a_duplicate_needs_a_kk_the_verifier_can_find(client, staff_blora, verifier_a, task_a, household_b):
    client.force_login(verifier_a)
    response = _post(client, task_a, outcome="duplicate", duplicate_kk=household_b.kk_number)
    assert response.status_code == 400 and response.context["form"].errors["duplicate_kk"]
    other = factories.household(actor=staff_blora, village=VILLAGE_A)
    response = _post(client, task_a, outcome="duplicate", duplicate_kk=other.kk_number)
    assert response.status_code == 302
    assert Visit.objects.get().duplicate_of == other


def test_a_new_family_found_in_the_field_becomes_a_draft(client, verifier_a, task_a):
    kk = factories.kk_for(village=VILLAGE_A)
    client.force_login(verifier_a)
    response = _post(client, task_a, outcome="new_family", new_kk_number=kk, new_village=VILLAGE_A,
                     new_address="Dukuh Baru", new_rt="1", new_rw="2", new_name="Joko Susilo", new_sex="L",
                     new_birth_date="1995-04-01", new_nik="", c01_floor_area_small="1")
    assert response.status_code == 302
    household = Household.objects.get(kk_number=kk)
    assert (household.status, household.head_name, household.c01_floor_area_small) == (
        codes.HouseholdStatus.DRAFT, "Joko Susilo", True)
    response = _post(client, task_a)
    assert response.status_code == 400  # the task is done


def test_a_bad_new_family_kk_is_shown_on_its_field(client, verifier_a, task_a):
    client.force_login(verifier_a)
    response = _post(client, task_a, outcome="new_family", new_kk_number="12", new_village=VILLAGE_A,
                     new_address="Dukuh Baru", new_name="Joko", new_sex="L", new_birth_date="1995-04-01")
    assert response.status_code == 400 and response.context["form"].errors["new_kk_number"]


def test_the_head_of_office_sees_the_task_without_a_form_and_cannot_post(client, kadis, task_a):
    client.force_login(kadis)
    response = client.get(_url(task_a))
    assert response.status_code == 200 and response.context["form"] is None
    assert _post(client, task_a).status_code == 403
    assert not Visit.objects.exists()


def test_the_task_page_is_refused_outside_the_scope(client, verifier_a2, verifier_kecamatan_b, operator_desa_a,
                                                    task_a):
    for user, status in ((verifier_a2, 404), (verifier_kecamatan_b, 404), (operator_desa_a, 403)):
        client.force_login(user)
        assert client.get(_url(task_a)).status_code == status
        assert _post(client, task_a).status_code == status
    assert not Visit.objects.exists()


def test_kk_and_nik_are_masked_for_a_role_without_the_identity_permission(client, monkeypatch, task_a, household_a):
    from berdaya.core.identity import mask_number
    from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, Role

    viewer = factories.user_without_password(username="pengamat", role=Role.AUDITOR, region="33.16")
    client.force_login(viewer)
    body = client.get(_url(task_a)).content.decode()
    assert household_a.kk_number in body  # auditors hold REGISTRY_VIEW_IDENTITY today
    # Without it (a role a region may configure), the page shows masked numbers only.
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AUDITOR,
                        ROLE_PERMISSIONS[Role.AUDITOR] - {Perm.REGISTRY_VIEW_IDENTITY})
    body = client.get(_url(task_a)).content.decode()
    head = household_a.members.get()
    assert household_a.kk_number not in body and head.nik not in body
    assert mask_number(household_a.kk_number) in body and mask_number(head.nik) in body
