"""programmes:components and programmes:kits — the benefit editors (PROGRAMMES_MANAGE over the office)."""

import pytest
from django.urls import reverse

from berdaya.programmes import services
from berdaya.programmes.models import BenefitComponent, BenefitKit, KitItem
from tests.programmes.conftest import login


@pytest.fixture
def kiosk(staff_blora, uep):
    kit = services.kit_create(actor=staff_blora, programme=uep, business_type="kiosk", name="Warung kelontong")
    services.kit_item_add(actor=staff_blora, kit=kit, name="Etalase kaca", quantity=1, unit="unit",
                          unit_price=900_000)
    return kit


def test_staff_add_a_component(client, staff_blora, programme):
    url = reverse("programmes:components", args=[programme.pk])
    response = login(client, staff_blora).post(url, {"code": "lansia", "name": "Lansia 70+",
                                                     "amount_per_year": "2.400.000", "cap_per_family": "1"})
    assert response.status_code == 302
    component = BenefitComponent.objects.get(programme=programme)
    assert (component.amount_per_year, component.cap_per_family) == (2_400_000, 1)
    page = client.get(url).content.decode()
    assert "Lansia 70+" in page and "Rp 2.400.000" in page


def test_a_malformed_component_is_shown_with_its_error(client, staff_blora, programme):
    url = reverse("programmes:components", args=[programme.pk])
    response = login(client, staff_blora).post(url, {"code": "Lansia 70", "name": "Lansia",
                                                     "amount_per_year": "2400000"})
    assert response.status_code == 400
    assert not BenefitComponent.objects.exists()


def test_staff_delete_a_component(client, staff_blora, programme):
    component = services.component_save(actor=staff_blora, programme=programme, code="sd", name="SD",
                                        amount_per_year=900_000)
    response = login(client, staff_blora).post(reverse("programmes:component_delete", args=[component.pk]))
    assert response.status_code == 302
    assert not BenefitComponent.objects.exists()


def test_the_kit_editor_adds_a_kit_and_items(client, staff_blora, uep):
    client = login(client, staff_blora)
    response = client.post(reverse("programmes:kits", args=[uep.pk]),
                           {"business_type": "warung_kopi", "name": "Warung kopi"})
    assert response.status_code == 302
    kit = BenefitKit.objects.get(programme=uep)
    add = reverse("programmes:kit_item_add", args=[kit.pk])
    prefix = f"kit{kit.pk}"
    response = client.post(add, {f"{prefix}-name": "Gelas", f"{prefix}-quantity": "48", f"{prefix}-unit": "buah",
                                 f"{prefix}-unit_price": "5000"})
    assert response.status_code == 302
    page = client.get(reverse("programmes:kits", args=[uep.pk])).content.decode()
    assert "Gelas" in page and "Rp 240.000" in page


def test_an_item_over_the_value_per_family_is_refused_on_the_page(client, staff_blora, kiosk):
    prefix = f"kit{kiosk.pk}"
    response = login(client, staff_blora).post(reverse("programmes:kit_item_add", args=[kiosk.pk]), {
        f"{prefix}-name": "Lemari es besar", f"{prefix}-quantity": "1", f"{prefix}-unit": "unit",
        f"{prefix}-unit_price": "1700000"})
    assert response.status_code == 400
    assert "melebihi nilai bantuan per sasaran" in response.content.decode()
    assert kiosk.items.count() == 1


def test_staff_remove_an_item_and_a_kit(client, staff_blora, kiosk):
    client = login(client, staff_blora)
    item = kiosk.items.get()
    assert client.post(reverse("programmes:kit_item_remove", args=[item.pk])).status_code == 302
    assert not KitItem.objects.exists()
    assert client.post(reverse("programmes:kit_delete", args=[kiosk.pk])).status_code == 302
    assert not BenefitKit.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("kadis", 403), ("auditor_blora", 403), ("staff_pasuruan", 404)])
def test_the_editors_refuse_others(request, client, programme, kiosk, persona, status):
    component = services.component_save(actor=request.getfixturevalue("staff_blora"), programme=programme,
                                        code="sd", name="SD", amount_per_year=900_000)
    item = kiosk.items.get()
    client = login(client, request.getfixturevalue(persona))
    requests = [
        ("get", reverse("programmes:components", args=[programme.pk])),
        ("post", reverse("programmes:components", args=[programme.pk])),
        ("post", reverse("programmes:component_delete", args=[component.pk])),
        ("get", reverse("programmes:kits", args=[kiosk.programme_id])),
        ("post", reverse("programmes:kits", args=[kiosk.programme_id])),
        ("post", reverse("programmes:kit_item_add", args=[kiosk.pk])),
        ("post", reverse("programmes:kit_item_remove", args=[item.pk])),
        ("post", reverse("programmes:kit_delete", args=[kiosk.pk])),
    ]
    for method, url in requests:
        assert getattr(client, method)(url, {"code": "x", "name": "x"}).status_code == status, url
    assert BenefitComponent.objects.count() == 1 and KitItem.objects.count() == 1
