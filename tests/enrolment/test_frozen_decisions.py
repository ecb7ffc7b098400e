"""Frozen decisions: later registry edits never change an approved snapshot or its hash; registry_changed_since
finds exactly the approved households whose data changed (a field, a member added, a member moved away)."""

from datetime import date

import pytest

from berdaya.enrolment import services
from berdaya.enrolment.snapshot import content_hash_of, snapshot_hash_of
from berdaya.registry import services as registry
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, allocate, approve, build, family


@pytest.fixture(autouse=True)
def _no_decree(settings):
    settings.BERDAYA_DECREE_INLINE_MAX = 0


@pytest.fixture
def approved(staff_blora, kadis, blt, apbn, score_model):
    allocate(staff_blora, blt, apbn, 3 * PER_YEAR)
    made = [family(staff_blora, score_model, VILLAGE_A if i < 2 else VILLAGE_B, name, priority=9 - i)
            for i, name in enumerate(["Ani", "Budi", "Cici"])]
    return approve(kadis, build(staff_blora, blt)), made


def _frozen(lst):
    return list(lst.enrolments.order_by("number").values_list("snapshot", "snapshot_hash"))


def test_registry_edits_leave_the_snapshots_and_hashes_as_approved(staff_blora, approved):
    lst, (ani, budi, cici) = approved
    before, content = _frozen(lst), lst.content_hash
    registry.household_update(actor=staff_blora, household=ani, data={"address": "Jl. Baru 1", "rt": "009"})
    registry.person_add(actor=staff_blora, household=budi, data=factories.person_data(
        village=VILLAGE_A, name="Bayi Budi", birth_date=date(2026, 3, 1)))
    assert _frozen(lst) == before
    lst.refresh_from_db()
    assert lst.content_hash == content == content_hash_of([h for _s, h in before])
    for snapshot, digest in before:
        assert snapshot_hash_of(snapshot) == digest  # anyone can check a stored snapshot against its hash
    assert before[0][0]["household"]["address"] == "Jl. Raya Jati No. 3"


def test_it_lists_the_households_whose_registry_data_changed_since_the_approval(staff_blora, approved):
    lst, (ani, budi, cici) = approved
    assert services.registry_changed_since(lst) == []
    registry.household_update(actor=staff_blora, household=ani, data={"address": "Jl. Baru 1"})
    registry.person_add(actor=staff_blora, household=budi, data=factories.person_data(
        village=VILLAGE_A, name="Bayi Budi", birth_date=date(2026, 3, 1)))
    changes = {c.head_name: c.fields for c in services.registry_changed_since(lst)}
    assert changes == {"Ani": ["address"], "Budi": ["member_count", "vul_pregnant_or_under6", "members"]}


def test_a_member_moving_to_another_family_counts_as_a_change(staff_blora, kadis, blt, apbn, score_model):
    allocate(staff_blora, blt, apbn, PER_YEAR)
    cici = family(staff_blora, score_model, VILLAGE_B, "Cici", priority=9)
    child = registry.person_add(actor=staff_blora, household=cici, data=factories.person_data(
        village=VILLAGE_B, name="Anak Cici", birth_date=date(2000, 1, 1)))
    lst = approve(kadis, build(staff_blora, blt))
    assert [m["name"] for m in lst.enrolments.get().snapshot["members"]] == ["Cici", "Anak Cici"]
    other = factories.household(actor=staff_blora, village=VILLAGE_B, head_name="Keluarga Lain")
    registry.person_move(actor=staff_blora, person=child, to_household=other, relationship=4)
    assert [(c.head_name, "members" in c.fields) for c in services.registry_changed_since(lst)] == [("Cici", True)]


def test_an_edit_that_restores_the_approved_values_is_not_a_change(staff_blora, approved):
    lst, (ani, _budi, _cici) = approved
    registry.household_update(actor=staff_blora, household=ani, data={"address": "Jl. Baru 1"})
    registry.household_update(actor=staff_blora, household=ani, data={"address": "Jl. Raya Jati No. 3"})
    assert services.registry_changed_since(lst) == []
