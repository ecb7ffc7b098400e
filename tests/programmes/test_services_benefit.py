"""Components (PKH) and kits (UEP): edited by the programme's office, kits kept within the value per family."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.programmes import services
from berdaya.programmes.models import BenefitComponent, BenefitKit, KitItem
from tests import factories


@pytest.fixture
def kiosk(staff_blora, uep):
    return services.kit_create(actor=staff_blora, programme=uep, business_type="kiosk", name="Warung kelontong")


def test_saving_a_component_with_an_existing_code_changes_it(staff_blora, programme):
    services.component_save(actor=staff_blora, programme=programme, code="lansia", name="Lansia",
                            amount_per_year=2_400_000, cap_per_family=1)
    services.component_save(actor=staff_blora, programme=programme, code="lansia", name="Lansia 70+",
                            amount_per_year=2_600_000, cap_per_family=1)
    component = BenefitComponent.objects.get()
    assert (component.name, component.amount_per_year) == ("Lansia 70+", 2_600_000)
    assert [a for a, _u in factories.audit_trail(BenefitComponent, id=component.pk)] == [
        "programmes.component.created", "programmes.component.updated"]


@pytest.mark.parametrize(("field", "values"), [
    ("code", {"code": "Lansia 70"}), ("amount_per_year", {"amount_per_year": -1}),
    ("cap_per_family", {"cap_per_family": 0}), ("name", {"name": "  "}),
])
def test_it_refuses_a_malformed_component(staff_blora, programme, field, values):
    data = {"code": "lansia", "name": "Lansia", "amount_per_year": 2_400_000, "cap_per_family": 1} | values
    with pytest.raises(ApplicationError) as err:
        services.component_save(actor=staff_blora, programme=programme, **data)
    assert err.value.field == field


def test_only_the_programmes_office_edits_its_components(staff_pasuruan, kadis, programme):
    for actor in (staff_pasuruan, kadis):
        with pytest.raises(ApplicationError):
            services.component_save(actor=actor, programme=programme, code="sd", name="SD", amount_per_year=1)
    assert not BenefitComponent.objects.exists()


def test_a_component_can_be_deleted_with_an_audit_record(staff_blora, programme):
    component = services.component_save(actor=staff_blora, programme=programme, code="sd", name="SD",
                                        amount_per_year=900_000)
    pk = component.pk
    services.component_delete(actor=staff_blora, component=component)
    assert not BenefitComponent.objects.exists()
    assert factories.audit_trail(BenefitComponent, id=pk)[-1] == (
        "programmes.component.deleted", "staf_blora")


def test_items_are_added_and_removed(staff_blora, kiosk):
    case = services.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase kaca", quantity=1, unit="unit",
                                 unit_price=900_000)
    services.kit_item_add(actor=staff_blora, kit=kiosk, name="Lemari es", quantity=1, unit="unit",
                          unit_price=1_450_000)
    assert kiosk.total == 2_350_000
    services.kit_item_remove(actor=staff_blora, item=case)
    assert list(kiosk.items.values_list("name", flat=True)) == ["Lemari es"]


def test_a_kit_may_not_cost_more_than_the_benefit_per_family(staff_blora, kiosk):
    services.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase", quantity=1, unit="unit",
                          unit_price=2_000_000)
    with pytest.raises(ApplicationError) as err:
        services.kit_item_add(actor=staff_blora, kit=kiosk, name="Lemari es", quantity=1, unit="unit",
                              unit_price=1_450_000)
    assert err.value.code == "over_cap"
    assert "Rp 3.450.000" in err.value.message and "Rp 2.500.000" in err.value.message
    assert kiosk.items.count() == 1


def test_the_same_item_is_not_listed_twice_in_a_kit(staff_blora, kiosk):
    services.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase", quantity=1, unit="unit", unit_price=1)
    with pytest.raises(ApplicationError) as err:
        services.kit_item_add(actor=staff_blora, kit=kiosk, name="etalase", quantity=2, unit="unit", unit_price=1)
    assert err.value.code == "duplicate"


@pytest.mark.parametrize(("field", "values"), [
    ("quantity", {"quantity": 0}), ("unit_price", {"unit_price": -5}), ("unit", {"unit": ""}),
    ("name", {"name": ""}),
])
def test_it_refuses_a_malformed_item(staff_blora, kiosk, field, values):
    data = {"name": "Etalase", "quantity": 1, "unit": "unit", "unit_price": 900_000} | values
    with pytest.raises(ApplicationError) as err:
        services.kit_item_add(actor=staff_blora, kit=kiosk, **data)
    assert err.value.field == field


def test_one_kit_per_business_type(staff_blora, uep, kiosk):
    with pytest.raises(ApplicationError) as err:
        services.kit_create(actor=staff_blora, programme=uep, business_type="kiosk", name="Kios lain")
    assert err.value.code == "duplicate"


def test_deleting_a_kit_deletes_its_items(staff_blora, kiosk):
    services.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase", quantity=1, unit="unit", unit_price=1)
    services.kit_delete(actor=staff_blora, kit=kiosk)
    assert not BenefitKit.objects.exists() and not KitItem.objects.exists()


def test_another_office_cannot_touch_the_kits(staff_pasuruan, staff_blora, kiosk):
    item = services.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase", quantity=1, unit="unit",
                                 unit_price=1)
    for call in (lambda: services.kit_item_remove(actor=staff_pasuruan, item=item),
                 lambda: services.kit_delete(actor=staff_pasuruan, kit=kiosk),
                 lambda: services.kit_item_add(actor=staff_pasuruan, kit=kiosk, name="X", quantity=1, unit="u",
                                               unit_price=1)):
        with pytest.raises(ApplicationError):
            call()
    assert KitItem.objects.count() == 1
