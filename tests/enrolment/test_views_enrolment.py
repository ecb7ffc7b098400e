"""enrolment:enrolment_detail, enrolment_status, enrolment_drop — one household's place: its transitions, the frozen
data next to the registry now, the status form (managers) and dropping it from a draft."""

from django.urls import reverse

from berdaya.enrolment.models import EnrolmentStatus, EnrolmentTransition
from berdaya.registry import services as registry

S = EnrolmentStatus


def _url(name, enrolment):
    return reverse(f"enrolment:{name}", args=[enrolment.pk])


def test_the_page_shows_the_frozen_data_next_to_the_registry_now(client, staff_blora, approved, families):
    ani = approved.enrolments.get(number=1)
    client.force_login(staff_blora)
    page = client.get(_url("enrolment_detail", ani)).content.decode()
    assert "sama dengan saat ditetapkan" in page and ani.snapshot_hash in page
    registry.household_update(actor=staff_blora, household=families[0], data={"address": "Jl. Baru 9"})
    response = client.get(_url("enrolment_detail", ani))
    page = response.content.decode()
    assert "berubah sejak penetapan" in page and "Jl. Baru 9" in page and "Jl. Raya Jati No. 3" in page
    assert [f.name for f in response.context["fields"] if f.changed] == ["address"]


def test_staff_activate_then_suspend_with_a_reason(client, staff_blora, approved):
    ani = approved.enrolments.get(number=1)
    client.force_login(staff_blora)
    assert client.post(_url("enrolment_status", ani), {"to_status": S.ACTIVE}).status_code == 302
    response = client.post(_url("enrolment_status", ani), {"to_status": S.SUSPENDED})
    assert response.status_code == 400 and "Alasan wajib diisi." in response.content.decode()
    client.post(_url("enrolment_status", ani), {"to_status": S.SUSPENDED, "reason": "Tidak hadir pertemuan",
                                                "document_ref": "BA/7"})
    ani.refresh_from_db()
    assert ani.status == S.SUSPENDED
    assert list(EnrolmentTransition.objects.filter(enrolment=ani).order_by("pk").values_list(
        "to_status", flat=True)) == [S.APPROVED, S.ACTIVE, S.SUSPENDED]
    assert "Tidak hadir pertemuan" in client.get(_url("enrolment_detail", ani)).content.decode()


def test_a_move_the_table_refuses_is_an_error_on_the_form(client, staff_blora, approved):
    ani = approved.enrolments.get(number=1)
    client.force_login(staff_blora)
    response = client.post(_url("enrolment_status", ani), {"to_status": S.GRADUATED, "reason": "x"})
    assert response.status_code == 400  # approved -> graduated is not offered, nor allowed
    ani.refresh_from_db()
    assert ani.status == S.APPROVED


def test_staff_drop_a_draft_row_and_the_next_one_moves_into_the_budget(client, staff_blora, draft):
    budi = draft.enrolments.get(rank=2)
    client.force_login(staff_blora)
    assert "Keluarkan dari daftar draf" in client.get(_url("enrolment_detail", budi)).content.decode()
    response = client.post(_url("enrolment_drop", budi), {"reason": "Sudah menerima PKH"})
    assert response.status_code == 302
    assert list(draft.enrolments.order_by("rank").values_list("household__head_name", "status", "fits")) == [
        ("Ani", S.DRAFT, True), ("Budi", S.DROPPED, None), ("Cici", S.DRAFT, True), ("Dedi", S.DRAFT, True)]


def test_other_regions_get_404_and_other_roles_403(client, staff_pasuruan, auditor_blora, operator_desa_a,
                                                   mentor_blora, approved, draft):
    ani, budi = approved.enrolments.get(number=1), approved.enrolments.get(number=2)  # villages A and B
    client.force_login(staff_pasuruan)
    assert client.get(_url("enrolment_detail", ani)).status_code == 404
    assert client.post(_url("enrolment_status", ani), {"to_status": S.ACTIVE}).status_code == 404
    assert client.post(_url("enrolment_drop", ani), {"reason": "x"}).status_code == 404
    client.force_login(operator_desa_a)
    assert client.get(_url("enrolment_detail", ani)).status_code == 200
    assert client.get(_url("enrolment_detail", budi)).status_code == 404  # village B
    assert client.post(_url("enrolment_status", ani), {"to_status": S.ACTIVE}).status_code == 403
    client.force_login(auditor_blora)
    assert client.post(_url("enrolment_status", ani), {"to_status": S.ACTIVE}).status_code == 403
    client.force_login(mentor_blora)
    assert client.get(_url("enrolment_detail", ani)).status_code == 403
    ani.refresh_from_db()
    assert ani.status == S.APPROVED
