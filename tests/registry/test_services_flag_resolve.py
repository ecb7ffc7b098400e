"""services.flag_resolve: a person closes a review flag with a note; audited; not reopened for the same finding."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.models import Household, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def flag(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti", sex="P", birth_date=date(2001, 3, 4))
    data["birth_date"] = date(2001, 3, 5)
    person = services.person_add(actor=staff_blora, household=household_a, data=data)
    return ReviewFlag.objects.get(person=person)


def test_resolving_records_who_when_and_why(flag, operator_desa_a):
    services.flag_resolve(actor=operator_desa_a, flag=flag, note="  Akta kelahiran: 5 Maret 2001 benar. ")
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert (flag.resolved_by, flag.resolution_note) == (operator_desa_a, "Akta kelahiran: 5 Maret 2001 benar.")
    assert Household.objects.get(pk=flag.household_id).open_flag_count == 0


def test_resolving_is_audited_with_the_actor(flag, operator_desa_a):
    services.flag_resolve(actor=operator_desa_a, flag=flag, note="Dicek")
    assert factories.audit_trail(ReviewFlag, id=flag.pk) == [
        ("registry.flag.opened", "staf_blora"), ("registry.flag.resolved", "operator_desa_a")]


def test_a_note_is_required(flag, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.flag_resolve(actor=staff_blora, flag=flag, note="   ")
    assert exc.value.field == "note"
    assert ReviewFlag.objects.get(pk=flag.pk).resolved_at is None


def test_a_resolved_flag_cannot_be_resolved_again(flag, staff_blora):
    services.flag_resolve(actor=staff_blora, flag=flag, note="Dicek")
    with pytest.raises(ApplicationError):
        services.flag_resolve(actor=staff_blora, flag=flag, note="Lagi")


def test_an_accepted_finding_is_not_reopened_when_the_member_is_edited_again(flag, staff_blora):
    services.flag_resolve(actor=staff_blora, flag=flag, note="Akta kelahiran dicek")
    services.person_update(actor=staff_blora, person=flag.person, data={"phone": "08123"})
    assert not ReviewFlag.objects.filter(person=flag.person, resolved_at__isnull=True).exists()


def test_only_users_who_may_edit_the_village_can_resolve(flag, auditor_blora, operator_desa_b, kadis):
    for actor in (auditor_blora, operator_desa_b, kadis):
        with pytest.raises(ApplicationError) as exc:
            services.flag_resolve(actor=actor, flag=flag, note="Dicek")
        assert exc.value.code == "forbidden"
    assert ReviewFlag.objects.get(pk=flag.pk).resolved_at is None
