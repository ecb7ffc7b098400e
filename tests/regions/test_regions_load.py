"""The shipped Kemendagri list (data/regions) and its loader; region kind derived from the code (domain.md)."""

import csv
import gzip

import pytest
from django.conf import settings
from django.db.models import Count

from berdaya.regions.models import Level, Region, kind_of
from berdaya.regions.services import regions_load
from tests.conftest import BLORA, DISTRICT_A, PASURUAN, VILLAGE_A, VILLAGE_P

# --- Kind from the code ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "kind"), [
    ("33", "provinsi"),
    ("33.01", "kabupaten"),
    ("33.16", "kabupaten"),
    ("33.69", "kabupaten"),
    ("33.71", "kota"),
    ("35.75", "kota"),
    ("31.74", "kota"),
    ("33.16.01", "kecamatan"),
    ("35.75.01.1001", "kelurahan"),
    ("33.16.01.2001", "desa"),
    ("91.03.01.3007", "desa_adat"),
])
def test_the_kind_of_a_region_is_read_from_its_code(code, kind):
    assert kind_of(code) == kind


@pytest.mark.django_db
def test_loaded_regions_carry_their_kind_and_label():
    assert Region.objects.get(code=BLORA).kind == "kabupaten"
    assert Region.objects.get(code=PASURUAN).kind == "kota"
    assert Region.objects.get(code=VILLAGE_P).kind == "kelurahan"
    village = Region.objects.get(code=VILLAGE_A)
    assert (village.kind, str(village.kind_label), village.level) == ("desa", "Desa", Level.VILLAGE)
    assert village.display_name == "Desa Bangkleyan"
    assert [r.code for r in village.ancestors()] == ["33", BLORA, DISTRICT_A]
    assert village.path_label() == "Jawa Tengah › Kabupaten Blora › Jati › Bangkleyan"


@pytest.mark.django_db
def test_a_display_name_does_not_repeat_a_kind_the_name_already_carries():
    assert Region.objects.get(code=BLORA).display_name == "Kabupaten Blora"
    assert Region.objects.get(code=PASURUAN).display_name == "Kota Pasuruan"
    assert Region.objects.get(code=DISTRICT_A).display_name == "Kecamatan Jati"
    assert Region(code="91.03.01.3007", name="Desa Adat Yoboi", level=Level.VILLAGE).display_name == "Desa Adat Yoboi"


# --- The data file --------------------------------------------------------------------------------------------


def _rows(filename):
    with gzip.open(settings.REGIONS_DATA_DIR / filename, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_shipped_list_is_complete_and_kept_apart_with_its_licence():
    counts = {name: len(_rows(f"{name}.csv.gz")) for name in ("provinces", "regencies", "districts", "villages")}
    assert counts == {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
    licence = (settings.REGIONS_DATA_DIR / "LICENSE.md").read_text(encoding="utf-8")
    assert "ODbL" in licence or "Open Database License" in licence


def test_every_region_in_the_shipped_list_nests_in_its_parent():
    for filename, parent_col in [("regencies.csv.gz", "province_code"), ("districts.csv.gz", "regency_code"),
                                 ("villages.csv.gz", "district_code")]:
        bad = [r["code"] for r in _rows(filename) if r["code"].rsplit(".", 1)[0] != r[parent_col]]
        assert bad == [], filename


# --- Loading --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_list_loads_in_seconds_and_again_without_duplicates():
    expected = {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
    assert regions_load() == expected
    assert regions_load() == expected
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("code")).order_by())
    assert by_level == {Level.PROVINCE: 38, Level.REGENCY: 514, Level.DISTRICT: 7285, Level.VILLAGE: 83762}
    assert Region.objects.get(code="65.01.01").parent_id == "65.01"


def _write(path, rows):
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows(rows)


@pytest.mark.django_db
def test_loading_a_newer_list_renames_regions_in_place(tmp_path):
    _write(tmp_path / "provinces.csv.gz", [["code", "name"], ["99", "Provinsi Uji"]])
    _write(tmp_path / "regencies.csv.gz", [["code", "province_code", "name"], ["99.01", "99", "Kabupaten Uji"]])
    _write(tmp_path / "districts.csv.gz", [["code", "regency_code", "name"], ["99.01.01", "99.01", "Lama"]])
    _write(tmp_path / "villages.csv.gz", [["code", "district_code", "name"], ["99.01.01.2001", "99.01.01", "Satu"]])
    regions_load(data_dir=tmp_path)
    _write(tmp_path / "districts.csv.gz", [["code", "regency_code", "name"], ["99.01.01", "99.01", "Baru"]])
    regions_load(data_dir=tmp_path)
    assert Region.objects.get(code="99.01.01").name == "Baru"
    assert Region.objects.filter(code__startswith="99").count() == 4
    assert Region.objects.get(code="99.01.01.2001").parent_id == "99.01.01"
