"""`berdaya programmes seed` and the demo's catalogue: the programmes of domain.md, idempotent by code."""

import pytest

from berdaya.programmes.models import (
    BenefitComponent,
    BenefitKit,
    BudgetLine,
    BudgetRevision,
    FundingSource,
    KitItem,
    Partner,
    Programme,
)
from berdaya.programmes.seed import DEMO_BUDGET, PROGRAMMES, seed_budgets, seed_catalogue, seed_demo
from tests.conftest import BLORA, PASURUAN


def _snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in
            (Programme, BenefitComponent, BenefitKit, KitItem, FundingSource, Partner)}


def test_it_seeds_the_programmes_of_the_domain_notes(db):
    seed_catalogue(office=BLORA)
    codes = set(Programme.objects.filter(office_id=BLORA).values_list("code", flat=True))
    assert codes == {"PKH", "BPNT", "BLT-DD", "UEP", "KUBE", "PELATIHAN", "YATIM-LKSA", "BENCANA", "BEASISWA",
                     "PBI-JK"}
    amounts = dict(Programme.objects.filter(office_id=BLORA).values_list("code", "benefit_amount"))
    assert amounts["BPNT"] == 200_000
    assert amounts["BLT-DD"] == 300_000
    assert amounts["UEP"] == 2_500_000
    assert amounts["KUBE"] == 2_000_000
    assert amounts["PBI-JK"] == 42_000
    kube = Programme.objects.get(office_id=BLORA, code="KUBE")
    assert (kube.group_size_min, kube.group_size_max) == (5, 20)
    assert Programme.objects.get(office_id=BLORA, code="BLT-DD").duration_months == 12


def test_pkh_components_carry_the_amounts_and_caps_per_family(db):
    seed_catalogue(office=BLORA)
    pkh = Programme.objects.get(office_id=BLORA, code="PKH")
    components = {c.code: (c.amount_per_year, c.cap_per_family) for c in pkh.components.all()}
    assert components == {
        "hamil": (3_000_000, 2), "anak_usia_dini": (3_000_000, 2), "sd": (900_000, None),
        "smp": (1_500_000, None), "sma": (2_000_000, None), "disabilitas_berat": (2_400_000, 1),
        "lansia": (2_400_000, 1),
    }


def test_every_seeded_kit_fits_within_its_programmes_value_per_family(db):
    seed_catalogue(office=BLORA)
    kits = BenefitKit.objects.select_related("programme").prefetch_related("items")
    assert {k.business_type for k in kits if k.programme.code == "UEP"} == {
        "kiosk", "warung_kopi", "tambal_ban", "pijat", "ternak_ayam"}
    for kit in kits:
        assert kit.items.exists(), kit.name
        assert kit.total <= kit.programme.benefit_amount, kit.name


def test_training_is_run_with_sentra_magolaras(db):
    seed_catalogue(office=BLORA)
    training = Programme.objects.get(office_id=BLORA, code="PELATIHAN")
    assert "sentra-magolaras" in set(training.partners.values_list("code", flat=True))
    assert {k.business_type for k in training.kits.all()} == {"menjahit", "membatik", "tata_boga", "digital"}


def test_seeding_twice_changes_nothing(db):
    first = seed_catalogue(office=BLORA)
    before = _snapshot()
    second = seed_catalogue(office=BLORA)
    assert _snapshot() == before
    assert first["programme.created"] == len(PROGRAMMES)
    assert second["programme.created"] == 0 and second["programme.unchanged"] == len(PROGRAMMES)
    assert sum(v for k, v in second.items() if k.endswith((".created", ".updated"))) == 0


def test_each_seeded_rule_becomes_version_1_of_the_programmes_versioned_rule_and_is_kept_once_edited(db, staff_blora):
    from berdaya.targeting.models import EligibilityRule
    from berdaya.targeting.services import rule_save

    seed_catalogue(office=BLORA)
    pkh = Programme.objects.get(office_id=BLORA, code="PKH")
    seeded = EligibilityRule.objects.get(programme=pkh)
    assert (seeded.version, seeded.active, seeded.expression) == (1, True, "desil <= 4")
    with_rules = {s.code for s in PROGRAMMES if s.eligibility_rule}
    assert set(EligibilityRule.objects.filter(active=True).values_list("programme__code", flat=True)) == with_rules
    rule_save(actor=staff_blora, programme=pkh, expression="desil <= 3", note="tighter")
    seed_catalogue(office=BLORA, update=True)
    assert EligibilityRule.objects.get(programme=pkh, active=True).expression == "desil <= 3"


def test_seeding_again_keeps_what_the_office_edited_unless_asked_to_update(db):
    seed_catalogue(office=BLORA)
    Programme.objects.filter(office_id=BLORA, code="BPNT").update(benefit_amount=225_000)
    seed_catalogue(office=BLORA)
    assert Programme.objects.get(office_id=BLORA, code="BPNT").benefit_amount == 225_000
    counts = seed_catalogue(office=BLORA, update=True)
    assert Programme.objects.get(office_id=BLORA, code="BPNT").benefit_amount == 200_000
    assert counts["programme.updated"] == 1


def test_two_offices_can_each_run_a_programme_with_the_same_code(db):
    seed_catalogue(office=BLORA)
    seed_catalogue(office=PASURUAN)
    assert Programme.objects.filter(code="PKH").count() == 2
    assert FundingSource.objects.filter(code="baznas").count() == 1


def test_it_refuses_an_office_whose_region_is_not_loaded(db):
    with pytest.raises(ValueError, match="99.99"):
        seed_catalogue(office="99.99")


def test_the_demo_budget_opens_each_line_once_with_its_revision(db, admin_user):
    seed_catalogue(office=BLORA)
    assert seed_budgets(actor=admin_user, office=BLORA, year=2026) == len(DEMO_BUDGET)
    assert seed_budgets(actor=admin_user, office=BLORA, year=2026) == 0
    assert BudgetLine.objects.filter(fiscal_year__year=2026).count() == len(DEMO_BUDGET)
    disaster = BudgetLine.objects.get(programme__code="BENCANA", source__code="apbd-kab")
    assert disaster.allocated == 750_000_000
    assert list(disaster.revisions.order_by("pk").values_list("old_allocated", "new_allocated")) == [
        (0, 500_000_000), (500_000_000, 750_000_000)]
    assert BudgetRevision.objects.count() == len(DEMO_BUDGET) + 1


def test_the_demo_seeds_the_catalogue_and_the_budget_as_the_demo_administrator(db):
    from berdaya.demo.build import create_demo_users

    create_demo_users()
    lines = []
    seed_demo(echo=lines.append)
    assert Programme.objects.filter(office_id=BLORA).count() == len(PROGRAMMES)
    assert BudgetLine.objects.count() == len(DEMO_BUDGET)
    assert set(BudgetRevision.objects.values_list("actor__username", flat=True)) == {"admin"}
    assert "10 program" in lines[0]


def test_the_cli_seeds_an_office(db, capsys):
    from typer.testing import CliRunner

    from berdaya.cli import app

    result = CliRunner().invoke(app, ["programmes", "seed", "--office", BLORA])
    assert result.exit_code == 0, result.output
    assert "program: 10 baru" in result.output
    result = CliRunner().invoke(app, ["programmes", "seed", "--office", "99.99"])
    assert result.exit_code == 2
