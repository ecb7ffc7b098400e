"""Assignment pages: create, detail with progress, add complete proposal items, registry households, a list."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.proposals.models import ItemStatus
from berdaya.verification.models import Assignment, Source, VervalTask
from tests.conftest import DISTRICT_A, DISTRICT_B
from tests.verification.conftest import YEAR, make_assignment, proposal_item

CREATE = reverse("verification:assignment_create")


def _detail(assignment):
    return reverse("verification:assignment_detail", args=[assignment.pk])


def test_staff_create_an_assignment(client, staff_blora, verifier_a, uep):
    client.force_login(staff_blora)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, {"name": "Verval UEP Jati", "region": DISTRICT_A, "verifier": verifier_a.pk,
                                    "source": Source.PROPOSALS, "programme": uep.pk, "fiscal_year": YEAR})
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(assignment)
    assert (assignment.verifier, assignment.programme, assignment.region_id) == (verifier_a, uep, DISTRICT_A)


def test_the_form_says_when_the_verifier_does_not_work_in_the_area(client, staff_blora, verifier_kecamatan_b):
    client.force_login(staff_blora)
    response = client.post(CREATE, {"name": "Verval", "region": DISTRICT_A, "verifier": verifier_kecamatan_b.pk,
                                    "source": Source.REGISTRY, "fiscal_year": YEAR})
    assert response.status_code == 200
    assert response.context["form"].errors["verifier"]
    assert not Assignment.objects.exists()


def test_an_area_outside_the_officers_scope_is_refused_by_the_form(client, staff_blora, verifier_a):
    client.force_login(staff_blora)
    response = client.post(CREATE, {"name": "Verval", "region": "35.75", "verifier": verifier_a.pk,
                                    "source": Source.REGISTRY})
    assert response.context["form"].errors["region"]


def test_a_verifier_or_the_head_cannot_create(client, verifier_a, kadis):
    for user in (verifier_a, kadis):
        client.force_login(user)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, {"name": "x"}).status_code == 403


def test_the_detail_shows_progress_to_who_may_see_it(client, staff_blora, verifier_a, verifier_a2, kadis,
                                                     verifier_kecamatan_b, staff_pasuruan, operator_desa_a, task_a):
    url = _detail(task_a.assignment)
    for user, status in ((staff_blora, 200), (verifier_a, 200), (kadis, 200), (verifier_a2, 404),
                         (verifier_kecamatan_b, 404), (staff_pasuruan, 404), (operator_desa_a, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(verifier_a)
    response = client.get(url)
    assert response.context["progress"]["total"] == 1 and response.context["progress"]["pending"] == 1
    assert "households_form" not in response.context  # a verifier does not add tasks


def test_staff_add_complete_proposal_items(client, staff_blora, verifier_a, household_a, household_b, uep):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.PROPOSALS, programme=uep,
                                 year=YEAR)
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    outside = proposal_item(household=household_b, programme=uep, actor=staff_blora)
    client.force_login(staff_blora)
    page = client.get(_detail(assignment))
    assert list(page.context["items_form"].fields["items"].queryset) == [item]  # not the item of district B
    response = client.post(reverse("verification:assignment_add_items", args=[assignment.pk]),
                           {"items": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.SCHEDULED
    response = client.post(reverse("verification:assignment_add_items", args=[assignment.pk]),
                           {"items": [outside.pk]})
    assert response.status_code == 400 and response.context["items_form"].errors["items"]


def test_a_verifier_cannot_add_and_another_district_cannot_see(client, verifier_a, verifier_kecamatan_b,
                                                               assignment_a, household_a):
    url = reverse("verification:assignment_add_households", args=[assignment_a.pk])
    client.force_login(verifier_a)
    assert client.post(url, {"kk_numbers": household_a.kk_number}).status_code == 403
    client.force_login(verifier_kecamatan_b)
    assert client.post(url, {"kk_numbers": household_a.kk_number}).status_code == 404
    assert not VervalTask.objects.exists()


def test_staff_add_households_by_kk_number(client, staff_blora, assignment_a, household_a, household_b):
    url = reverse("verification:assignment_add_households", args=[assignment_a.pk])
    client.force_login(staff_blora)
    response = client.post(url, {"kk_numbers": f"{household_a.kk_number}\n3316019999999999"})
    assert response.status_code == 400 and "3316019999999999" in str(response.context["households_form"].errors)
    response = client.post(url, {"kk_numbers": f"{household_b.kk_number}"})
    assert response.status_code == 400  # district B lies outside the assignment's area
    response = client.post(url, {"kk_numbers": f"'{household_a.kk_number}"})
    assert response.status_code == 302
    assert VervalTask.objects.get().household == household_a


def test_staff_upload_a_list_and_see_the_report(client, staff_blora, verifier_a, household_a):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.LIST)
    url = reverse("verification:assignment_import", args=[assignment.pk])
    csv = f"NIK,NAMA,ALAMAT\n{household_a.members.get().nik},Sutrisno,Jati\n123,Salah,x\n".encode()
    client.force_login(staff_blora)
    response = client.post(url, {"upload": SimpleUploadedFile("daftar.csv", csv)})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.matched, report.errors) == (1, 1)
    assert "Baris 3, kolom NIK" in response.content.decode()
    response = client.post(url, {"upload": SimpleUploadedFile("daftar.csv", b"NAMA\nx\n")})
    assert response.status_code == 400 and response.context["import_form"].errors["upload"]


def test_regency_staff_open_an_assignment_of_any_district_of_theirs(client, staff_blora, verifier_kecamatan_b):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_kecamatan_b, region=DISTRICT_B)
    client.force_login(staff_blora)
    assert client.get(_detail(assignment)).status_code == 200
