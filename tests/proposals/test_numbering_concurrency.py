"""Proposal numbers come from the primary key: villages filing at the same moment never collide.

Each thread opens its own connection and waits at a barrier so the filings overlap. PostgreSQL only: the in-memory
SQLite database pytest-django uses cannot take concurrent writers (see tests/programmes/test_budget_concurrency.py).
"""

import threading

import pytest
from django.db import connection

from berdaya.core.permissions import Perm, region_prefixes
from berdaya.proposals.models import Proposal
from tests import factories
from tests.conftest import VILLAGE_A
from tests.proposals.conftest import YEAR, file_proposal, item

THREADS = 6
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=ON_POSTGRESQL)
def test_villages_filing_at_once_get_distinct_numbers(regions_present, operator_desa_a, staff_blora, uep):
    households = [factories.household(actor=staff_blora, village=VILLAGE_A) for _ in range(THREADS)]
    for perm in (Perm.PROPOSALS_FILE, Perm.PROPOSALS_VIEW):
        region_prefixes(operator_desa_a, perm)  # fill the permission cache before the threads share the user
    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def village(household):
        try:
            barrier.wait(timeout=30)
            outcome = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household)]).number
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=village, args=(h,)) for h in households]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = {p.pk: p.number for p in Proposal.objects.all()}
    assert sorted(outcomes) == sorted(numbers.values())
    assert len(numbers) == THREADS
    assert all(number == f"USL-{YEAR}-{pk:06d}" for pk, number in numbers.items())
