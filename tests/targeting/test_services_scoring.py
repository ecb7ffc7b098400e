"""Scoring runs: extract → DuckDB → bulk write-back, as a background job with progress; the official desil wins."""

import pytest
from django.core.management import call_command

from berdaya.core.errors import ApplicationError
from berdaya.regions.models import Region
from berdaya.registry import services as registry_services
from berdaya.registry.models import Household
from berdaya.targeting import services
from berdaya.targeting.models import DesilSource, HouseholdScore, ScoreModel, ScoringRun
from berdaya.targeting.rules import parse_rule
from berdaya.targeting.selectors import eligible_households
from tests import factories
from tests.conftest import BLORA, VILLAGE_A, VILLAGE_A2, VILLAGE_B, VILLAGE_P

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def blora_households(staff_blora):
    """Twenty households in three Blora villages, income rising with the number, and one in Kota Pasuruan."""
    made = []
    for i in range(20):
        village = [VILLAGE_A, VILLAGE_A2, VILLAGE_B][i % 3]
        made.append(factories.household(actor=staff_blora, village=village, monthly_income=200_000 * (i + 1),
                                        head_name=f"Kepala {i}"))
    return made


def _run(actor, region_code=BLORA) -> ScoringRun:
    return services.scoring_start(actor=actor, region=Region.objects.get(code=region_code))


def test_a_run_scores_every_active_household_of_the_region_in_the_background(settings, staff_blora,
                                                                             blora_households, admin_user):
    settings.TASKS = IMMEDIATE
    factories.household(actor=admin_user, village=VILLAGE_P)
    run = _run(staff_blora)
    assert (run.state, run.households, run.progress_stage, run.percent) == ("finished", 20, "write", 100)
    scores = HouseholdScore.objects.filter(household__in=blora_households)
    assert scores.count() == 20
    assert not HouseholdScore.objects.filter(household__village_id=VILLAGE_P).exists()
    by_income = scores.order_by("household__monthly_income")
    desils = list(by_income.values_list("computed_desil", flat=True))
    assert desils == sorted(desils) and desils[0] == 1 and desils[-1] == 10
    assert set(scores.values_list("desil_region", flat=True)) == {BLORA}


def test_the_official_desil_overrides_the_computed_one(settings, staff_blora, blora_households):
    settings.TASKS = IMMEDIATE
    richest = blora_households[-1]
    registry_services.household_update(actor=staff_blora, household=richest, data={"official_desil": 1})
    _run(staff_blora)
    score = HouseholdScore.objects.get(household=richest)
    assert (score.computed_desil, score.desil_source, score.desil) == (10, DesilSource.OFFICIAL, 1)
    eligible = eligible_households(user=staff_blora, rule=parse_rule("desil <= 1"))
    two_poorest = blora_households[:2]  # 20 households: two per desil
    assert set(eligible) == {richest, *two_poorest}  # official 1, and computed 1 (no official desil)


def test_a_registry_change_marks_the_scores_stale_until_the_next_run(settings, staff_blora, blora_households):
    settings.TASKS = IMMEDIATE
    _run(staff_blora)
    model = ScoreModel.objects.get(active=True)
    assert model.scores_stale_since is None
    registry_services.household_update(actor=staff_blora, household=blora_households[0], data={"has_car": True})
    model.refresh_from_db()
    assert model.scores_stale_since is not None
    _run(staff_blora)
    model.refresh_from_db()
    assert model.scores_stale_since is None


def test_a_village_operator_cannot_start_a_run(settings, operator_desa_a):
    settings.TASKS = IMMEDIATE
    with pytest.raises(ApplicationError) as caught:
        _run(operator_desa_a, VILLAGE_A)
    assert caught.value.code == "forbidden"
    assert not ScoringRun.objects.exists()


def test_staff_of_one_regency_cannot_score_another_or_everything(settings, staff_blora):
    settings.TASKS = IMMEDIATE
    with pytest.raises(ApplicationError):
        _run(staff_blora, "35.75")
    with pytest.raises(ApplicationError):
        services.scoring_start(actor=staff_blora, region=None)


def test_a_second_run_is_refused_while_one_is_queued(settings, staff_blora):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = _run(staff_blora)
    assert first.state == "queued"
    with pytest.raises(ApplicationError) as caught:
        _run(staff_blora)
    assert caught.value.code == "conflict"


def test_a_run_whose_process_died_an_hour_ago_no_longer_blocks_a_new_one(settings, staff_blora):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    dead = _run(staff_blora)
    ScoringRun.objects.filter(pk=dead.pk).update(state="running",
                                                 started_at=timezone.now() - timedelta(minutes=61))
    fresh = _run(staff_blora)
    dead.refresh_from_db()
    assert (dead.state, fresh.state) == ("failed", "queued")
    assert "Terputus" in dead.error_message
    with pytest.raises(ApplicationError):  # the new one, still fresh, does block
        _run(staff_blora)


def test_a_run_delivered_twice_runs_once(settings, staff_blora, blora_households):
    settings.TASKS = IMMEDIATE
    run = _run(staff_blora)
    assert services.scoring_execute(run_id=run.pk) is None


def test_rescoring_updates_every_row_with_the_new_model(settings, staff_blora, blora_households):
    settings.TASKS = IMMEDIATE
    _run(staff_blora)
    services.score_model_save(actor=staff_blora, weights={"welfare": {"base": 1}, "priority": {}}, note="rata")
    _run(staff_blora)
    assert HouseholdScore.objects.count() == 20
    assert set(HouseholdScore.objects.values_list("welfare_score", flat=True)) == {1.0}
    assert set(HouseholdScore.objects.values_list("score_model__version", flat=True)) == {2}


def test_the_command_scores_a_region_now(blora_households, capsys):
    call_command("targeting_score", "--region", VILLAGE_A)
    assert "7 keluarga dihitung" in capsys.readouterr().out
    assert HouseholdScore.objects.count() == Household.objects.filter(village_id=VILLAGE_A).count() == 7
