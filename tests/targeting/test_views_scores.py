"""The scores page: weights as a new version, a scoring run started and its progress polled; the distribution
charts per village."""

import json

from django.urls import reverse

from berdaya.targeting.models import HouseholdScore, ScoreModel, ScoringRun
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, VILLAGE_A, VILLAGE_A2

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_staff_save_new_weights_as_a_version(client, staff_blora, score_model):
    client.force_login(staff_blora)
    weights = {"welfare": {"base": 10, "weights": {"has_car": 5}}, "priority": {"vul_disability": 1}}
    response = client.post(reverse("targeting:scores"), {"weights": json.dumps(weights), "note": "uji"})
    assert response.status_code == 302
    assert ScoreModel.objects.get(active=True).weights == weights


def test_unknown_indicators_in_the_weights_are_refused_with_their_name(client, staff_blora, score_model):
    client.force_login(staff_blora)
    weights = {"welfare": {"weights": {"has_boat": 5}}}
    page = client.post(reverse("targeting:scores"), {"weights": json.dumps(weights)}).content.decode()
    assert "has_boat" in page and ScoreModel.objects.count() == 1
    page = client.post(reverse("targeting:scores"), {"weights": "{not json"}).content.decode()
    assert "JSON tidak valid" in page


def test_starting_a_run_scores_the_region_and_the_row_reports_its_progress(client, settings, staff_blora):
    settings.TASKS = IMMEDIATE
    factories.household(actor=staff_blora, village=VILLAGE_A)
    client.force_login(staff_blora)
    response = client.post(reverse("targeting:scoring_start"), {"region": BLORA})
    assert response.status_code == 302
    run = ScoringRun.objects.get()
    assert (run.state, run.households) == ("finished", 1) and HouseholdScore.objects.count() == 1
    row = client.get(reverse("targeting:scoring_run_status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert f'id="run-{run.pk}"' in row.content.decode() and "every 2s" not in row.content.decode()


def test_a_head_of_office_cannot_change_weights_or_start_a_run(client, kadis, score_model):
    client.force_login(kadis)
    assert client.post(reverse("targeting:scores"), {"weights": "{}"}).status_code == 403
    assert client.post(reverse("targeting:scoring_start"), {"region": BLORA}).status_code == 403
    assert client.get(reverse("targeting:scores")).status_code == 200


def test_a_run_outside_the_scope_is_refused(client, staff_blora, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(staff_blora)
    client.post(reverse("targeting:scoring_start"), {"region": "35.75"})
    assert not ScoringRun.objects.exists()


def test_the_distribution_draws_one_chart_per_village(client, settings, staff_blora):
    settings.TASKS = IMMEDIATE
    for village in (VILLAGE_A, VILLAGE_A, VILLAGE_A2):
        factories.household(actor=staff_blora, village=village)
    client.force_login(staff_blora)
    client.post(reverse("targeting:scoring_start"), {"region": BLORA})
    response = client.get(reverse("targeting:distribution"), {"region": DISTRICT_A})
    page = response.content.decode()
    assert [c["village"].code for c in response.context["villages"]] == [VILLAGE_A, VILLAGE_A2]
    assert page.count("<svg") == 3 and "<rect" in page and "style=" not in page
