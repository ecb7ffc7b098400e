"""One small demo population per test module, generated into the test database and rolled back afterwards.

Generating takes about a second; doing it once per module instead of once per test keeps the suite fast. Each
test still runs in its own savepoint (the `db` fixture), inside the module's transaction.
"""

import pytest
from django.db import transaction
from django.utils import timezone

from berdaya.demo.build import generate

DEMO_HOUSEHOLDS = 400
DEMO_SEED = 7


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    today = timezone.localdate()
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, today=today)
        yield result
        transaction.set_rollback(True)
