"""Welfare score (proxy means test), desil within a region, and priority score, for every household at once.

Input tables (Arrow tables, DuckDB relations or views registered on the connection):

- households: HOUSEHOLD_COLUMNS (one row per household of the region being scored);
- members: MEMBER_COLUMNS (living members only).

Output (score_households): one row per household — id, welfare_score, computed_desil, desil_source,
priority_score. The desil is NTILE(10) over the welfare score within the whole input (or within each value of
`partition_by`), poorest first; ties are broken by id so a run is reproducible. The official desil (DTSEN) is not
changed here: desil_source says which one applies ("official" when the household has one).

Weights (the score model), all numbers:

    {"welfare": {"base": 50, "weights": {"c02_floor_poor": -3, "floor_material=tanah": -2, "income_per_capita": 1e-05},
                 "caps": {"income_per_capita": 3000000}},
     "priority": {"vul_disability": 3, "extreme_poor": 4}}

A welfare key is a numeric or yes/no feature (WELFARE_FEATURES) or "<categorical>=<value>"
(CATEGORICAL_FEATURES); a missing value contributes 0. Priority keys are PRIORITY_FEATURES (yes/no).
"""

from __future__ import annotations

import math
from datetime import date

HOUSEHOLD_COLUMNS: dict[str, str] = {
    "id": "BIGINT", "village_id": "VARCHAR", "official_desil": "SMALLINT", "monthly_income": "BIGINT",
    "member_count": "SMALLINT", "bps_criteria_met": "SMALLINT", "floor_area_m2": "INTEGER",
    **{f"c{i:02d}": "BOOLEAN" for i in range(1, 15)},
    "floor_material": "VARCHAR", "wall_material": "VARCHAR", "roof_material": "VARCHAR", "toilet": "VARCHAR",
    "lighting": "VARCHAR", "water_source": "VARCHAR", "cooking_fuel": "VARCHAR", "house_ownership": "VARCHAR",
    "has_motorcycle": "BOOLEAN", "has_car": "BOOLEAN", "has_refrigerator": "BOOLEAN", "has_land": "BOOLEAN",
    "has_livestock": "BOOLEAN",
    "vul_disability": "BOOLEAN", "vul_elderly_alone": "BOOLEAN", "vul_child_without_parent": "BOOLEAN",
    "vul_woman_headed": "BOOLEAN", "vul_pregnant_or_under6": "BOOLEAN", "vul_bps_poor": "BOOLEAN",
}
MEMBER_COLUMNS: dict[str, str] = {
    "household_id": "BIGINT", "birth_date": "DATE", "sex": "VARCHAR", "relationship": "SMALLINT",
    "education": "SMALLINT", "occupation": "SMALLINT", "disability": "VARCHAR",
}
HEAD = 1  # relationship code of the head of family
CHILD_AGE, ELDERLY_AGE = 15, 65  # dependency ratio: (children < 15 + elderly 65+) / working-age workers

# Features the welfare score may weigh: name -> SQL over the joined household (h) and aggregate (a) columns.
_BPS = {f"c{i:02d}": f"h.c{i:02d}" for i in range(1, 15)}
WELFARE_FEATURES: dict[str, str] = {
    **_BPS,
    "bps_criteria_met": "h.bps_criteria_met",
    "has_motorcycle": "h.has_motorcycle", "has_car": "h.has_car", "has_refrigerator": "h.has_refrigerator",
    "has_land": "h.has_land", "has_livestock": "h.has_livestock",
    "member_count": "h.member_count",
    "income_per_capita": "(CAST(h.monthly_income AS DOUBLE) / NULLIF(h.member_count, 0))",
    "floor_area_per_capita": "(CAST(h.floor_area_m2 AS DOUBLE) / NULLIF(h.member_count, 0))",
    "children_under_15": "a.children", "elderly_65_plus": "a.elderly", "workers": "a.workers",
    "disabled_members": "a.disabled",
    "dependency_ratio": "(CAST(a.children + a.elderly AS DOUBLE) / GREATEST(a.workers, 1))",
    "head_education": "a.head_education", "max_education": "a.max_education",
}
CATEGORICAL_FEATURES = ("floor_material", "wall_material", "roof_material", "toilet", "lighting", "water_source",
                        "cooking_fuel", "house_ownership")
PRIORITY_FEATURES: dict[str, str] = {
    "vul_disability": "h.vul_disability", "vul_elderly_alone": "h.vul_elderly_alone",
    "vul_child_without_parent": "h.vul_child_without_parent", "vul_woman_headed": "h.vul_woman_headed",
    "vul_pregnant_or_under6": "h.vul_pregnant_or_under6", "vul_bps_poor": "h.vul_bps_poor",
    "extreme_poor": "((CAST(h.monthly_income AS DOUBLE) / NULLIF(h.member_count, 0)) < ?)",
}


class WeightsError(ValueError):
    """The weights name an unknown feature or hold something other than a finite number."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"{key}: {problem}")
        self.key, self.problem = key, problem


def _number(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WeightsError(key, "not a finite number")
    return float(value)


def welfare_term(key: str) -> str:
    """SQL of one welfare feature (before its weight); raises WeightsError for an unknown key."""
    if "=" in key:
        column, _sep, _value = key.partition("=")
        if column not in CATEGORICAL_FEATURES:
            raise WeightsError(key, "unknown categorical feature")
        return f"(CASE WHEN h.{column} = ? THEN 1.0 ELSE 0.0 END)"
    if key not in WELFARE_FEATURES:
        raise WeightsError(key, "unknown feature")
    return f"COALESCE(CAST({WELFARE_FEATURES[key]} AS DOUBLE), 0.0)"


def welfare_sql(welfare: dict) -> tuple[str, list]:
    """The welfare score as one SQL expression and its parameters (weights and category values bound)."""
    params: list = [_number("base", welfare.get("base", 0))]
    parts = ["?"]
    caps = welfare.get("caps") or {}
    for key, weight in sorted((welfare.get("weights") or {}).items()):
        term = welfare_term(key)
        term_params = [key.partition("=")[2]] if "=" in key else []
        if key in caps:
            term = f"LEAST({term}, ?)"
            term_params.append(_number(f"caps.{key}", caps[key]))
        parts.append(f"{term} * ?")
        params += [*term_params, _number(key, weight)]
    for key in caps:
        if key not in (welfare.get("weights") or {}):
            welfare_term(key)  # an unknown cap is an error too
    return " + ".join(parts), params


def priority_sql(priority: dict, *, extreme_line: float) -> tuple[str, list]:
    """The priority score: the sum of the weights of the vulnerabilities a household has."""
    parts, params = ["0.0"], []
    for key, weight in sorted((priority or {}).items()):
        if key not in PRIORITY_FEATURES:
            raise WeightsError(key, "unknown priority feature")
        if key == "extreme_poor":
            params.append(_number("extreme_line", extreme_line))
        parts.append(f"(CASE WHEN {PRIORITY_FEATURES[key]} THEN 1.0 ELSE 0.0 END) * ?")
        params.append(_number(key, weight))
    return " + ".join(parts), params


def member_aggregates_sql(members: str, *, today: date, non_working: list[int]) -> tuple[str, list]:
    """Per household: children, elderly, workers, disabled members, head's and highest education."""
    age = "(? - year(birth_date) - CASE WHEN month(birth_date) * 100 + day(birth_date) > ? THEN 1 ELSE 0 END)"
    sql = f"""
        WITH aged AS (
            SELECT household_id, relationship, education, occupation, disability, {age} AS age FROM {members}
        )
        SELECT household_id,
               COUNT(*) FILTER (WHERE age < {CHILD_AGE}) AS children,
               COUNT(*) FILTER (WHERE age >= {ELDERLY_AGE}) AS elderly,
               COUNT(*) FILTER (WHERE age >= {CHILD_AGE} AND age < {ELDERLY_AGE} AND occupation IS NOT NULL
                                AND NOT list_contains(?, occupation)) AS workers,
               COUNT(*) FILTER (WHERE disability <> '') AS disabled,
               MAX(education) FILTER (WHERE relationship = {HEAD}) AS head_education,
               MAX(education) AS max_education
        FROM aged GROUP BY household_id
    """  # noqa: S608 (table name from the caller's own registered view; values are bound)
    return sql, [today.year, today.month * 100 + today.day, [int(c) for c in non_working]]


def score_sql(households: str, members: str, *, weights: dict, today: date, extreme_line: float,
              non_working: list[int], partition_by: str | None = None) -> tuple[str, list]:
    """The whole scoring as one query: table names in, (sql, params) out."""
    if partition_by is not None and partition_by not in HOUSEHOLD_COLUMNS:
        raise WeightsError("partition_by", "unknown column")
    aggregates, agg_params = member_aggregates_sql(members, today=today, non_working=non_working)
    welfare, welfare_params = welfare_sql(weights.get("welfare") or {})
    priority, priority_params = priority_sql(weights.get("priority") or {}, extreme_line=extreme_line)
    partition = f"PARTITION BY s.{partition_by} " if partition_by else ""
    sql = f"""
        WITH a AS ({aggregates}),
        s AS (
            SELECT h.id, h.village_id, h.official_desil,
                   ({welfare}) AS welfare_score,
                   ({priority}) AS priority_score
            FROM {households} h LEFT JOIN a ON a.household_id = h.id
        )
        SELECT s.id, s.welfare_score,
               CAST(NTILE(10) OVER ({partition}ORDER BY s.welfare_score, s.id) AS SMALLINT) AS computed_desil,
               CASE WHEN s.official_desil IS NULL THEN 'computed' ELSE 'official' END AS desil_source,
               s.priority_score
        FROM s ORDER BY s.id
    """  # noqa: S608 (identifiers are the caller's registered tables and whitelisted columns; values are bound)
    return sql, [*agg_params, *welfare_params, *priority_params]


def score_households(con, households: str = "households", members: str = "members", **options):
    """Run score_sql on a DuckDB connection where `households` and `members` are registered: an Arrow table."""
    sql, params = score_sql(households, members, **options)
    return con.sql(sql, params=params).to_arrow_table()


def empty_members_table():
    """An empty members table of the right shape (for a region without living members)."""
    import pyarrow as pa

    return pa.table({name: pa.array([], type=_ARROW[kind]) for name, kind in MEMBER_COLUMNS.items()})


def arrow_schema(columns: dict[str, str]):
    import pyarrow as pa

    return pa.schema([(name, _ARROW[kind]) for name, kind in columns.items()])


_ARROW_TYPES = {"BIGINT": "int64", "INTEGER": "int32", "SMALLINT": "int16", "BOOLEAN": "bool_", "VARCHAR": "string",
                "DATE": "date32", "DOUBLE": "float64"}


class _ArrowTypes(dict):
    def __missing__(self, kind):
        import pyarrow as pa

        value = getattr(pa, _ARROW_TYPES[kind])()
        self[kind] = value
        return value


_ARROW = _ArrowTypes()
