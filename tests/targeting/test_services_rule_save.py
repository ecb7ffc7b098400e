"""rule_save: every change is a new version; refused rules are never stored nor run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berdaya.core.errors import ApplicationError
from berdaya.targeting import services
from berdaya.targeting.models import EligibilityRule


def test_saving_makes_a_new_active_version_and_keeps_the_old_one(staff_blora, blt):
    first = services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4", note="awal")
    second = services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 3\r\n", note="lebih ketat")
    first.refresh_from_db()
    assert (first.version, first.active, second.version, second.active) == (1, False, 2, True)
    assert second.expression == "desil <= 3" and second.created_by == staff_blora


def test_restoring_an_old_version_saves_it_again_as_the_newest(staff_blora, blt):
    first = services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4")
    services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 3")
    restored = services.rule_restore(actor=staff_blora, rule=first)
    assert (restored.version, restored.expression, restored.active) == (3, "desil <= 4", True)


def test_an_unchanged_rule_is_not_saved_again(staff_blora, blt):
    services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4")
    with pytest.raises(ApplicationError) as caught:
        services.rule_save(actor=staff_blora, programme=blt, expression="desil <= 4")
    assert caught.value.code == "unchanged"


def test_a_malformed_rule_is_refused_with_its_position_and_never_reaches_the_database(staff_blora, blt):
    with CaptureQueriesContext(connection) as queries, pytest.raises(ApplicationError) as caught:
        services.rule_save(actor=staff_blora, programme=blt, expression='desil <= 4 and __import__("os")')
    error = caught.value
    assert (error.field, error.extra["line"], error.extra["column"]) == ("expression", 1, 16)
    assert error.message.startswith("Baris 1, kolom 16") and "^" in error.message
    assert not any("__import__" in q["sql"] or "registry_household" in q["sql"] for q in queries)
    assert not EligibilityRule.objects.exists()


def test_only_targeting_managers_of_the_office_may_change_a_rule(operator_desa_a, kadis, blt_pasuruan, staff_blora):
    for actor, programme in ((operator_desa_a, blt_pasuruan), (kadis, blt_pasuruan), (staff_blora, blt_pasuruan)):
        with pytest.raises(ApplicationError) as caught:
            services.rule_save(actor=actor, programme=programme, expression="desil <= 4")
        assert caught.value.code == "forbidden"
    assert not EligibilityRule.objects.exists()
