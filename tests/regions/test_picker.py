"""The cascading region picker: the htmx endpoint, the widget and RegionField's validation."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from berdaya.core.permissions import Perm
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Region
from berdaya.regions.widgets import deepest_code
from tests.conftest import DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B, VILLAGE_P

URL = reverse("regions:picker")


def _picker(client, user, *values, perm=Perm.REGISTRY_VIEW, level="", depth=4):
    client.force_login(user)
    params = {"_name": "region", "_id": "id_region", "_perm": perm, "_depth": depth, "_level": level}
    query = QueryDict(mutable=True)
    query.update(params)
    query.setlist("region", list(values))
    response = client.get(f"{URL}?{query.urlencode()}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def _fixed(html: str) -> set[str]:
    """Levels fixed by the user's scope: shown as text, carried by hidden inputs."""
    return set(re.findall(r'<input type="hidden" name="region" value="([\d.]+)"', html))


def _options(html: str) -> set[str]:
    return set(re.findall(r'<option value="([\d.]+)"', html)) | _fixed(html)


def _selected(html: str) -> set[str]:
    return set(re.findall(r'<option value="([\d.]+)" selected', html)) | _fixed(html)


def test_it_returns_the_children_of_the_chosen_region(client, admin_user):
    html = _picker(client, admin_user, "33", "33.16")
    assert {"33", "35", "33.16", DISTRICT_A, DISTRICT_B} <= _options(html)
    assert _selected(html) == {"33", "33.16"}
    assert "Randublatung" in html
    assert VILLAGE_A not in _options(html)  # no district chosen yet: no villages listed


def test_a_village_operator_sees_only_their_village_preselected(client, operator_desa_a):
    html = _picker(client, operator_desa_a)
    assert _options(html) == {"33", "33.16", DISTRICT_A, VILLAGE_A}
    assert _selected(html) == _fixed(html) == {"33", "33.16", DISTRICT_A, VILLAGE_A}
    assert "Jawa Tengah › Kabupaten Blora › Jati › Bangkleyan" in html
    assert "<select" not in html
    assert 'name="_pick"' not in html  # nothing to choose


def test_a_regency_officer_starts_at_their_regency(client, staff_blora):
    html = _picker(client, staff_blora)
    assert _selected(html) == _fixed(html) == {"33", "33.16"}
    assert "Jawa Tengah › Kabupaten Blora" in html
    assert {"33", "33.16", DISTRICT_A, DISTRICT_B} <= _options(html)
    assert not any(code.startswith("35") or len(code) > 8 for code in _options(html))  # no villages yet
    html = _picker(client, staff_blora, "33", "33.16", DISTRICT_A)
    assert {VILLAGE_A, VILLAGE_A2} <= _options(html)
    assert VILLAGE_B not in _options(html)


@pytest.mark.parametrize("asked", [["35", "35.75"], ["35", "35.75", "35.75.01"], ["33", "33.16", DISTRICT_B]])
def test_it_never_lists_regions_outside_the_users_scope(client, operator_desa_a, asked):
    html = _picker(client, operator_desa_a, *asked)
    assert _options(html) == {"33", "33.16", DISTRICT_A, VILLAGE_A}
    assert "Pasuruan" not in html
    assert "Tlogotuwung" not in html
    assert "Gempol" not in html  # a sibling village of the same district


def test_a_district_verifier_asking_for_another_district_gets_none_of_its_villages(client, verifier_kecamatan_b):
    html = _picker(client, verifier_kecamatan_b, "33", "33.16", DISTRICT_A)
    assert DISTRICT_A not in _options(html)
    assert VILLAGE_A not in _options(html)
    html = _picker(client, verifier_kecamatan_b, "33", "33.16", DISTRICT_B)
    assert VILLAGE_B in _options(html)


def test_the_scope_depends_on_the_permission_asked(client, auditor_blora):
    # The auditor views Blora but may edit nowhere: an edit picker offers nothing.
    assert DISTRICT_A in _options(_picker(client, auditor_blora, perm=Perm.REGISTRY_VIEW))
    assert _options(_picker(client, auditor_blora, perm=Perm.REGISTRY_EDIT)) == set()


def test_each_select_cascades_through_the_endpoint_with_htmx(client, staff_blora):
    html = _picker(client, staff_blora, "33", "33.16", DISTRICT_A)
    assert 'id="id_region_picker"' in html
    assert 'hx-target="#id_region_picker"' in html
    assert f'hx-get="{URL}?' in html
    assert html.count('<select name="region"') == 2  # district and village; province and regency are fixed
    assert html.count('hx-get=') == 2


def test_it_refuses_unknown_parameters(client, admin_user):
    client.force_login(admin_user)
    assert client.get(URL, {"_name": "region", "_id": "x", "_perm": "superpower"}).status_code == 400
    assert client.get(URL, {"_name": "a b", "_id": "x", "_perm": Perm.REGISTRY_VIEW}).status_code == 400


def test_it_requires_a_login(client):
    response = client.get(URL, {"_name": "region", "_id": "x", "_perm": Perm.REGISTRY_VIEW})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(("values", "expected"), [
    (["33", "33.16", "33.16.01", "33.16.01.2001"], "33.16.01.2001"),
    (["33", "33.16", "", ""], "33.16"),
    (["35", "33.16", "33.16.01", ""], "35"),  # province changed without JavaScript: stale deeper selects dropped
    (["33", "", "33.16.01", ""], "33"),
    (["33.16.01"], "33.16.01"),
    (["", "x", "33.16.1"], ""),
])
def test_the_submitted_value_is_the_deepest_consistent_code(values, expected):
    assert deepest_code(values) == expected


def _clean(field, *values):
    data = QueryDict(mutable=True)
    data.setlist("village", list(values))
    return field.clean(field.widget.value_from_datadict(data, {}, "village"))


def test_the_field_gives_the_chosen_village(operator_desa_a):
    field = RegionField(level=4, user=operator_desa_a, perm=Perm.REGISTRY_EDIT)
    assert _clean(field, "33", "33.16", DISTRICT_A, VILLAGE_A) == Region.objects.get(code=VILLAGE_A)


def test_the_field_refuses_a_village_outside_the_scope_in_indonesian(operator_desa_a):
    field = RegionField(level=4, user=operator_desa_a, perm=Perm.REGISTRY_EDIT)
    with pytest.raises(ValidationError, match="di luar wilayah kerja Anda") as exc:
        _clean(field, VILLAGE_A2)
    assert exc.value.code == "out_of_scope"
    with pytest.raises(ValidationError, match="di luar wilayah kerja Anda"):
        _clean(field, VILLAGE_P)


def test_the_field_refuses_a_region_of_the_wrong_level(staff_blora):
    field = RegionField(level=4, user=staff_blora, perm=Perm.REGISTRY_EDIT)
    with pytest.raises(ValidationError, match="Pilih desa/kelurahan") as exc:
        _clean(field, "33", "33.16", DISTRICT_A, "")
    assert exc.value.code == "level"


def test_the_field_refuses_an_unknown_code(staff_blora):
    field = RegionField(level=4, user=staff_blora, perm=Perm.REGISTRY_EDIT)
    with pytest.raises(ValidationError, match="tidak terdaftar"):
        _clean(field, "33.16.01.2999")


def test_a_filter_field_accepts_any_level_inside_the_scope(staff_blora):
    field = RegionField(level=None, required=False, allow_ancestors=True, user=staff_blora, perm=Perm.REGISTRY_VIEW)
    assert _clean(field, "33", "33.16", DISTRICT_B).code == DISTRICT_B
    assert _clean(field) is None
    with pytest.raises(ValidationError, match="di luar wilayah kerja Anda"):
        _clean(field, "35", "35.75")
