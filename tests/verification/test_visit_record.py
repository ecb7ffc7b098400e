"""visit_record: who may record, what an outcome needs, photos and location; removals wait for confirmation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.registry import codes
from berdaya.registry.models import Household
from berdaya.verification import services
from berdaya.verification.models import Outcome, VervalTask, Visit, VisitPhoto
from tests import factories
from tests.conftest import VILLAGE_A
from tests.factories import audit_trail
from tests.verification.conftest import add_member, photo


def _record(actor, task, outcome=Outcome.ELIGIBLE, **extra):
    return services.visit_record(actor=actor, task=task, visited_on=extra.pop("visited_on", date.today()),
                                 outcome=outcome, **extra)


def test_the_verifier_records_an_eligible_visit_with_photos_and_location(verifier_a, task_a, private_root):
    visit = _record(verifier_a, task_a, notes="Rumah bambu", latitude="-6.9701234", longitude="111.4183",
                    accuracy="12.6", photos=[photo("depan.png"), photo("dapur.png", "blue")])
    task_a.refresh_from_db()
    assert (task_a.state, task_a.outcome, visit.confirmation) == ("done", "eligible", "not_needed")
    assert (visit.latitude, visit.longitude, visit.location_accuracy_m) == (Decimal("-6.970123"),
                                                                           Decimal("111.418300"), 13)
    stored = [p.document for p in VisitPhoto.objects.filter(visit=visit).select_related("document")]
    assert [d.original_name for d in stored] == ["depan.png", "dapur.png"]
    assert {d.kind for d in stored} == {Document.Kind.PHOTO} and {d.region_id for d in stored} == {VILLAGE_A}
    assert all((private_root / d.path).is_file() for d in stored)
    assert [a for a, _who in audit_trail(Visit, id=visit.pk)] == ["verification.visit.recorded",
                                                                  "verification.visit.applied"]


@pytest.mark.parametrize("outcome", [Outcome.NOT_FOUND, Outcome.MOVED])
def test_a_removal_outcome_waits_for_confirmation_and_touches_nothing_yet(verifier_a, task_a, household_a, outcome):
    before = factories.audit_counts()
    visit = _record(verifier_a, task_a, outcome)
    task_a.refresh_from_db()
    assert (visit.confirmation, visit.applied_at) == ("pending", None)
    assert (task_a.state, task_a.outcome) == ("awaiting", "")
    assert factories.audit_counts() == before  # the registry is unchanged


def test_another_verifier_of_the_same_district_may_not_record(verifier_a2, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a2, task_a)
    assert exc.value.code == "forbidden"


def test_a_verifier_of_another_district_may_not_record(verifier_kecamatan_b, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_kecamatan_b, task_a)
    assert exc.value.code == "forbidden"
    assert not Visit.objects.exists()


def test_dinsos_staff_of_the_area_may_record_in_the_verifiers_place(staff_blora, task_a):
    assert _record(staff_blora, task_a).verifier == staff_blora


def test_the_head_of_office_and_the_auditor_may_not_record(kadis, auditor_blora, task_a):
    for actor in (kadis, auditor_blora):
        with pytest.raises(ApplicationError):
            _record(actor, task_a)


def test_a_task_waiting_for_confirmation_cannot_be_visited_again(verifier_a, task_a):
    _record(verifier_a, task_a, Outcome.NOT_FOUND)
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a)
    assert exc.value.code == "state"


def test_a_visit_cannot_be_dated_in_the_future(verifier_a, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, visited_on=date.today() + timedelta(days=1))
    assert exc.value.field == "visited_on"


def test_not_eligible_needs_a_reason_and_other_needs_notes(verifier_a, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.NOT_ELIGIBLE)
    assert exc.value.field == "reason"
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.NOT_ELIGIBLE, reason="other")
    assert exc.value.field == "notes"
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.ELIGIBLE, reason="well_off")
    assert exc.value.field == "reason"
    assert _record(verifier_a, task_a, Outcome.NOT_ELIGIBLE, reason="civil_servant").reason == "civil_servant"


def test_deceased_needs_a_living_member_of_this_household(staff_blora, verifier_a, task_a, household_a, household_b):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.DECEASED)
    assert exc.value.field == "person"
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.DECEASED, person=household_b.members.get())
    assert exc.value.field == "person"
    wife = add_member(household_a, actor=staff_blora)
    assert _record(verifier_a, task_a, Outcome.DECEASED, person=wife).person == wife


def test_a_member_is_only_named_for_deceased_or_moved(verifier_a, task_a, household_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.ELIGIBLE, person=household_a.members.get())
    assert exc.value.field == "person"


def test_duplicate_needs_another_household_the_verifier_can_see(staff_blora, verifier_a, task_a, household_a,
                                                               household_b):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.DUPLICATE)
    assert exc.value.field == "duplicate_of"
    with pytest.raises(ApplicationError):
        _record(verifier_a, task_a, Outcome.DUPLICATE, duplicate_of=household_a)
    with pytest.raises(ApplicationError):  # district B lies outside the verifier's registry scope
        _record(verifier_a, task_a, Outcome.DUPLICATE, duplicate_of=household_b)
    other = factories.household(actor=staff_blora, village=VILLAGE_A)
    assert _record(verifier_a, task_a, Outcome.DUPLICATE, duplicate_of=other).duplicate_of == other


def test_indicator_changes_are_checked(verifier_a, task_a):
    with pytest.raises(ApplicationError):
        _record(verifier_a, task_a, indicator_changes={"kk_number": "1"})
    with pytest.raises(ApplicationError):
        _record(verifier_a, task_a, indicator_changes={"c01_floor_area_small": "ya"})
    with pytest.raises(ApplicationError):
        _record(verifier_a, task_a, indicator_changes={"monthly_income": -5})


def test_a_location_outside_the_earth_is_refused(verifier_a, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, latitude="95", longitude="111")
    assert exc.value.field == "latitude"


def test_a_photo_that_is_not_an_image_rolls_the_whole_visit_back(verifier_a, task_a, household_a,
                                                                   private_root):
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not a photo")
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, indicator_changes={"c02_floor_poor": True}, photos=[photo(), fake])
    assert exc.value.field == "photos" and "foto.jpg" in exc.value.message
    task_a.refresh_from_db()
    household_a.refresh_from_db()
    assert (task_a.state, Visit.objects.count(), Document.objects.count()) == ("pending", 0, 0)
    assert household_a.c02_floor_poor is None
    assert not [f for f in private_root.rglob("*") if f.is_file()]  # the good photo's file is removed again


def test_a_refused_visit_keeps_a_file_that_an_earlier_photo_shares(verifier_a, task_a, staff_blora, household_a,
                                                                   private_root):
    from berdaya.verification.models import VervalTask

    other = VervalTask.objects.create(assignment=task_a.assignment, household=factories.household(
        actor=staff_blora, village=VILLAGE_A))
    kept = _record(verifier_a, other, photos=[photo()]).photos.get().document
    with pytest.raises(ApplicationError):
        _record(verifier_a, task_a, photos=[photo(), SimpleUploadedFile("x.jpg", b"not an image")])
    assert (private_root / kept.path).is_file()


def test_too_many_photos_are_refused(verifier_a, task_a):
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, photos=[photo(colour=c) for c in
                                            ("red", "blue", "green", "white", "black", "yellow", "gray")])
    assert exc.value.field == "photos"


def test_a_listed_person_not_in_the_registry_cannot_be_eligible_or_duplicate(staff_blora, verifier_a,
                                                                            assignment_a):
    task = VervalTask.objects.create(assignment=assignment_a, listed_nik="3316015708610001", listed_name="Sarinah")
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task, Outcome.ELIGIBLE)
    assert exc.value.field == "outcome"
    visit = _record(verifier_a, task, Outcome.NOT_FOUND, photos=[photo()])
    assert visit.photos.get().document.region_id == assignment_a.region_id


def test_a_new_family_is_registered_as_a_draft_at_once(verifier_a, task_a):
    data = {"kk_number": factories.kk_for(village=VILLAGE_A), "village": VILLAGE_A, "address": "Dukuh Baru",
            "rt": "004", "rw": "001", "name": "Joko Susilo", "sex": "L", "birth_date": date(1995, 4, 1),
            "nik": factories.nik_for(village=VILLAGE_A, birth_date=date(1995, 4, 1), sex="L")}
    visit = _record(verifier_a, task_a, Outcome.NEW_FAMILY, new_household=data,
                    indicator_changes={"c01_floor_area_small": True, "monthly_income": 400_000})
    household = Household.objects.get(kk_number=data["kk_number"])
    assert visit.new_household == household
    assert (household.status, household.head_name, household.c01_floor_area_small, household.monthly_income) == (
        codes.HouseholdStatus.DRAFT, "Joko Susilo", True, 400_000)
    assert audit_trail(Household, id=household.pk) == [("registry.household.created", "verifikator_a")]


def test_a_new_family_with_a_bad_kk_is_refused_on_the_new_family_field(verifier_a, task_a):
    data = {"kk_number": "123", "village": VILLAGE_A, "address": "Dukuh Baru", "name": "Joko", "sex": "L",
            "birth_date": date(1995, 4, 1), "nik": ""}
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.NEW_FAMILY, new_household=data)
    assert exc.value.field == "new_kk_number"
    assert not Visit.objects.exists()


def test_a_new_family_must_live_inside_the_area(verifier_a, task_a):
    data = {"kk_number": factories.kk_for(village="33.16.02.2001"), "village": "33.16.02.2001",
            "address": "Randu", "name": "Joko", "sex": "L", "birth_date": date(1995, 4, 1), "nik": ""}
    with pytest.raises(ApplicationError) as exc:
        _record(verifier_a, task_a, Outcome.NEW_FAMILY, new_household=data)
    assert exc.value.field == "new_village"
