"""The ranked candidate list: priority first, then the poorest; within the budget marked; xlsx export."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from berdaya.registry.models import Household
from berdaya.targeting import services
from berdaya.targeting.models import DesilSource, HouseholdScore
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B


def _score(household, model, *, priority, welfare):
    HouseholdScore.objects.create(household=household, score_model=model, welfare_score=welfare, computed_desil=1,
                                  desil_source=DesilSource.COMPUTED, priority_score=priority,
                                  computed_at="2026-01-01T00:00Z")


def _population(staff_blora, score_model):
    made = [factories.household(actor=staff_blora, village=VILLAGE_A, head_name=f"Kepala {i}") for i in range(4)]
    _score(made[0], score_model, priority=2, welfare=10)
    _score(made[1], score_model, priority=7, welfare=30)
    _score(made[2], score_model, priority=2, welfare=5)
    return made  # made[3] has no score: last


def test_candidates_are_ranked_by_priority_then_by_the_lowest_welfare(client, staff_blora, blt, score_model):
    made = _population(staff_blora, score_model)
    services.rule_save(actor=staff_blora, programme=blt, expression="member_count >= 1")
    client.force_login(staff_blora)
    response = client.get(reverse("targeting:candidates", args=[blt.pk]), {"year": 2026})
    heads = [row["household"].head_name for row in response.context["rows"]]
    assert heads == [made[1].head_name, made[2].head_name, made[0].head_name, made[3].head_name]
    # Rp 8.500.000 left, Rp 3.600.000 per family: the first two are within the budget
    assert [row["within"] for row in response.context["rows"]] == [True, True, False, False]


def test_the_list_exports_to_xlsx_in_the_same_order(client, staff_blora, blt, score_model):
    made = _population(staff_blora, score_model)
    services.rule_save(actor=staff_blora, programme=blt, expression="member_count >= 1")
    client.force_login(staff_blora)
    response = client.get(reverse("targeting:candidates", args=[blt.pk]), {"year": 2026, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("PERINGKAT", "NO_KK", "KEPALA_KELUARGA")
    assert [r[1] for r in rows[1:]] == [made[i].kk_number for i in (1, 2, 0, 3)]
    assert [r[-1] for r in rows[1:]] == ["Ya", "Ya", "Tidak", "Tidak"]


def test_a_village_operator_sees_only_their_village(client, staff_blora, operator_desa_a, blt, score_model):
    _population(staff_blora, score_model)
    factories.household(actor=staff_blora, village=VILLAGE_B)
    services.rule_save(actor=staff_blora, programme=blt, expression="member_count >= 1")
    client.force_login(operator_desa_a)
    response = client.get(reverse("targeting:candidates", args=[blt.pk]))
    assert {row["household"].village_id for row in response.context["rows"]} == {VILLAGE_A}
    assert Household.objects.filter(village_id=VILLAGE_B).exists()


def test_a_user_of_another_region_is_refused(client, staff_blora, blt_pasuruan):
    client.force_login(staff_blora)
    assert client.get(reverse("targeting:candidates", args=[blt_pasuruan.pk])).status_code == 404


def test_a_programme_without_a_rule_says_so(client, staff_blora, blt):
    client.force_login(staff_blora)
    page = client.get(reverse("targeting:candidates", args=[blt.pk])).content.decode()
    assert "belum punya aturan" in page


def test_households_meeting_the_programmes_priority_rule_come_first(client, staff_blora, blt, score_model):
    made = _population(staff_blora, score_model)
    Household.objects.filter(pk=made[0].pk).update(official_desil=1)  # BLT Dana Desa: desil 1 first
    blt.priority_rule = "official_desil == 1"
    blt.save()
    services.rule_save(actor=staff_blora, programme=blt, expression="member_count >= 1")
    client.force_login(staff_blora)
    response = client.get(reverse("targeting:candidates", args=[blt.pk]), {"year": 2026})
    heads = [row["household"].head_name for row in response.context["rows"]]
    assert heads == [made[0].head_name, made[1].head_name, made[2].head_name, made[3].head_name]
