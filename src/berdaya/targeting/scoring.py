"""Batch scoring, the Django side: extract households and living members to Arrow, score them in DuckDB
(berdaya.pipelines.scoring), write the results back to HouseholdScore in bulk.

Progress is reported as (stage, done, total) to a callback: extract → score → write. The write goes in chunks,
each its own transaction, so a page can show the progress while it runs; scores are derived data, so a run that
stops half-way leaves some households with new and some with old scores, and the next run fixes both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from time import perf_counter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.pipelines import scoring as pipeline
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, Household, Person
from berdaya.targeting.rules.context import extreme_poverty_line_per_month

Progress = Callable[[str, int, int | None], None]
EXTRACT_CHUNK = 20_000
WRITE_CHUNK = 1_000  # rows per INSERT … ON CONFLICT statement (7 parameters each)
NON_WORKING = [codes.Occupation.NOT_WORKING, codes.Occupation.HOUSEWORK, codes.Occupation.STUDENT,
               codes.Occupation.RETIRED]

# The starting weights, meant to be calibrated by each office (they are data: edited in the app, versioned).
# Welfare: higher = better off. Each BPS criterion met lowers it, assets raise it, income per capita counts up to a
# cap, dependants lower it. Priority: the vulnerable groups of the issue, extreme poverty weighing most.
DEFAULT_WEIGHTS = {
    "welfare": {
        "base": 50,
        "weights": {
            **{f"c{i:02d}": -2 for i in range(1, 15)},
            "has_motorcycle": 4, "has_car": 12, "has_refrigerator": 4, "has_land": 3, "has_livestock": 2,
            "floor_material=tanah": -2, "lighting=bukan_listrik": -3, "toilet=tidak_ada": -2,
            "cooking_fuel=kayu_bakar": -1, "income_per_capita": 0.00001, "dependency_ratio": -3,
            "head_education": 1,
        },
        "caps": {"income_per_capita": 3_000_000},
    },
    "priority": {"vul_disability": 3, "vul_elderly_alone": 3, "vul_child_without_parent": 3,
                 "vul_woman_headed": 2, "vul_pregnant_or_under6": 2, "extreme_poor": 4},
}

# Household columns the pipeline reads: pipeline name -> model field.
_HOUSEHOLD_SOURCE = {name: name for name in pipeline.HOUSEHOLD_COLUMNS}
_HOUSEHOLD_SOURCE.update({f"c{i:02d}": BPS_FIELDS[i - 1] for i in range(1, 15)})


def validate_weights(weights) -> dict:
    """The weights as the pipeline needs them, or ApplicationError naming the first bad key."""
    if not isinstance(weights, dict) or not set(weights) <= {"welfare", "priority"}:
        raise ApplicationError(_("Bobot harus berupa objek JSON dengan bagian \"welfare\" dan \"priority\"."),
                               field="weights")
    welfare = weights.get("welfare") or {}
    if not isinstance(welfare, dict) or not set(welfare) <= {"base", "weights", "caps"}:
        raise ApplicationError(_("Bagian \"welfare\" hanya boleh berisi base, weights dan caps."), field="weights")
    for part in ("weights", "caps"):
        if not isinstance(welfare.get(part) or {}, dict):
            raise ApplicationError(_("welfare.%(part)s harus berupa objek JSON.") % {"part": part}, field="weights")
    if not isinstance(weights.get("priority") or {}, dict):
        raise ApplicationError(_("\"priority\" harus berupa objek JSON."), field="weights")
    try:
        pipeline.welfare_sql(welfare)
        pipeline.priority_sql(weights.get("priority") or {}, extreme_line=1.0)
    except pipeline.WeightsError as exc:
        message = (_("Bobot \"%(key)s\" harus berupa angka.") if exc.problem == "not a finite number"
                   else _("Indikator tidak dikenal: \"%(key)s\"."))
        raise ApplicationError(message % {"key": exc.key}, field="weights") from None
    return weights


@dataclass
class ScoringResult:
    households: int
    seconds: float
    stages: dict[str, float]


def _noop(stage: str, done: int, total: int | None) -> None:
    pass


def extract_households(households, progress: Progress = _noop, total: int | None = None):
    """Arrow table of HOUSEHOLD_COLUMNS for the households of `households` (a queryset), a chunk at a time."""
    import pyarrow as pa

    schema = pipeline.arrow_schema(pipeline.HOUSEHOLD_COLUMNS)
    names = list(pipeline.HOUSEHOLD_COLUMNS)
    sources = [_HOUSEHOLD_SOURCE[n] for n in names]
    rows = households.order_by().values_list(*sources)
    return _to_arrow(rows, names, schema, pa, progress, "extract", total)


def extract_members(households, progress: Progress = _noop):
    import pyarrow as pa

    schema = pipeline.arrow_schema(pipeline.MEMBER_COLUMNS)
    names = list(pipeline.MEMBER_COLUMNS)
    rows = (Person.objects.filter(household__in=households.order_by().values("pk"), status=codes.PersonStatus.ALIVE)
            .order_by().values_list(*names))
    return _to_arrow(rows, names, schema, pa, lambda *a: None, "members", None)


def _to_arrow(rows, names, schema, pa, progress, stage, total):
    batches, done = [], 0
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=EXTRACT_CHUNK):
        chunk.append(row)
        if len(chunk) >= EXTRACT_CHUNK:
            batches.append(_batch(chunk, names, schema, pa))
            done += len(chunk)
            chunk = []
            progress(stage, done, total)
    if chunk or not batches:
        batches.append(_batch(chunk, names, schema, pa))
        done += len(chunk)
    progress(stage, done, total)
    return pa.Table.from_batches(batches, schema=schema)


def _batch(chunk, names, schema, pa):
    columns = list(zip(*chunk, strict=True)) if chunk else [[] for _n in names]
    return pa.RecordBatch.from_arrays([pa.array(col, type=schema.field(i).type) for i, col in enumerate(columns)],
                                      schema=schema)


def compute(households, *, weights: dict, today: date | None = None, progress: Progress = _noop, total=None):
    """Extract `households` (+ their living members) and score them in DuckDB: an Arrow table of results."""
    import duckdb

    hh = extract_households(households, progress, total)
    members = extract_members(households, progress)
    progress("score", 0, hh.num_rows)
    con = duckdb.connect()
    try:
        con.register("households", hh)
        con.register("members", members)
        result = pipeline.score_households(
            con, weights=weights, today=today or timezone.localdate(), extreme_line=extreme_poverty_line_per_month(),
            non_working=[int(c) for c in NON_WORKING])
        return result
    finally:
        con.close()


def write_back(table, *, score_model_id: int, region_code: str, progress: Progress = _noop) -> int:
    """Upsert one HouseholdScore per row of `table` (the pipeline's output), WRITE_CHUNK rows per statement."""
    now = timezone.now()
    total, done = table.num_rows, 0
    columns = ("household_id", "score_model_id", "welfare_score", "computed_desil", "desil_region", "desil_source",
               "priority_score", "computed_at")
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    for batch in table.to_batches(max_chunksize=WRITE_CHUNK):
        data = batch.to_pydict()
        rows = [(hid, score_model_id, w, d, region_code, src, p, now) for hid, w, d, src, p in zip(
            data["id"], data["welfare_score"], data["computed_desil"], data["desil_source"], data["priority_score"],
            strict=True)]
        marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
        sql = (f"INSERT INTO targeting_householdscore ({', '.join(columns)}) VALUES {marks} "  # noqa: S608
               f"ON CONFLICT (household_id) DO UPDATE SET {updates}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [v for row in rows for v in row])
        done += len(rows)
        progress("write", done, total)
    return done


def run_scoring(households, *, score_model, region_code: str = "", progress: Progress = _noop,
                today: date | None = None) -> ScoringResult:
    """Score every household of the queryset `households` with `score_model` and store the results."""
    stages: dict[str, float] = {}
    started = perf_counter()
    total = households.order_by().count()
    table = compute(households, weights=score_model.weights, today=today, progress=progress, total=total)
    stages["extract_and_score"] = perf_counter() - started
    mark = perf_counter()
    written = write_back(table, score_model_id=score_model.pk, region_code=region_code, progress=progress)
    stages["write"] = perf_counter() - mark
    return ScoringResult(households=written, seconds=perf_counter() - started, stages=stages)


def households_for_region(region_code: str = ""):
    """Active households inside a region (all of them for ""): what a scoring run ranks the desil within."""
    qs = Household.objects.filter(status=codes.HouseholdStatus.ACTIVE)
    if region_code:
        qs = qs.filter(village__code__startswith=region_code)
    return qs
