"""Loading the shipped Kemendagri region list."""

import csv
import gzip
from pathlib import Path

from django.conf import settings
from django.db import transaction

from berdaya.regions.models import Region, level_of

FILES = [("provinces.csv.gz", None), ("regencies.csv.gz", "province_code"), ("districts.csv.gz", "regency_code"),
         ("villages.csv.gz", "district_code")]


def _read(path: Path, parent_col: str | None):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield Region(code=row["code"], name=row["name"], level=level_of(row["code"]),
                         parent_id=row[parent_col] if parent_col else None)


def regions_load(*, data_dir: Path | None = None, only_prefix: str | None = None) -> dict[str, int]:
    """Insert or update every region (idempotent). `only_prefix` loads one area and its ancestors (tests)."""
    data_dir = Path(data_dir or settings.REGIONS_DATA_DIR)
    counts = {}
    with transaction.atomic():
        # code -> (name, parent): a reload rewrites only what changed (bulk_update of 90k rows takes half a minute).
        existing = {code: (name, parent) for code, name, parent in Region.objects.values_list("code", "name", "parent")}
        for filename, parent_col in FILES:
            rows = list(_read(data_dir / filename, parent_col))
            if only_prefix:
                rows = [r for r in rows if r.code.startswith(only_prefix) or only_prefix.startswith(r.code)]
            new = [r for r in rows if r.code not in existing]
            old = [r for r in rows if r.code in existing and existing[r.code] != (r.name, r.parent_id)]
            Region.objects.bulk_create(new, batch_size=5000)
            if old:
                Region.objects.bulk_update(old, ["name", "level", "parent"], batch_size=5000)
            counts[filename.split(".")[0]] = len(rows)
    return counts
