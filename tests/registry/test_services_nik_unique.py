"""A NIK is unique among living people (service check and database constraint); an empty NIK is allowed."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B

BORN = date(1990, 5, 5)


@pytest.fixture
def siti_a(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti Aminah", sex="P", birth_date=BORN,
                                 relationship=Relationship.WIFE)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


@pytest.fixture
def siti_b_without_nik(household_b, staff_blora):
    """The same woman, registered again in another KK; her NIK was refused as taken, so she was entered without."""
    data = factories.person_data(village=VILLAGE_B, name="Siti Aminah", sex="P", birth_date=BORN, nik="",
                                 relationship=Relationship.OTHER_RELATIVE)
    return services.person_add(actor=staff_blora, household=household_b, data=data)


def test_two_living_people_cannot_share_a_nik(siti_a, household_b, staff_blora):
    data = factories.person_data(village=VILLAGE_B, name="Siti Aminah", sex="P", birth_date=BORN, nik=siti_a.nik)
    with pytest.raises(ApplicationError) as exc:
        services.person_add(actor=staff_blora, household=household_b, data=data)
    assert exc.value.code == "duplicate"


def test_the_database_refuses_a_second_living_person_with_the_same_nik_even_without_the_service(siti_a):
    clone = Person(household_id=siti_a.household_id, nik=siti_a.nik, name="Klon", name_key="klon", sex="P",
                   birth_date=BORN, relationship=Relationship.OTHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_a_record_marked_deceased_no_longer_blocks_the_nik_on_the_living_record(siti_a, siti_b_without_nik,
                                                                                 staff_blora):
    with pytest.raises(ApplicationError):
        services.person_update(actor=staff_blora, person=siti_b_without_nik, data={"nik": siti_a.nik})
    services.person_mark_deceased(actor=staff_blora, person=siti_a, on=date(2026, 2, 1),
                                  note="Rekaman ganda: tercatat meninggal di KK lama")
    services.person_update(actor=staff_blora, person=siti_b_without_nik, data={"nik": siti_a.nik})
    assert Person.objects.get(pk=siti_b_without_nik.pk).nik == siti_a.nik
    assert not siti_b_without_nik.flags.filter(resolved_at__isnull=True).exists()  # the missing-NIK flag closed


def test_a_member_who_moved_out_can_be_registered_in_their_new_family(siti_a, household_b, staff_blora):
    services.person_mark_moved_out(actor=staff_blora, person=siti_a, on=date(2026, 2, 1))
    data = factories.person_data(village=VILLAGE_B, name="Siti Aminah", sex="P", birth_date=BORN, nik=siti_a.nik)
    assert services.person_add(actor=staff_blora, household=household_b, data=data).nik == siti_a.nik
    assert Person.objects.filter(nik=siti_a.nik).count() == 2


def test_many_people_without_a_nik_are_allowed(household_a, staff_blora):
    for name in ("Bayi Satu", "Bayi Dua", "Bayi Tiga"):
        data = factories.person_data(village=VILLAGE_A, name=name, nik="", birth_date=date(2026, 1, 1))
        services.person_add(actor=staff_blora, household=household_a, data=data)
    assert Person.objects.filter(nik="").count() == 3
