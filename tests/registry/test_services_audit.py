"""Every registry change leaves an audit record with its actor and a namespaced action code (CONVENTIONS.md)."""

from datetime import date

from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.history import ACTION_LABELS
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


def test_a_households_whole_life_is_audited_with_an_action_code_and_the_actor_for_every_change(operator_desa_a):
    actor = operator_desa_a
    household = factories.household(actor=actor, village=VILLAGE_A)
    services.household_update(actor=actor, household=household, data={"address": "Jl. Baru 1"})
    wife = services.person_add(actor=actor, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Sri", sex="P", birth_date=date(1984, 1, 9), relationship=Relationship.WIFE))
    baby = services.person_add(actor=actor, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Bayi", nik="", birth_date=date(2026, 1, 2)))
    services.person_update(actor=actor, person=wife, data={"phone": "0812"})
    services.household_set_head(actor=actor, household=household, new_head=wife,
                                former_head_relationship=Relationship.HUSBAND)
    services.flag_resolve(actor=actor, flag=baby.flags.get(), note="Akta lahir sedang diurus")
    other = factories.household(actor=actor, village=VILLAGE_A, head_name="Bambang")
    son = services.person_add(actor=actor, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Agus", birth_date=date(2000, 1, 1)))
    services.person_move(actor=actor, person=son, to_household=other, relationship=Relationship.OTHER_RELATIVE)
    services.person_mark_moved_out(actor=actor, person=baby, on=date(2026, 2, 1))
    husband = household.members.get(relationship=Relationship.HUSBAND)
    services.person_mark_deceased(actor=actor, person=husband, on=date(2026, 3, 1))
    services.flag_open(actor=actor, household=other, code=ReviewFlag.Code.MOVE_PENDING, message="Pindah ke Cepu")
    Household.objects.filter(pk=other.pk).update(status="draft")
    services.household_activate(actor=actor, household=other)

    records = [*Household.history.all(), *Person.history.all(), *ReviewFlag.history.all()]
    assert {r.history_change_reason for r in records} == {a for a in ACTION_LABELS if a.startswith("registry.")}
    assert {r.history_user_id for r in records} == {actor.pk}
    assert all(r.history_change_reason.startswith("registry.") for r in records)
