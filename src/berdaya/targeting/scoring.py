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
from django.db.models import CharField, F, IntegerField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.pipelines import scoring as pipeline
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, Household, Person
from berdaya.targeting.rules.context import extreme_poverty_line_per_month

Progress = Callable[[str, int, int | None], None]
EXTRACT_CHUNK = 50_000  # rows per fetch from SQLite
CSV_CHUNK_BYTES = 16 << 20  # PostgreSQL: CSV parsed per 16 MiB
WRITE_CHUNK = 50_000  # rows per write-back transaction
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
    columns = {name: (_HOUSEHOLD_SOURCE[name], kind) for name, kind in pipeline.HOUSEHOLD_COLUMNS.items()}
    return _to_arrow(households, columns, progress, "extract", total)


def extract_members(households, progress: Progress = _noop):
    """Arrow table of MEMBER_COLUMNS for the living members of `households`."""
    members = Person.objects.filter(household__in=households.order_by().values("pk"), status=codes.PersonStatus.ALIVE)
    columns = {name: (name, kind) for name, kind in pipeline.MEMBER_COLUMNS.items()}
    return _to_arrow(members, columns, progress, "members", None)


def _to_arrow(qs, columns: dict[str, tuple[str, str]], progress, stage, total):
    """The queryset's `columns` (name -> (field, pipeline type)) as an Arrow table, read without Django's per-row,
    per-value work, which took most of a scoring run: PostgreSQL streams the rows with COPY as CSV for Arrow's parser;
    SQLite's values go to Arrow as they come (yes/no as 0/1 and dates as text, cast by Arrow)."""
    import pyarrow as pa

    schema = pipeline.arrow_schema({name: kind for name, (_field, kind) in columns.items()})
    if connection.vendor == "postgresql":
        # Read to the end first: the connection can run nothing else (the progress update) until the COPY ends.
        reader = list(_copy_batches(qs.order_by(), columns, schema))
    else:
        reader = _cursor_batches(qs.order_by(), columns, schema)
    batches, done = [], 0
    for batch in reader:
        batches.append(batch)
        done += batch.num_rows
        progress(stage, done, total)
    return pa.Table.from_batches(batches, schema=schema)


def _copy_batches(qs, columns, schema):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    sql, params = qs.values_list(*(f for f, _kind in columns.values())).query.sql_with_params()
    read = pcsv.ReadOptions(column_names=list(columns))
    convert = pcsv.ConvertOptions(column_types=schema, true_values=["t"], false_values=["f"],
                                  strings_can_be_null=True, quoted_strings_can_be_null=False)  # NULL vs ""
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
        for chunk in _csv_chunks(copy):
            yield from pcsv.read_csv(pa.BufferReader(chunk), read_options=read, convert_options=convert).to_batches()


def _csv_chunks(blocks, size: int = CSV_CHUNK_BYTES):
    """CSV text from `blocks` in pieces of about `size` bytes that end at the end of a row."""
    pending = bytearray()
    for block in blocks:
        pending += block
        if len(pending) >= size and (cut := _last_row_end(pending)):
            yield bytes(pending[:cut])
            del pending[:cut]
    if pending:
        yield bytes(pending)


def _last_row_end(data: bytearray) -> int:
    """Just past the last newline outside a quoted field (quotes inside a field are doubled); 0 when none."""
    end = data.rfind(b"\n")
    while end >= 0 and data.count(b'"', 0, end) % 2:
        end = data.rfind(b"\n", 0, end)
    return end + 1


def _cursor_batches(qs, columns, schema):
    import pyarrow as pa

    # Expressions rather than bare columns, so Django's SQLite converters (declared types) leave the values alone.
    fields = [Cast(f, CharField()) if kind == "DATE" else Cast(f, IntegerField()) if kind == "BOOLEAN" else F(f)
              for f, kind in columns.values()]
    sql, params = qs.values_list(*fields).query.sql_with_params()
    # Arrow turns the row tuples into columns itself (a struct array), much faster than transposing them in Python.
    as_read = {"DATE": pa.string(), "BOOLEAN": pa.int8()}
    raw = pa.struct([(name, as_read.get(kind, schema.field(name).type)) for name, (_f, kind) in columns.items()])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(EXTRACT_CHUNK):
            batch = pa.RecordBatch.from_struct_array(pa.array(rows, type=raw))
            yield pa.RecordBatch.from_arrays([column.cast(wanted) for column, wanted in zip(
                batch.columns, schema.types, strict=True)], schema=schema)


def compute(households, *, weights: dict, today: date | None = None, progress: Progress = _noop, total=None):
    """Extract `households` (+ their living members) and score them in DuckDB: an Arrow table of results."""
    import duckdb

    progress("extract", 0, total)
    hh = extract_households(households, progress, total)
    progress("members", 0, None)
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
    """Upsert one HouseholdScore per row of `table` (the pipeline's output), WRITE_CHUNK rows per transaction:
    PostgreSQL copies each chunk into a temporary table and upserts from it; SQLite runs one prepared upsert for all
    the rows of a chunk."""
    now = timezone.now()
    total, done = table.num_rows, 0
    progress("write", 0, total)
    write = _write_copy if connection.vendor == "postgresql" else _write_rows
    run_values = [score_model_id, region_code, connection.ops.adapt_datetimefield_value(now)]
    for batch in table.select(list(_RESULT_COLUMNS)).to_batches(max_chunksize=WRITE_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            write(cursor, batch, run_values)
        done += batch.num_rows
        progress("write", done, total)
    return done


# Pipeline output column -> HouseholdScore column; the run's own values (model, region, time) come after them.
_RESULT_COLUMNS = {"id": "household_id", "welfare_score": "welfare_score", "computed_desil": "computed_desil",
                   "desil_source": "desil_source", "priority_score": "priority_score"}
_RUN_COLUMNS = ("score_model_id", "desil_region", "computed_at")
_TARGET = ", ".join([*_RESULT_COLUMNS.values(), *_RUN_COLUMNS])
_UPSERT = "ON CONFLICT (household_id) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in [*_RESULT_COLUMNS.values(), *_RUN_COLUMNS] if c != "household_id")


def _write_copy(cursor, batch, run_values: list) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    # Dropped at commit; dropped first too, in case this runs inside an outer transaction (tests).
    cursor.execute("DROP TABLE IF EXISTS pg_temp.targeting_scoring_result")
    cursor.execute("CREATE TEMPORARY TABLE targeting_scoring_result (id bigint, welfare_score double precision, "
                   "computed_desil smallint, desil_source varchar(8), priority_score double precision) "
                   "ON COMMIT DROP")
    sink = pa.BufferOutputStream()
    pcsv.write_csv(batch, sink, pcsv.WriteOptions(include_header=False))  # doubles written to round-trip exactly
    with cursor.cursor.copy("COPY targeting_scoring_result FROM STDIN (FORMAT csv)") as copy:
        copy.write(sink.getvalue().to_pybytes())
    cursor.execute(f"INSERT INTO targeting_householdscore ({_TARGET}) "  # noqa: S608 (constant identifiers)
                   f"SELECT {', '.join(_RESULT_COLUMNS)}, %s, %s, %s FROM targeting_scoring_result {_UPSERT}",
                   run_values)


def _write_rows(cursor, batch, run_values: list) -> None:
    data = batch.to_pydict()
    rows = zip(*(data[name] for name in _RESULT_COLUMNS), *([value] * batch.num_rows for value in run_values),
               strict=True)
    marks = ", ".join(["%s"] * (len(_RESULT_COLUMNS) + len(_RUN_COLUMNS)))
    sql = f"INSERT INTO targeting_householdscore ({_TARGET}) VALUES ({marks}) {_UPSERT}"  # noqa: S608 (constants)
    cursor.executemany(sql, rows)


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
