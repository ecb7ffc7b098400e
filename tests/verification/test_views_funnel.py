"""The funnel page: filters, a table with the reasons, scoped."""

from datetime import date

from django.urls import reverse

from berdaya.verification import services
from berdaya.verification.models import Outcome
from tests.conftest import DISTRICT_A
from tests.verification.conftest import YEAR, make_assignment

URL = reverse("verification:funnel")


def _case(staff_blora, verifier_a, kadis, household_a, uep):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_a, programme=uep, year=YEAR)
    task = services.assignment_add_households(actor=staff_blora, assignment=assignment, households=[household_a])[0]
    visit = services.visit_record(actor=verifier_a, task=task, visited_on=date.today(), outcome=Outcome.NOT_ELIGIBLE,
                                  reason="well_off")
    services.visit_confirm(actor=kadis, visit=visit)


def test_the_funnel_page_shows_the_stages_and_the_reasons(client, staff_blora, verifier_a, kadis, household_a, uep):
    _case(staff_blora, verifier_a, kadis, household_a, uep)
    client.force_login(staff_blora)
    response = client.get(URL, {"programme": uep.pk, "year": YEAR, "region": DISTRICT_A})
    assert response.status_code == 200
    result = response.context["result"]
    assert [s.count for s in result.stages] == [1, 1, 0, 0, 0]
    body = response.content.decode()
    assert "Tidak layak: Sudah mampu" in body and "<svg" in body and "style=" not in body


def test_the_page_opens_on_the_users_area_by_default(client, verifier_kecamatan_b, staff_blora, verifier_a, kadis,
                                                     household_a, uep):
    _case(staff_blora, verifier_a, kadis, household_a, uep)
    client.force_login(verifier_kecamatan_b)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["region"].code == "33.16.02"
    assert response.context["result"].listed == 0


def test_bad_filters_and_missing_permission_are_refused(client, staff_blora, operator_desa_a):
    client.force_login(staff_blora)
    assert client.get(URL, {"year": "abc"}).status_code == 400
    assert client.get(URL, {"region": "35.75"}).status_code == 400
    client.force_login(operator_desa_a)
    assert client.get(URL).status_code == 403
