"""services.person_update: validated again as a whole, NIK flags kept in step, audited with what changed."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def son(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Agus", birth_date=date(2005, 8, 1),
                                 relationship=Relationship.CHILD)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def test_it_changes_the_member_and_returns_the_changed_fields(son, operator_desa_a):
    changed = services.person_update(actor=operator_desa_a, person=son, data={"name": "Agus Salim", "phone": "0812"})
    assert changed == ["name", "phone"]
    son.refresh_from_db()
    assert (son.name, son.phone, son.name_key) == ("Agus Salim", "0812", "agussalim")


def test_it_writes_an_audit_record_with_the_actor_and_the_action(son, operator_desa_a):
    services.person_update(actor=operator_desa_a, person=son, data={"marital_status": 1})
    assert factories.audit_trail(Person, id=son.pk) == [
        ("registry.person.created", "staf_blora"), ("registry.person.updated", "operator_desa_a")]


def test_saving_without_a_change_writes_no_audit_record(son, staff_blora):
    assert services.person_update(actor=staff_blora, person=son, data={"name": "Agus"}) == []
    assert son.history.count() == 1


def test_correcting_the_birth_date_closes_the_review_flag_and_audits_it(son, operator_desa_a):
    services.person_update(actor=operator_desa_a, person=son, data={"birth_date": date(2005, 8, 2)})
    flag = ReviewFlag.objects.get(person=son, resolved_at__isnull=True)
    assert flag.code == ReviewFlag.Code.NIK_BIRTHDATE_MISMATCH
    services.person_update(actor=operator_desa_a, person=son, data={"birth_date": date(2005, 8, 1)})
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert factories.audit_trail(ReviewFlag, id=flag.pk) == [
        ("registry.flag.opened", "operator_desa_a"), ("registry.flag.resolved", "operator_desa_a")]


def test_removing_the_nik_opens_a_missing_nik_flag(son, staff_blora):
    services.person_update(actor=staff_blora, person=son, data={"nik": ""})
    assert ReviewFlag.objects.get(person=son).code == ReviewFlag.Code.NIK_MISSING


def test_a_nik_of_another_living_person_is_refused(son, household_a, staff_blora):
    head_nik = household_a.members.get(relationship=Relationship.HEAD).nik
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        services.person_update(actor=staff_blora, person=son, data={"nik": head_nik})
    assert exc.value.code == "duplicate"
    assert factories.audit_counts() == before


def test_a_second_head_is_refused(son, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_update(actor=staff_blora, person=son, data={"relationship": Relationship.HEAD})
    assert exc.value.code == "two_heads"


def test_the_head_keeps_the_role_until_another_head_is_set(household_a, staff_blora):
    head = household_a.members.get()
    with pytest.raises(ApplicationError) as exc:
        services.person_update(actor=staff_blora, person=head, data={"relationship": Relationship.HUSBAND})
    assert exc.value.code == "head_change"


def test_a_future_birth_date_is_refused(son, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_update(actor=staff_blora, person=son, data={"birth_date": date(2999, 8, 1)})
    assert exc.value.field == "birth_date"
    assert Person.objects.get(pk=son.pk).birth_date == date(2005, 8, 1)


def test_the_auditor_and_an_operator_of_another_village_cannot_edit(son, auditor_blora, operator_desa_b):
    for actor in (auditor_blora, operator_desa_b):
        with pytest.raises(ApplicationError) as exc:
            services.person_update(actor=actor, person=son, data={"name": "X"})
        assert exc.value.code == "forbidden"
    assert Person.objects.get(pk=son.pk).name == "Agus"
