"""Registry search and pages at district scale: 1,000,000 people (~300,000 families) in Kabupaten Blora.

Median and p95 response time over --requests requests each of: search by NIK, by KK, by a name fragment, a
filtered list page (a district + a vulnerability) and the household page, through the real views (Django's test
client, a logged-in Dinas Sosial officer scoped to the regency 33.16), on SQLite and on PostgreSQL. Every request
picks a different random target drawn from the data. Goal: p95 < 150 ms for each, on both databases.

    .venv/bin/python benchmarks/bench_registry.py [--db sqlite|postgresql|both] [--persons N] [--requests N]
                                                  [--rebuild] [--direct]

The data is built once (SQLite: benchmarks/.data/registry.sqlite3; PostgreSQL: database berdaya_bench on
BENCH_PG_SERVER, default postgres@127.0.0.1:5432) by benchmarks/registry_data.py, and reused while it holds
--persons people; --rebuild builds it again (about 2.5 minutes per database for 1,000,000 people). Prints a table
and writes benchmarks/results/registry.json (../shared/CONVENTIONS.md, "Benchmark results").

How it measures: settings as in production (DEBUG off, cached templates, the database settings of
berdaya.settings); one warm-up pass of 5 requests per kind, then the kinds interleaved; after each request the
connection is handled as after a real one (close_old_connections: SQLite, CONN_MAX_AGE 0, reopens each time;
PostgreSQL keeps its connection). Every search must show the household it was drawn from, and every list page a
household. --direct times the selectors without the views (for diagnosis).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_env import BenchDatabase, RebuildNeeded, percentile, runs_per_database
from results_file import format_results, git_commit, machine

ROOT = Path(__file__).resolve().parent.parent
BENCH = BenchDatabase(sqlite_file="registry.sqlite3", pg_database="berdaya_bench")
RESULTS = ROOT / "benchmarks" / "results" / "registry.json"
GOAL_MS = 150
WARMUP = 5
KINDS = ["search_by_nik", "search_by_kk", "search_by_name", "filtered_list", "household_detail"]
LABELS = {
    "search_by_nik": "search by NIK",
    "search_by_kk": "search by KK",
    "search_by_name": "search by name fragment",
    "filtered_list": "list: district + vulnerability",
    "household_detail": "household page",
}
USERNAME = "bench_dinsos_blora"


# --- data -------------------------------------------------------------------------------------------------------
def prepare_data(db: str, *, persons: int) -> dict:
    """Migrate, load regions and the registry unless the wanted size is already there; ANALYZE."""
    from django.core.management import call_command
    from django.db import connection

    from berdaya.regions.models import Region
    from berdaya.regions.services import regions_load
    from berdaya.registry.models import Household, Person

    call_command("migrate", verbosity=0)
    if Region.objects.count() < 83_000:
        started = time.perf_counter()
        regions_load()
        print(f"[{db}] regions loaded in {time.perf_counter() - started:.1f} s")
    have = Person.objects.count()
    built = False
    if have != persons:
        if have:
            raise RebuildNeeded
        from benchmarks.registry_data import load

        print(f"[{db}] building {persons:,} people ...")
        started = time.perf_counter()
        load(persons=persons, echo=lambda line: print(f"[{db}] {line}", flush=True))
        print(f"[{db}] built in {time.perf_counter() - started:.0f} s")
        built = True
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM also sets PostgreSQL's visibility map, as autovacuum would soon after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"[{db}] analyzed in {time.perf_counter() - started:.1f} s")
    return {"persons": Person.objects.count(), "households": Household.objects.count(), "built": built}


def bench_user():
    from berdaya.accounts.models import RoleAssignment, User
    from berdaya.core.permissions import Role

    user, created = User.objects.get_or_create(username=USERNAME, defaults={"first_name": "Staf Dinsos Blora"})
    if created:
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.DINSOS_STAFF, region_id="33.16")
    return user


def name_fragment(rng: random.Random, name_key: str, name: str) -> str:
    """What an officer types: a whole word, the start of the name, or a piece from the middle (>= 3 letters)."""
    words = [w for w in (name.split()) if len(w) >= 3]
    roll = rng.random()
    if roll < 1 / 3 and words:
        return rng.choice(words)
    if roll < 2 / 3 or len(name_key) < 6:
        return name_key[: rng.randint(min(5, len(name_key)), min(10, len(name_key)))]
    start = rng.randint(1, len(name_key) - 4)
    return name_key[start: start + rng.randint(4, 8)]


def draw_targets(n: int, seed: int) -> dict[str, list]:
    """Random different targets per request, drawn from the data."""
    from berdaya.regions.models import Level, Region
    from berdaya.registry.models import VULNERABILITY_FIELDS, Household, Person

    rng = random.Random(seed)
    max_person = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    max_household = Household.objects.order_by("-pk").values_list("pk", flat=True).first()
    person_ids = rng.sample(range(1, max_person + 1), 3 * n)
    # The list shows active households unless asked otherwise, so targets are drawn from those.
    people = list(Person.objects.filter(pk__in=person_ids, household__status="active").exclude(nik="")
                  .values_list("nik", "name", "name_key", "household__kk_number"))
    rng.shuffle(people)
    households = list(Household.objects.filter(pk__in=rng.sample(range(1, max_household + 1), 3 * n), status="active")
                      .values_list("pk", "kk_number"))
    rng.shuffle(households)
    districts = list(Region.objects.filter(code__startswith="33.16.", level=Level.DISTRICT)
                     .values_list("code", flat=True))
    return {
        "search_by_nik": [{"q": nik, "expect": kk} for nik, _name, _key, kk in people[:n]],
        "search_by_kk": [{"q": kk, "expect": kk} for _pk, kk in households[:n]],
        "search_by_name": [{"q": name_fragment(rng, key, name)} for _nik, name, key, _kk in people[n: 2 * n]],
        "filtered_list": [{"region": rng.choice(districts), "vulnerability": rng.choice(VULNERABILITY_FIELDS),
                           "page": rng.choice([1, 1, 1, 2, 3])} for _ in range(n)],
        "household_detail": [pk for pk, _kk in households[n: 2 * n]],
    }


# --- measuring --------------------------------------------------------------------------------------------------
def view_request(client, kind: str, target):
    from django.urls import reverse

    if kind == "household_detail":
        return client.get(reverse("registry:household_detail", args=[target]))
    return client.get(reverse("registry:household_list"), {k: v for k, v in target.items() if k != "expect"})


def direct_request(user, kind: str, target):
    """The selector work a page does, without the view (for use while the views are being written)."""
    from berdaya.registry import selectors

    if kind == "household_detail":
        household = selectors.household_get(user=user, pk=target)
        return selectors.household_members(household=household), selectors.household_open_flags(household=household)
    filters = selectors.HouseholdFilters(q=target.get("q", ""), region=target.get("region", ""),
                                         vulnerability=target.get("vulnerability", ""))
    qs = selectors.household_list(user=user, filters=filters)
    page = int(target.get("page", 1))
    return list(qs[(page - 1) * 25: page * 25]), qs.order_by()[:1001].count()  # as the view's paginator


def measure(db: str, *, requests: int, direct: bool, seed: int) -> dict[str, dict]:
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = bench_user()
    targets = draw_targets(requests + WARMUP, seed)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def one(kind, target):
        if direct:
            user.__dict__.pop("_berdaya_scope_cache", None)
            return direct_request(user, kind, target)
        response = view_request(client, kind, target)
        if response.status_code != 200:
            raise RuntimeError(f"{kind} {target!r}: HTTP {response.status_code}")
        checks.append((kind, target, response.content))
        return response

    checks: list[tuple] = []
    queries = {}
    for kind in KINDS:  # warm up (templates, URL resolver, caches); also count queries once per kind
        for target in targets[kind][:WARMUP]:
            one(kind, target)
        with CaptureQueriesContext(connection) as captured:
            one(kind, targets[kind][WARMUP])
        queries[kind] = len(captured.captured_queries)
        close_old_connections()
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for i in range(WARMUP, WARMUP + requests):  # interleaved, as a mixed workload
        for kind in KINDS:
            started = time.perf_counter()
            one(kind, targets[kind][i])
            timings[kind].append((time.perf_counter() - started) * 1000)
            # As after a real request: SQLite (CONN_MAX_AGE 0) reopens per request, PostgreSQL keeps it.
            close_old_connections()
    if not direct:
        verify(checks)
    return {kind: {"median": statistics.median(values), "p95": percentile(values, 95), "max": max(values),
                   "queries": queries[kind], "n": len(values)} for kind, values in timings.items()}


def verify(checks: list[tuple]) -> None:
    """After timing: every search found its household; every list page and household page shows a household."""
    detail = "/registry/households/"
    for kind, target, content in checks:
        text = content.decode()
        expect = target.get("expect") if isinstance(target, dict) else None
        if expect and expect not in text:
            raise RuntimeError(f"{kind} {target['q']}: KK {expect} not on the page")
        if kind != "household_detail" and detail not in text:
            raise RuntimeError(f"{kind} {target!r}: no household on the page")


def run_one(db: str, args) -> dict:
    size = BENCH.open(db, rebuild=args.rebuild, prepare=lambda: prepare_data(db, persons=args.persons))
    print(f"[{db}] measuring {args.requests} requests of each kind"
          f"{' (selectors directly, no views)' if args.direct else ''} ...", flush=True)
    results = measure(db, requests=args.requests, direct=args.direct, seed=args.seed)
    return {"db": db, "size": size, "results": results}


# --- reporting --------------------------------------------------------------------------------------------------

def table(runs: list[dict]) -> str:
    lines = [f"{'':32} {'db':10} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  goal p95 < {GOAL_MS}"]
    for kind in KINDS:
        for run in runs:
            r = run["results"][kind]
            verdict = "ok" if r["p95"] < GOAL_MS else "MISSED"
            lines.append(f"{LABELS[kind]:32} {run['db']:10} {r['median']:>10.1f} {r['p95']:>8.1f} {r['max']:>8.1f} "
                         f"{r['queries']:>8}  {verdict}")
    for run in runs:
        lines.append(f"[{run['db']}] {run['size']['persons']:,} people, {run['size']['households']:,} families; "
                     f"{run['results'][KINDS[0]]['n']} requests of each kind")
    return "\n".join(lines)


def results_json(runs: list[dict]) -> dict:
    figures = []
    for run in runs:
        db = run["db"]
        for kind in KINDS:
            r = run["results"][kind]
            figures.append({"name": f"{kind}_p95", "db": db, "value": round(r["p95"], 1), "unit": "ms",
                            "goal": f"< {GOAL_MS}"})
            figures.append({"name": f"{kind}_median", "db": db, "value": round(r["median"], 1), "unit": "ms"})
            figures.append({"name": f"{kind}_queries", "db": db, "value": r["queries"], "unit": "queries"})
        figures.append({"name": "persons", "db": db, "value": run["size"]["persons"], "unit": "rows"})
        figures.append({"name": "households", "db": db, "value": run["size"]["households"], "unit": "rows"})
        figures.append({"name": "requests_per_kind", "db": db, "value": run["results"][KINDS[0]]["n"],
                        "unit": "requests"})
    return {"benchmark": "registry", "date": datetime.now(ZoneInfo("Asia/Jakarta")).isoformat(timespec="seconds"),
            "commit": git_commit(), "machine": machine(), "figures": figures}




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="build the benchmark data again")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--direct", action="store_true",
                        help="time the selectors directly instead of the views (diagnosis)")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)  # used when --db both runs each database apart
    args = parser.parse_args(argv)

    forward = ["--persons", str(args.persons), "--requests", str(args.requests), "--seed", str(args.seed)]
    runs = runs_per_database(args, run_one, script=__file__,
                             forward=forward + ["--rebuild"] * args.rebuild + ["--direct"] * args.direct)
    if runs is None:
        return 0
    print()
    print(table(runs))
    if args.direct:
        print("(--direct: selectors only; results file not written)")
        return 0
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(format_results(results_json(runs)))
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
