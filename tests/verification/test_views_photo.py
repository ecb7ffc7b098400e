"""Visit photos stream only inside the scope; elsewhere they do not exist."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.verification import services
from berdaya.verification.models import Outcome
from tests.verification.conftest import photo, png_bytes


@pytest.fixture
def picture(verifier_a, task_a):
    visit = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(), outcome=Outcome.ELIGIBLE,
                                  photos=[photo()])
    return visit.photos.get()


def test_the_verifier_and_the_office_see_the_photo(client, verifier_a, staff_blora, kadis, auditor_blora, picture):
    for user in (verifier_a, staff_blora, kadis, auditor_blora):
        client.force_login(user)
        response = client.get(reverse("verification:photo", args=[picture.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == png_bytes()


def test_the_photo_does_not_exist_outside_the_scope(client, verifier_a2, verifier_kecamatan_b, staff_pasuruan,
                                                    operator_desa_a, picture):
    url = reverse("verification:photo", args=[picture.pk])
    for user, status in ((verifier_a2, 404), (verifier_kecamatan_b, 404), (staff_pasuruan, 404),
                         (operator_desa_a, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
