"""Two heads of office approve two lists drawing on the same budget line at the same moment; the line holds room
for one of them. Shared by test_approve_concurrency (PostgreSQL, in the test database) and, run as
`python -m tests.enrolment.concurrency` with DATABASE_URL set, on a file SQLite database of its own."""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import date

YEAR = 2026
PER_YEAR = 3_600_000
FAMILIES = 3  # per list


def prepare(staff, kadis_a, kadis_b):
    """Two draft lists (districts 33.16.01 and 33.16.02) of three families each, on one line with room for 4."""
    from berdaya.enrolment import services
    from berdaya.programmes import services as programmes
    from berdaya.programmes.models import FundingSource
    from berdaya.targeting import services as targeting
    from tests import factories
    from tests.enrolment.conftest import programme_data

    source = FundingSource.objects.create(code="apbn", kind="apbn", name="APBN")
    programme = programmes.programme_create(actor=staff, data=programme_data(funding_sources=[source]))
    targeting.rule_save(actor=staff, programme=programme, expression="member_count >= 1")
    line = programmes.budget_allocate(actor=staff, programme=programme, source=source, year=YEAR,
                                      amount=(FAMILIES + 1) * PER_YEAR, reason="DPA")
    lists = []
    for district in ("33.16.01", "33.16.02"):
        for i in range(FAMILIES):
            factories.household(actor=staff, village=f"{district}.2001", head_name=f"Kepala {district} {i}")
        lists.append(services.list_build(actor=staff, programme=programme, year=YEAR, region=district,
                                         require_verval=False))
    return line, lists


def approve_both_at_once(heads, lists) -> list[tuple[str, str]]:
    from django.db import connection

    from berdaya.core.errors import ApplicationError
    from berdaya.core.permissions import Perm, region_prefixes
    from berdaya.enrolment import services

    for head in heads:
        for perm in (Perm.ENROLMENT_APPROVE, Perm.BUDGET_APPROVE, Perm.BUDGET_MANAGE, Perm.PROPOSALS_REVIEW):
            region_prefixes(head, perm)  # fill the permission cache before the threads share the object
    barrier = threading.Barrier(len(lists))
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def head_of_office(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.list_approve(actor=heads[i], enrolment_list=lists[i], decree_number=f"400/{i + 1}/2026",
                                  decree_date=date(YEAR, 1, 20))
            outcome = ("ok", str(lists[i].pk))
        except ApplicationError as exc:
            outcome = (exc.code, str(exc.message))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, which fails on it
            outcome = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=head_of_office, args=(i,)) for i in range(len(lists))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def state(line) -> dict:
    from berdaya.enrolment.models import EnrolmentList
    from berdaya.programmes.models import BudgetCommitment, BudgetLine

    line = BudgetLine.objects.get(pk=line.pk)
    return {"allocated": line.allocated, "committed": line.committed,
            "commitments": sorted(BudgetCommitment.objects.filter(line=line).values_list("amount", flat=True)),
            "approved_lists": EnrolmentList.objects.filter(status="approved").count()}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from berdaya.core.permissions import Role
    from berdaya.regions.services import regions_load
    from tests import factories

    settings.BERDAYA_DECREE_INLINE_MAX = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", "--no-input", verbosity=0)
    regions_load(only_prefix="33.16")
    staff = factories.user_without_password(username="staf", role=Role.DINSOS_STAFF, region="33.16")
    heads = [factories.user_without_password(username=f"kadis{i}", role=Role.HEAD_OF_OFFICE, region="33.16")
             for i in range(2)]
    line, lists = prepare(staff, *heads)
    from django.db import connection

    print(json.dumps({"vendor": connection.vendor, "results": approve_both_at_once(heads, lists),
                      "state": state(line)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
