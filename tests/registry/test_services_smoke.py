from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.models import Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


def test_it_registers_a_household_with_its_head_and_audits_it(household_a, staff_blora):
    head = household_a.members.get()
    assert head.relationship == 1
    assert household_a.member_count == 1
    assert household_a.head_name == "Sutrisno"
    record = household_a.history.get()
    assert record.history_user == staff_blora
    assert record.history_change_reason == "registry.household.created"


def test_it_refuses_a_second_head(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Kepala Dua", relationship=1)
    with pytest.raises(ApplicationError) as exc:
        services.person_add(actor=staff_blora, household=household_a, data=data)
    assert exc.value.field == "relationship"
    assert household_a.members.count() == 1


def test_a_birth_date_that_disagrees_with_the_nik_becomes_a_review_flag(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti", sex="P", birth_date=date(2001, 3, 4))
    data["birth_date"] = date(2001, 3, 5)
    person = services.person_add(actor=staff_blora, household=household_a, data=data)
    flag = ReviewFlag.objects.get(person=person)
    assert flag.code == "nik_birthdate_mismatch"
    household_a.refresh_from_db()
    assert household_a.open_flag_count == 1
    services.person_update(actor=staff_blora, person=person, data={"birth_date": date(2001, 3, 4)})
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert Person.objects.get(pk=person.pk).history.count() == 2
