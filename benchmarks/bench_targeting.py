"""Targeting at regency scale: 1,000,000 households (~3.3M people) in Kabupaten Blora, against a Django-shop peer.

    .venv/bin/python benchmarks/bench_targeting.py [--db sqlite|postgresql|both] [--households N] [--peer N]
                                                   [--runs N] [--rebuild] [--no-write]

Per database (SQLite: benchmarks/.data/targeting.sqlite3; PostgreSQL: database berdaya_bench_targeting on
BENCH_PG_SERVER, default postgres@127.0.0.1:5432), each in its own process:

- full scoring: welfare score, BPS count, desil within the regency and priority of every active household, written
  back to HouseholdScore, through the real path (targeting.services.scoring_run_now, region 33.16), twice: first
  into an empty score table (inserts), then again over it (updates, the steady state). Seconds and stages
  (extract households, extract members, score in DuckDB, write). Goal (issue 5): < 60 s each. On PostgreSQL the
  score table is then vacuumed, as autovacuum would do within a minute of a run that rewrote it.
- rule dry run through the real selector (targeting.selectors.dry_run) as a Dinsos officer of the regency, over the
  whole regency for fiscal year 2026: counts by district, village and vulnerable group and the budget impact against
  the seeded budget lines (programmes/seed.py). Two rules: a PKH-like one (desil, BPS count, no civil servant,
  soldier or police officer in the family; the officer types the amount per family, as for a per-component
  programme) and BPNT's seeded rule (`desil <= 5`, the amount from the programme). One warm-up, then --runs runs of
  each, interleaved; after each the connection is handled as after a request (SQLite reopens, PostgreSQL keeps it).
  Median and p95. Goal: < 1 s.
- the peer: the same scoring as a Django shop would write it, on --peer households (the first active ones by id):
  an ORM loop (iterator with prefetch_related of the living members), the same weights applied in Python, the desil
  ranked in Python (NTILE(10) by welfare score, then id), bulk_update(batch_size=1000) into HouseholdScore. Then
  Berdaya scores the same households (targeting.scoring.run_scoring over the same queryset): households/s of each
  and the ratio. Every household's welfare score, desil, desil source and priority must agree between the two.

The data is built once by benchmarks/registry_data.py (whole families; 13-17 minutes per database for 1,000,000
households) and reused while it holds --households families; --rebuild builds it again. Prints a table and writes
benchmarks/results/targeting.json (../shared/CONVENTIONS.md, "Benchmark results"). Anchor: OpenSPP's published
targets for its CEL engine at 1M are < 2 s preview and < 10 min batch.
"""

from __future__ import annotations

import argparse
import math
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
BENCH = BenchDatabase(sqlite_file="targeting.sqlite3", pg_database="berdaya_bench_targeting")
RESULTS = ROOT / "benchmarks" / "results" / "targeting.json"
REGENCY = "33.16"
YEAR = 2026
USERNAME = "bench_targeting_dinsos"
GOAL_DRY_RUN_S, GOAL_SCORING_S = 1, 60
PEER_SYSTEM = ("peer: Django ORM loop (iterator + prefetch_related members, weights applied in Python, "
               "bulk_update batch_size=1000)")
# (key, label, programme code, rule, amount per family typed by the officer or None for the programme's own)
RULES = [
    ("pkh_like", "dry run: PKH-like rule", "PKH",
     'desil <= 4 and bps_criteria_met >= 9 and not any(member.occupation in ["PNS", "TNI", "POLRI"])', 3_000_000),
    ("simple", "dry run: desil <= 5 (BPNT)", "BPNT", "desil <= 5", None),
]


# --- data -------------------------------------------------------------------------------------------------------
def prepare_data(db: str, *, households: int) -> dict:
    """Migrate, load regions, the registry (unless the wanted size is there), the programmes and their 2026 budget."""
    from django.core.management import call_command
    from django.db import connection

    from berdaya.regions.models import Region
    from berdaya.regions.services import regions_load
    from berdaya.registry.models import Household, Person

    call_command("migrate", verbosity=0)
    if Region.objects.count() < 83_000:
        started = time.perf_counter()
        regions_load()
        print(f"[{db}] regions loaded in {time.perf_counter() - started:.1f} s", flush=True)
    have = Household.objects.count()
    if have != households:
        if have:
            raise RebuildNeeded
        from benchmarks.registry_data import load

        print(f"[{db}] building {households:,} households ...", flush=True)
        started = time.perf_counter()
        load(households=households, echo=lambda line: print(f"[{db}] {line}", flush=True))
        print(f"[{db}] built in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # VACUUM also sets PostgreSQL's visibility map, as autovacuum would soon after a bulk load.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"[{db}] analyzed in {time.perf_counter() - started:.1f} s", flush=True)
    user = bench_user()
    seed_programmes(user)
    return {"households": Household.objects.count(), "persons": Person.objects.count(),
            "active_households": Household.objects.filter(status="active").count(),
            "official_desil": Household.objects.filter(official_desil__isnull=False).count()}


def bench_user():
    from berdaya.accounts.models import RoleAssignment, User
    from berdaya.core.permissions import Role

    user, created = User.objects.get_or_create(username=USERNAME, defaults={"first_name": "Staf Dinsos Blora"})
    if created:
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.DINSOS_STAFF, region_id=REGENCY)
    return user


def seed_programmes(user) -> None:
    """Blora's programme catalogue and its 2026 budget lines, as `berdaya programmes seed` and the demo make them."""
    from berdaya.programmes.seed import seed_budgets, seed_catalogue

    seed_catalogue(office=REGENCY)
    seed_budgets(actor=user, office=REGENCY, year=YEAR)


# --- full scoring -------------------------------------------------------------------------------------------------
class StageClock:
    """Seconds per stage from the progress callback: a stage runs from its first report to the next stage's."""

    def __init__(self):
        self.started = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.marks or self.marks[-1][0] != stage:
            self.marks.append((stage, time.perf_counter()))

    def stages(self, ended: float) -> dict[str, float]:
        out, previous = {}, self.started
        bounds = [t for _s, t in self.marks[1:]] + [ended]
        for (stage, _t), end in zip(self.marks, bounds, strict=True):
            out[stage] = out.get(stage, 0.0) + end - previous
            previous = end
        return out


def clear_scores() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM targeting_householdscore")
        cursor.execute("DELETE FROM targeting_scoringrun")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE targeting_householdscore")


def vacuum_scores() -> None:
    """PostgreSQL: what autovacuum does within a minute of a run that rewrote the score table (the dead row versions
    of the update pass would otherwise double the table the dry runs join)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE targeting_householdscore")


def full_scoring(db: str, label: str) -> dict:
    from berdaya.targeting import services
    from berdaya.targeting.models import HouseholdScore

    clock = StageClock()
    started = time.perf_counter()
    run = services.scoring_run_now(region_code=REGENCY, actor=None, progress=clock)
    seconds = time.perf_counter() - started
    stages = clock.stages(started + seconds)
    scored = HouseholdScore.objects.filter(desil_region=REGENCY, score_model=run.score_model).count()
    if scored != run.households:
        raise RuntimeError(f"{run.households} households scored but {scored} scores stored")
    print(f"[{db}] {label}: {run.households:,} households in {seconds:.1f} s "
          f"({', '.join(f'{k} {v:.1f} s' for k, v in stages.items())})", flush=True)
    return {"seconds": seconds, "households": run.households, "stages": stages}


# --- dry run ------------------------------------------------------------------------------------------------------
def dry_runs(db: str, *, runs: int) -> dict:
    from django.db import close_old_connections

    from berdaya.programmes.models import Programme
    from berdaya.targeting.rules import parse_rule
    from berdaya.targeting.selectors import dry_run

    user = bench_user()
    programmes = {p.code: p for p in Programme.objects.filter(office_id=REGENCY)}
    timings: dict[str, list[float]] = {key: [] for key, *_rest in RULES}
    outcome = {}

    def one(key, code, text, amount):
        user.__dict__.pop("_berdaya_scope_cache", None)  # a new request builds the user's scope again
        started = time.perf_counter()
        result = dry_run(user=user, programme=programmes[code], rule=parse_rule(text), region=None, year=YEAR,
                         amount_per_unit=amount)
        elapsed = time.perf_counter() - started
        close_old_connections()
        return result, elapsed

    for key, _label, code, text, amount in RULES:  # warm up
        result, _elapsed = one(key, code, text, amount)
        budget = result.budget
        outcome[key] = {"households": result.households, "persons": result.persons,
                        "districts": len(result.by_district), "villages": len(result.by_village),
                        "needed": budget.needed, "remaining": budget.remaining,
                        "amount_per_unit": budget.amount_per_unit, "fundable": budget.fundable_units}
        if not result.households or not result.by_village or budget.needed is None:
            raise RuntimeError(f"dry run {key}: nothing qualifies or no budget ({outcome[key]})")
    for _i in range(runs):
        for key, _label, code, text, amount in RULES:
            _result, elapsed = one(key, code, text, amount)
            timings[key].append(elapsed)
    for key, values in timings.items():
        outcome[key].update(median=statistics.median(values), p95=percentile(values, 95), max=max(values),
                            n=len(values))
        print(f"[{db}] dry run {key}: median {outcome[key]['median']:.3f} s, p95 {outcome[key]['p95']:.3f} s; "
              f"{outcome[key]['households']:,} households qualify", flush=True)
    return outcome


# --- the peer -----------------------------------------------------------------------------------------------------
def peer_households(n: int):
    """The first `n` active households of the regency by id, as a queryset both sides score."""
    from berdaya.targeting.scoring import households_for_region

    qs = households_for_region(REGENCY)
    last = qs.order_by("pk").values_list("pk", flat=True)[n - 1]
    return qs.filter(pk__lte=last)


class PeerFormula:
    """The welfare and priority scores of one household in plain Python, from the score model's weights (what a
    Django shop writes by hand: one function per indicator over the model instance and its prefetched members)."""

    def __init__(self, weights: dict, *, today, extreme_line: float, non_working: list[int]):
        self.welfare = weights.get("welfare") or {}
        self.priority = weights.get("priority") or {}
        self.today, self.extreme_line, self.non_working = today, extreme_line, set(non_working)

    def scores(self, household, members) -> tuple[float, float]:
        from berdaya.registry.models import BPS_FIELDS
        from berdaya.registry.vulnerability import age_on

        h = household
        ipc = h.monthly_income / h.member_count if h.monthly_income is not None and h.member_count else None
        ages = [(m, age_on(m.birth_date, self.today)) for m in members]
        children = sum(1 for _m, age in ages if age < 15)
        elderly = sum(1 for _m, age in ages if age >= 65)
        workers = sum(1 for m, age in ages if 15 <= age < 65 and m.occupation is not None
                      and m.occupation not in self.non_working)
        head_education = [m.education for m in members if m.relationship == 1 and m.education is not None]
        educations = [m.education for m in members if m.education is not None]
        features = {f"c{i:02d}": getattr(h, BPS_FIELDS[i - 1]) for i in range(1, 15)}
        features.update({
            "bps_criteria_met": h.bps_criteria_met, "has_motorcycle": h.has_motorcycle, "has_car": h.has_car,
            "has_refrigerator": h.has_refrigerator, "has_land": h.has_land, "has_livestock": h.has_livestock,
            "member_count": h.member_count, "income_per_capita": ipc,
            "floor_area_per_capita": h.floor_area_m2 / h.member_count if h.floor_area_m2 is not None
            and h.member_count else None,
            "children_under_15": children if members else None, "elderly_65_plus": elderly if members else None,
            "workers": workers if members else None,
            "disabled_members": sum(1 for m in members if m.disability != "") if members else None,
            "dependency_ratio": (children + elderly) / max(workers, 1) if members else None,
            "head_education": max(head_education) if head_education else None,
            "max_education": max(educations) if educations else None,
        })
        caps = self.welfare.get("caps") or {}
        welfare = float(self.welfare.get("base", 0))
        for key, weight in sorted((self.welfare.get("weights") or {}).items()):
            if "=" in key:
                column, _sep, value = key.partition("=")
                term = 1.0 if getattr(h, column) == value else 0.0
            else:
                raw = features[key]
                term = 0.0 if raw is None else float(raw)
            if key in caps:
                term = min(term, float(caps[key]))
            welfare += term * weight
        priority = 0.0
        for key, weight in sorted(self.priority.items()):
            has = (ipc is not None and ipc < self.extreme_line) if key == "extreme_poor" else bool(getattr(h, key))
            priority += (1.0 if has else 0.0) * weight
        return welfare, priority


def ntile(ranked_ids: list[int], buckets: int = 10) -> dict[int, int]:
    """SQL's NTILE: `buckets` groups in order, the first (n mod buckets) one row larger."""
    n = len(ranked_ids)
    size, larger = divmod(n, buckets)
    out = {}
    for i, hid in enumerate(ranked_ids):
        if i < larger * (size + 1):
            out[hid] = i // (size + 1) + 1
        else:
            out[hid] = larger + (i - larger * (size + 1)) // size + 1
    return out


def run_peer(households) -> tuple[dict[int, tuple], float]:
    """Score `households` the Django-shop way; returns ({household id: (welfare, desil, source, priority)}, s)."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from berdaya.registry import codes
    from berdaya.registry.models import Person
    from berdaya.targeting import services
    from berdaya.targeting.models import HouseholdScore
    from berdaya.targeting.rules.context import extreme_poverty_line_per_month
    from berdaya.targeting.scoring import NON_WORKING

    started = time.perf_counter()
    model = services.score_model_active()
    formula = PeerFormula(model.weights, today=timezone.localdate(), extreme_line=extreme_poverty_line_per_month(),
                          non_working=[int(c) for c in NON_WORKING])
    living = Prefetch("members", queryset=Person.objects.filter(status=codes.PersonStatus.ALIVE), to_attr="living")
    computed = {}
    for household in households.select_related("score").prefetch_related(living).iterator(chunk_size=2000):
        welfare, priority = formula.scores(household, household.living)
        computed[household.pk] = (household, welfare, priority)
    ranked = sorted(computed, key=lambda hid: (computed[hid][1], hid))
    desils = ntile(ranked)
    now = timezone.now()
    updates, creates, results = [], [], {}
    for hid, (household, welfare, priority) in computed.items():
        source = "official" if household.official_desil is not None else "computed"
        results[hid] = (welfare, desils[hid], source, priority)
        score = getattr(household, "score", None)
        values = {"score_model": model, "welfare_score": welfare, "computed_desil": desils[hid],
                  "desil_region": "", "desil_source": source, "priority_score": priority, "computed_at": now}
        if score is None:
            creates.append(HouseholdScore(household=household, **values))
        else:
            for name, value in values.items():
                setattr(score, name, value)
            updates.append(score)
    HouseholdScore.objects.bulk_update(updates, ["score_model", "welfare_score", "computed_desil", "desil_region",
                                                 "desil_source", "priority_score", "computed_at"], batch_size=1000)
    HouseholdScore.objects.bulk_create(creates, batch_size=1000)
    return results, time.perf_counter() - started


def peer_comparison(db: str, *, n: int) -> dict:
    from berdaya.targeting import services
    from berdaya.targeting.models import HouseholdScore
    from berdaya.targeting.scoring import run_scoring

    households = peer_households(n)
    print(f"[{db}] peer: {n:,} households, ORM loop + bulk_update ...", flush=True)
    peer, peer_seconds = run_peer(households)
    print(f"[{db}] peer: {peer_seconds:.1f} s ({len(peer) / peer_seconds:,.0f} households/s)", flush=True)
    started = time.perf_counter()
    ours = run_scoring(households, score_model=services.score_model_active(), region_code="")
    ours_seconds = time.perf_counter() - started
    print(f"[{db}] Berdaya on the peer's households: {ours_seconds:.1f} s "
          f"({ours.households / ours_seconds:,.0f} households/s)", flush=True)
    stored = {row[0]: row[1:] for row in HouseholdScore.objects.filter(household__in=households.values("pk"))
              .values_list("household_id", "welfare_score", "computed_desil", "desil_source", "priority_score")}
    disagree = [hid for hid, (w, d, s, p) in peer.items()
                if hid not in stored or not math.isclose(w, stored[hid][0], rel_tol=1e-12, abs_tol=1e-9)
                or (d, s) != tuple(stored[hid][1:3]) or not math.isclose(p, stored[hid][3], abs_tol=1e-9)]
    if disagree or len(stored) != len(peer) or ours.households != len(peer):
        sample = [(hid, peer[hid], stored.get(hid)) for hid in disagree[:5]]
        raise RuntimeError(f"the peer and Berdaya disagree on {len(disagree)} of {len(peer)} households: {sample}")
    rng = random.Random(5)
    example = rng.choice(sorted(peer))
    print(f"[{db}] all {len(peer):,} households agree (e.g. household {example}: peer {peer[example]}, "
          f"Berdaya {stored[example]})", flush=True)
    return {"households": len(peer), "peer_seconds": peer_seconds, "ours_seconds": ours_seconds,
            "agree": len(peer)}


# --- one database ---------------------------------------------------------------------------------------------------
def run_one(db: str, args) -> dict:
    size = BENCH.open(db, rebuild=args.rebuild, prepare=lambda: prepare_data(db, households=args.households))
    print(f"[{db}] {size['households']:,} households ({size['active_households']:,} active), "
          f"{size['persons']:,} people, {size['official_desil']:,} with an official desil", flush=True)
    clear_scores()
    scoring = {"first": full_scoring(db, "full scoring (empty score table)"),
               "rescore": full_scoring(db, "full scoring again (updates)")}
    vacuum_scores()
    dry = dry_runs(db, runs=args.runs)
    peer = peer_comparison(db, n=args.peer) if args.peer else None
    return {"db": db, "size": size, "scoring": scoring, "dry_run": dry, "peer": peer}


# --- reporting ------------------------------------------------------------------------------------------------------
def table(runs: list[dict]) -> str:
    lines = [f"{'':38} {'db':10} {'median s':>9} {'p95 s':>7} {'qualify':>9}  goal < {GOAL_DRY_RUN_S} s"]
    for key, label, *_rest in RULES:
        for run in runs:
            r = run["dry_run"][key]
            verdict = "ok" if r["p95"] < GOAL_DRY_RUN_S else "MISSED"
            lines.append(f"{label:38} {run['db']:10} {r['median']:>9.3f} {r['p95']:>7.3f} {r['households']:>9,}  "
                         f"{verdict}")
    lines.append("")
    lines.append(f"{'':38} {'db':10} {'seconds':>9} {'hh/s':>9}  stages; goal < {GOAL_SCORING_S} s")
    for name, label in (("first", "full scoring, empty score table"), ("rescore", "full scoring again (updates)")):
        for run in runs:
            r = run["scoring"][name]
            verdict = "ok" if r["seconds"] < GOAL_SCORING_S else "MISSED"
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
            lines.append(f"{label:38} {run['db']:10} {r['seconds']:>9.1f} {r['households'] / r['seconds']:>9,.0f}  "
                         f"{stages}; {verdict}")
    if any(run["peer"] for run in runs):
        lines.append("")
        lines.append(f"{'':38} {'db':10} {'seconds':>9} {'hh/s':>9} {'x peer':>7}")
        for run in runs:
            p = run["peer"]
            if not p:
                continue
            peer_rate, ours_rate = p["households"] / p["peer_seconds"], p["households"] / p["ours_seconds"]
            lines.append(f"{'peer: ORM loop + bulk_update':38} {run['db']:10} {p['peer_seconds']:>9.1f} "
                         f"{peer_rate:>9,.0f} {1:>7.1f}")
            lines.append(f"{'Berdaya, same households':38} {run['db']:10} {p['ours_seconds']:>9.1f} "
                         f"{ours_rate:>9,.0f} {ours_rate / peer_rate:>7.1f}")
            full = run["scoring"]["rescore"]
            full_rate = full["households"] / full["seconds"]
            lines.append(f"{'Berdaya, full scoring (again)':38} {run['db']:10} {full['seconds']:>9.1f} "
                         f"{full_rate:>9,.0f} {full_rate / peer_rate:>7.1f}")
    for run in runs:
        s = run["size"]
        lines.append(f"[{run['db']}] {s['households']:,} households ({s['active_households']:,} active), "
                     f"{s['persons']:,} people; {run['dry_run'][RULES[0][0]]['n']} dry runs of each rule"
                     + (f"; peer {run['peer']['households']:,} households, all agree" if run["peer"] else ""))
    return "\n".join(lines)


def results_json(runs: list[dict]) -> dict:
    figures = []
    for run in runs:
        db = run["db"]
        for key, *_rest in RULES:
            r = run["dry_run"][key]
            figures.append({"name": f"dry_run_{key}_p95", "db": db, "value": round(r["p95"], 3), "unit": "s",
                            "goal": f"< {GOAL_DRY_RUN_S}"})
            figures.append({"name": f"dry_run_{key}_median", "db": db, "value": round(r["median"], 3), "unit": "s"})
            figures.append({"name": f"dry_run_{key}_households", "db": db, "value": r["households"],
                            "unit": "households"})
            figures.append({"name": f"dry_run_{key}_budget_needed", "db": db, "value": r["needed"], "unit": "IDR"})
        for name in ("first", "rescore"):
            r = run["scoring"][name]
            prefix = "full_scoring" if name == "rescore" else "full_scoring_first"
            figures.append({"name": f"{prefix}_seconds", "db": db, "value": round(r["seconds"], 1), "unit": "s",
                            "goal": f"< {GOAL_SCORING_S}"})
            for stage, seconds in r["stages"].items():
                figures.append({"name": f"{prefix}_{stage}_seconds", "db": db, "value": round(seconds, 1),
                                "unit": "s"})
            figures.append({"name": f"{prefix}_households_per_s", "db": db,
                            "value": round(r["households"] / r["seconds"]), "unit": "households/s"})
        p = run["peer"]
        if p:
            peer_rate, ours_rate = p["households"] / p["peer_seconds"], p["households"] / p["ours_seconds"]
            figures.append({"name": "households_per_s_ratio_to_peer", "db": db,
                            "value": round(ours_rate / peer_rate, 1), "unit": "x"})
            figures.append({"name": "peer_households_per_s", "db": db, "system": PEER_SYSTEM,
                            "value": round(peer_rate), "unit": "households/s"})
            figures.append({"name": "peer_seconds", "db": db, "system": PEER_SYSTEM,
                            "value": round(p["peer_seconds"], 1), "unit": "s"})
            figures.append({"name": "peer_set_households_per_s", "db": db, "value": round(ours_rate),
                            "unit": "households/s"})
            figures.append({"name": "peer_households", "db": db, "value": p["households"], "unit": "households"})
            figures.append({"name": "peer_households_agreeing", "db": db, "value": p["agree"], "unit": "households"})
        figures.append({"name": "households", "db": db, "value": run["size"]["households"], "unit": "rows"})
        figures.append({"name": "persons", "db": db, "value": run["size"]["persons"], "unit": "rows"})
        figures.append({"name": "dry_runs_per_rule", "db": db, "value": run["dry_run"][RULES[0][0]]["n"],
                        "unit": "runs"})
    return {"benchmark": "targeting", "date": datetime.now(ZoneInfo("Asia/Jakarta")).isoformat(timespec="seconds"),
            "commit": git_commit(), "machine": machine(), "figures": figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--peer", type=int, default=50_000, help="households the peer scores (0: no peer)")
    parser.add_argument("--runs", type=int, default=20, help="timed dry runs of each rule")
    parser.add_argument("--rebuild", action="store_true", help="build the benchmark data again")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write the results file")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)  # used when --db both runs each database apart
    args = parser.parse_args(argv)
    if args.peer > args.households:
        parser.error("--peer cannot exceed --households")

    forward = ["--households", str(args.households), "--peer", str(args.peer), "--runs", str(args.runs)]
    runs = runs_per_database(args, run_one, script=__file__, forward=forward + ["--rebuild"] * args.rebuild)
    if runs is None:
        return 0
    print()
    print(table(runs))
    if args.no_write:
        return 0
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(format_results(results_json(runs)))
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
