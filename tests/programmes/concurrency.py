"""The concurrent-commit scenario, shared by test_budget_concurrency (in the test database) and, run as
`python -m tests.programmes.concurrency` with DATABASE_URL set, on a file SQLite database of its own.

Twenty officers commit from the same budget line at the same moment. Each thread opens its own database connection
and waits at a barrier, so the commits really overlap. The line holds room for exactly half of them.
"""

from __future__ import annotations

import json
import os
import sys
import threading

THREADS = 20
HALF = THREADS // 2
AMOUNT = 2_400_000
YEAR = 2026


def open_line(staff):
    """A programme of Blora with one funding source and a line that has room for HALF commitments."""
    from berdaya.programmes import services
    from berdaya.programmes.models import FundingSource
    from tests.programmes.conftest import programme_data

    source = FundingSource.objects.create(code="apbn", kind="apbn", name="APBN")
    programme = services.programme_create(actor=staff, data=programme_data(funding_sources=[source]))
    return services.budget_allocate(actor=staff, programme=programme, source=source, year=YEAR,
                                    amount=HALF * AMOUNT, reason="DPA 2026")


def commit_all_at_once(actor, line) -> list[tuple[str, str]]:
    """(outcome, detail) per thread: ("ok", pk), (ApplicationError code, message) or ("error", repr)."""
    from django.db import connection

    from berdaya.core.errors import ApplicationError
    from berdaya.core.permissions import Perm, region_prefixes
    from berdaya.programmes import services

    for perm in (Perm.BUDGET_MANAGE, Perm.BUDGET_APPROVE):
        region_prefixes(actor, perm)  # fill the per-user permission cache before the threads share the object
    barrier = threading.Barrier(THREADS)
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def officer(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            commitment = services.budget_commit(actor=actor, line=line, amount=AMOUNT, reference=f"enrolment:{i}")
            outcome = ("ok", str(commitment.pk))
        except ApplicationError as exc:
            outcome = (exc.code, str(exc.message))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, which fails on it
            outcome = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def line_state(line) -> dict:
    from berdaya.programmes.models import BudgetCommitment, BudgetLine

    line = BudgetLine.objects.get(pk=line.pk)
    written = list(BudgetCommitment.objects.filter(line=line).values_list("amount", flat=True))
    return {"allocated": line.allocated, "committed": line.committed, "commitments": len(written),
            "sum_of_commitments": sum(written)}


def main() -> int:
    """Run the scenario on the database DATABASE_URL names (a fresh file SQLite database); print JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from berdaya.core.permissions import Role
    from berdaya.regions.services import regions_load
    from tests import factories

    call_command("migrate", "--no-input", verbosity=0)
    regions_load(only_prefix="33.16")
    staff = factories.user_without_password(username="staf", role=Role.DINSOS_STAFF, region="33.16")
    kadis = factories.user_without_password(username="kadis", role=Role.HEAD_OF_OFFICE, region="33.16")
    line = open_line(staff)
    from django.db import connection

    print(json.dumps({"vendor": connection.vendor,
                      "transaction_mode": connection.settings_dict.get("OPTIONS", {}).get("transaction_mode"),
                      "results": commit_all_at_once(kadis, line), "line": line_state(line)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
