"""services.person_mark_deceased / person_mark_moved_out: dated, never in the future, audited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import PersonStatus, Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def grandmother(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Mbah Painem", sex="P", birth_date=date(1940, 2, 2),
                                 relationship=Relationship.PARENT, nik="")
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def test_marking_a_member_deceased_keeps_the_record_with_its_date_and_note(grandmother, operator_desa_a):
    services.person_mark_deceased(actor=operator_desa_a, person=grandmother, on=date(2026, 3, 1),
                                  note="Surat kematian desa 12/2026")
    grandmother.refresh_from_db()
    assert (grandmother.status, grandmother.status_date, grandmother.status_note) == (
        PersonStatus.DECEASED, date(2026, 3, 1), "Surat kematian desa 12/2026")
    assert Household.objects.get(pk=grandmother.household_id).member_count == 1


@pytest.mark.parametrize(("mark", "action", "status"), [
    (services.person_mark_deceased, "registry.person.deceased", PersonStatus.DECEASED),
    (services.person_mark_moved_out, "registry.person.moved_out", PersonStatus.MOVED_OUT),
])
def test_the_status_change_is_audited_with_the_actor(grandmother, operator_desa_a, mark, action, status):
    mark(actor=operator_desa_a, person=grandmother, on=date(2026, 3, 1))
    assert factories.audit_trail(Person, id=grandmother.pk)[-1] == (action, "operator_desa_a")
    assert Person.objects.get(pk=grandmother.pk).status == status


def test_the_open_flags_of_a_member_who_died_are_closed_and_audited(grandmother, operator_desa_a):
    flag = ReviewFlag.objects.get(person=grandmother)
    services.person_mark_deceased(actor=operator_desa_a, person=grandmother, on=date(2026, 3, 1))
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert factories.audit_trail(ReviewFlag, id=flag.pk)[-1] == ("registry.flag.resolved", "operator_desa_a")
    assert Household.objects.get(pk=grandmother.household_id).open_flag_count == 0


def test_a_date_in_the_future_is_refused(grandmother, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_mark_deceased(actor=staff_blora, person=grandmother,
                                      on=timezone.localdate() + timedelta(days=1))
    assert exc.value.field == "date"
    assert Person.objects.get(pk=grandmother.pk).is_alive


def test_a_date_before_the_birth_is_refused(grandmother, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_mark_moved_out(actor=staff_blora, person=grandmother, on=date(1939, 12, 31))
    assert exc.value.field == "date"


def test_a_member_who_is_no_longer_alive_cannot_be_marked_again(grandmother, staff_blora):
    services.person_mark_deceased(actor=staff_blora, person=grandmother, on=date(2026, 3, 1))
    before = factories.audit_counts()
    with pytest.raises(ApplicationError):
        services.person_mark_moved_out(actor=staff_blora, person=grandmother, on=date(2026, 3, 2))
    assert factories.audit_counts() == before


def test_the_auditor_cannot_change_a_status(grandmother, auditor_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_mark_deceased(actor=auditor_blora, person=grandmother, on=date(2026, 3, 1))
    assert exc.value.code == "forbidden"
