"""Authorisation matrix: every role, assigned to region A, against every registry page.

- Region B — another district of Blora (33.16.02) and Kota Pasuruan (35.75) — does not exist for them: not listed,
  not found by exact NIK or KK, and every page about one of its households, members or flags answers 404 (GET and
  POST), with the database unchanged.
- Inside their own region, a role without the edit permission (the auditor above all) gets 403 on every page that
  changes data, GET and POST, and the database stays unchanged.
- Positive controls: the same requests by an editing role in its own region succeed, so the payloads are real.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, Role
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import DISTRICT_A, DISTRICT_B, PASURUAN, VILLAGE_A, VILLAGE_B, VILLAGE_P

# Region A per role: a village for the people who work in one, a district for the others.
ROLE_REGION = {
    Role.ADMIN: DISTRICT_A,
    Role.DINSOS_STAFF: DISTRICT_A,
    Role.HEAD_OF_OFFICE: DISTRICT_A,
    Role.VILLAGE_OPERATOR: VILLAGE_A,
    Role.VERIFIER: DISTRICT_A,
    Role.MENTOR: VILLAGE_A,
    Role.PARTNER: DISTRICT_A,
    Role.AUDITOR: DISTRICT_A,
}
ROLES = list(ROLE_REGION)
EDITORS = [r for r in ROLES if Perm.REGISTRY_EDIT in ROLE_PERMISSIONS[r]]
READ_ONLY = [r for r in ROLES if r not in EDITORS]

# (url name, what its pk is, methods)
PAGES = [
    ("household_detail", "household", ("get",)),
    ("household_history", "household", ("get",)),
    ("household_edit", "household", ("get", "post")),
    ("household_set_head", "household", ("get", "post")),
    ("person_add", "household", ("get", "post")),
    ("person_edit", "person", ("get", "post")),
    ("person_move", "person", ("get", "post")),
    ("person_status", "person", ("get", "post")),
    ("flag_resolve", "flag", ("post",)),
]
EDIT_PAGES = [p for p in PAGES if p[0] not in ("household_detail", "household_history")]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages render {% static %}; without collectstatic the manifest storage (DEBUG off) has no entries.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def test_the_matrix_covers_every_role_and_the_auditor_cannot_edit():
    assert {r for r, _label in Role.CHOICES} == set(ROLES)
    assert set(EDITORS) == {Role.ADMIN, Role.DINSOS_STAFF, Role.VILLAGE_OPERATOR}
    assert Role.AUDITOR in READ_ONLY


@dataclass
class Place:
    """A household with a member who has no NIK yet (so it also carries an open review flag)."""

    household: Household
    member: Person
    flag: ReviewFlag

    def pk(self, kind: str) -> int:
        return {"household": self.household.pk, "person": self.member.pk, "flag": self.flag.pk}[kind]


def _place(creator, village, head_name) -> Place:
    household = factories.household(actor=creator, village=village, head_name=head_name)
    member = services.person_add(actor=creator, household=household, data=factories.person_data(
        village=village, name=f"Anak {head_name}", nik="", birth_date=date(2012, 6, 1)))
    return Place(household, member, member.flags.get())


@pytest.fixture
def world(db):
    creator = factories.user_without_password(username="pencipta", role=Role.ADMIN, region=None)
    return {
        "own": _place(creator, VILLAGE_A, "Sutrisno"),
        "own_other": _place(creator, VILLAGE_A, "Bambang"),
        "blora_b": _place(creator, VILLAGE_B, "Darmaji"),
        "pasuruan": _place(creator, VILLAGE_P, "Hasan"),
    }


FOREIGN = ("blora_b", "pasuruan")


def _user(role):
    return factories.user_without_password(username=f"{role}_a", role=role, region=ROLE_REGION[role])


@pytest.fixture(params=ROLES)
def role(request):
    return request.param


def payload(page: str, place: Place, move_to: Place) -> dict:
    """A valid POST for `page` about `place`, as the form would send it."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    member = {"nik": "", "name": "Nama Diubah", "sex": "L", "birth_date": "01/06/2012",
              "relationship": str(Relationship.CHILD), "marital_status": "1", "disability": ""}
    hh = place.household
    return {
        "household_edit": {"hh-kk_number": hh.kk_number, "hh-village": hh.village_id, "hh-address": "Diubah",
                           "hh-rt": "009", "hh-rw": "009"},
        "household_set_head": {"new_head": str(place.member.pk),
                               "former_head_relationship": str(Relationship.OTHER_RELATIVE)},
        "person_add": {**member, "name": "Anggota Baru"},
        "person_edit": member,
        "person_move": {"kk_number": move_to.household.kk_number, "relationship": str(Relationship.OTHER_RELATIVE)},
        "person_status": {"status": "moved_out", "date": today, "note": "Pindah ke Surabaya"},
        "flag_resolve": {"note": "Sudah dicek dengan KTP asli"},
    }[page]


def snapshot():
    """Every registry row and audit count: a refused request must leave all of it as it was."""
    return ([tuple(r.values()) for r in Household.objects.order_by("pk").values()],
            [tuple(r.values()) for r in Person.objects.order_by("pk").values()],
            [tuple(r.values()) for r in ReviewFlag.objects.order_by("pk").values()],
            factories.audit_counts())


def _detail_link(place: Place) -> str:
    return f'href="{reverse("registry:household_detail", args=[place.household.pk])}"'


# --- Region B does not exist for a user of region A ------------------------------------------------------------


def test_the_list_shows_region_a_and_nothing_of_region_b(client, world, role):
    client.force_login(_user(role))
    for query in ({}, {"q": ""}, {"flagged": "1"}):
        body = client.get(reverse("registry:household_list"), query).content.decode()
        assert _detail_link(world["own"]) in body
        for name in FOREIGN:
            assert _detail_link(world[name]) not in body


@pytest.mark.parametrize("htmx", [False, True])
def test_an_exact_nik_or_kk_of_region_b_finds_nothing_while_region_a_is_found(client, world, role, htmx):
    client.force_login(_user(role))
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("registry:household_list")

    def found(place, q):
        return _detail_link(place) in client.get(url, {"q": q}, headers=headers).content.decode()

    own_head = world["own"].household.members.get(relationship=Relationship.HEAD)
    assert found(world["own"], world["own"].household.kk_number)
    assert found(world["own"], own_head.nik)
    for name in FOREIGN:
        place = world[name]
        head = place.household.members.get(relationship=Relationship.HEAD)
        assert not found(place, place.household.kk_number)
        assert not found(place, head.nik)
        assert not found(place, head.name)


def test_filtering_on_region_b_shows_nothing(client, world, role):
    client.force_login(_user(role))
    for region in (DISTRICT_B, VILLAGE_B, PASURUAN, VILLAGE_P):
        body = client.get(reverse("registry:household_list"), {"region": region}).content.decode()
        for name in FOREIGN:
            assert _detail_link(world[name]) not in body


@pytest.mark.parametrize(("page", "kind", "methods"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_about_region_b_answers_404_and_changes_nothing(client, world, role, page, kind, methods):
    client.force_login(_user(role))
    before = snapshot()
    for name in FOREIGN:
        place = world[name]
        url = reverse(f"registry:{page}", args=[place.pk(kind)])
        for method in methods:
            data = payload(page, place, move_to=world["own"]) if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (role, page, name, method, response.status_code)
    assert snapshot() == before


def test_a_household_cannot_be_registered_in_region_b(client, world, role):
    client.force_login(_user(role))
    before = snapshot()
    for village in (VILLAGE_B, VILLAGE_P):
        client.post(reverse("registry:household_create"), household_create_payload(village))
    assert snapshot() == before


def household_create_payload(village: str) -> dict:
    head = factories.person_data(village=village, name="Kepala Baru")
    return {"hh-kk_number": factories.kk_for(village=village), "hh-village": village, "hh-address": "Jl. Baru 1",
            "head-nik": head["nik"], "head-name": head["name"], "head-sex": head["sex"],
            "head-birth_date": head["birth_date"].strftime("%d/%m/%Y"), "head-marital_status": "2",
            "head-disability": ""}


# --- Inside region A without the edit permission: 403, nothing changes ------------------------------------------


@pytest.mark.parametrize("read_only_role", READ_ONLY)
def test_a_role_without_edit_permission_gets_403_on_every_change_in_its_own_region(client, world, read_only_role):
    client.force_login(_user(read_only_role))
    place = world["own"]
    before = snapshot()
    for page, kind, methods in EDIT_PAGES:
        url = reverse(f"registry:{page}", args=[place.pk(kind)])
        for method in methods:
            data = payload(page, place, move_to=world["own_other"]) if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (read_only_role, page, method, response.status_code)
    create = reverse("registry:household_create")
    assert client.get(create).status_code == 403
    assert client.post(create, household_create_payload(VILLAGE_A)).status_code == 403
    assert snapshot() == before


def test_the_auditor_reads_the_household_and_its_history_but_is_offered_no_change(client, world):
    client.force_login(_user(Role.AUDITOR))
    place = world["own"]
    detail = client.get(reverse("registry:household_detail", args=[place.household.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    for page, kind, _methods in EDIT_PAGES:
        assert reverse(f"registry:{page}", args=[place.pk(kind)]) not in body
    assert client.get(reverse("registry:household_history", args=[place.household.pk])).status_code == 200


@pytest.mark.parametrize("role_", ROLES)
def test_the_history_is_shown_only_to_roles_that_hold_the_history_permission(client, world, role_):
    client.force_login(_user(role_))
    response = client.get(reverse("registry:household_history", args=[world["own"].household.pk]))
    assert response.status_code == (200 if Perm.REGISTRY_HISTORY in ROLE_PERMISSIONS[role_] else 403)


# --- Positive controls: the same requests succeed for an editor in its own region ------------------------------


@pytest.mark.parametrize("editor", EDITORS)
@pytest.mark.parametrize(("page", "kind"), [(p, k) for p, k, m in EDIT_PAGES], ids=[p[0] for p in EDIT_PAGES])
def test_an_editor_in_its_own_region_can_do_what_region_b_was_refused(client, world, editor, page, kind):
    client.force_login(_user(editor))
    place = world["own"]
    url = reverse(f"registry:{page}", args=[place.pk(kind)])
    if page != "flag_resolve":
        assert client.get(url).status_code == 200
    before = snapshot()
    response = client.post(url, payload(page, place, move_to=world["own_other"]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert snapshot() != before


@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_can_register_a_household_in_its_own_region(client, world, editor):
    client.force_login(_user(editor))
    data = household_create_payload(VILLAGE_A)
    response = client.post(reverse("registry:household_create"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Household.objects.filter(kk_number=data["hh-kk_number"], village_id=VILLAGE_A).exists()
