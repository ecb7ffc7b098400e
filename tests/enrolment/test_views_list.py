"""enrolment:list_detail, list_rebuild, list_export — the ranked list with its budget, quotas and the registry
changes since approval; rows limited to the user's villages; KK masked without the identity right."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from berdaya.core.identity import mask_number
from berdaya.registry import services as registry


def _url(name, lst):
    return reverse(f"enrolment:{name}", args=[lst.pk])


def test_the_draft_shows_the_ranking_the_budget_and_who_waits(client, staff_blora, draft, families):
    client.force_login(staff_blora)
    response = client.get(_url("list_detail", draft))
    page = response.content.decode()
    assert [e.household.head_name for e in response.context["page"]] == ["Ani", "Budi", "Cici", "Dedi"]
    for text in ("masuk anggaran", "Anggaran tidak cukup", "Rp 10.800.000", "Susun ulang daftar",
                 families[0].kk_number):
        assert text in page, text
    assert "Tetapkan daftar" not in page  # the staff prepare; the head approves


def test_the_head_of_office_is_offered_the_approval(client, kadis, draft):
    client.force_login(kadis)
    page = client.get(_url("list_detail", draft)).content.decode()
    assert _url("list_approve", draft) in page and "Susun ulang daftar" not in page


def test_a_village_operator_sees_only_their_villages_rows_with_the_totals(client, operator_desa_a, draft):
    client.force_login(operator_desa_a)
    response = client.get(_url("list_detail", draft))
    assert [e.household.head_name for e in response.context["page"]] == ["Ani"]
    assert response.context["summary"].fitting == 3


def test_the_kk_is_masked_without_the_identity_right(client, draft, families, monkeypatch):
    from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, Role
    from tests import factories

    # No role holds the enrolment view without identities today: give partners the view alone, for this test.
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PARTNER, frozenset({Perm.ENROLMENT_VIEW}))
    partner = factories.user_without_password(username="mitra_blora", role=Role.PARTNER, region="33.16")
    client.force_login(partner)
    page = client.get(_url("list_detail", draft)).content.decode()
    kk = families[0].kk_number
    assert mask_number(kk) in page and kk not in page
    assert "Susun ulang daftar" not in page


def test_rows_can_be_filtered_and_searched(client, staff_blora, draft):
    client.force_login(staff_blora)
    waiting = client.get(_url("list_detail", draft), {"show": "waiting"}).context["page"]
    assert [e.household.head_name for e in waiting] == ["Dedi"]
    found = client.get(_url("list_detail", draft), {"q": "bud"}).context["page"]
    assert [e.household.head_name for e in found] == ["Budi"]
    partial = client.get(_url("list_detail", draft), {"q": "bud"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Budi" in partial.content


def test_the_approved_list_says_when_the_registry_changed_since(client, staff_blora, approved, families):
    client.force_login(staff_blora)
    page = client.get(_url("list_detail", approved)).content.decode()
    assert "berubah sejak penetapan" not in page and approved.content_hash in page
    registry.household_update(actor=staff_blora, household=families[1], data={"address": "Jl. Pindahan 7"})
    page = client.get(_url("list_detail", approved)).content.decode()
    assert "Data registri 1 penerima berubah sejak penetapan." in page
    assert "2. Budi" in page and "(alamat)" in page


def test_staff_rebuild_a_draft_with_new_settings(client, staff_blora, draft):
    client.force_login(staff_blora)
    response = client.post(_url("list_rebuild", draft), {"start_month": 1, "quotas": "33.16.02 = 1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.quotas == {"33.16.02": 1}
    assert list(draft.enrolments.order_by("rank").values_list("household__head_name", "fits")) == [
        ("Ani", True), ("Budi", True), ("Cici", True), ("Dedi", False)]


def test_the_export_holds_the_rows_the_user_may_see(client, staff_blora, operator_desa_a, approved, families):
    client.force_login(staff_blora)
    response = client.get(_url("list_export", approved))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("PERINGKAT", "NOMOR_SK", "NO_KK", "KEPALA_KELUARGA")
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        (1, 1, families[0].kk_number, "Ani"), (2, 2, families[1].kk_number, "Budi"),
        (3, 3, families[2].kk_number, "Cici"), (4, None, families[3].kk_number, "Dedi")]
    client.force_login(operator_desa_a)
    sheet = load_workbook(BytesIO(b"".join(client.get(_url("list_export", approved)).streaming_content))).active
    assert [r[3] for r in list(sheet.iter_rows(values_only=True))[1:]] == ["Ani"]


def test_other_regions_do_not_find_the_list_and_other_roles_may_not_change_it(
        client, staff_pasuruan, auditor_blora, mentor_blora, draft):
    client.force_login(staff_pasuruan)
    for name in ("list_detail", "list_export"):
        assert client.get(_url(name, draft)).status_code == 404
    assert client.post(_url("list_rebuild", draft), {"start_month": 1}).status_code == 404
    client.force_login(auditor_blora)
    assert client.get(_url("list_detail", draft)).status_code == 200
    assert client.post(_url("list_rebuild", draft), {"start_month": 1}).status_code == 403
    client.force_login(mentor_blora)
    assert client.get(_url("list_detail", draft)).status_code == 403
