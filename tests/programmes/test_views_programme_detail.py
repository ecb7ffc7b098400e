"""programmes:detail — benefit with totals in Rupiah, sources, partners and the year's budget lines; scoped."""

from django.urls import reverse

from berdaya.programmes import services
from berdaya.programmes.models import BenefitType, Frequency
from tests.programmes.conftest import YEAR, login


def _url(programme, **query):
    url = reverse("programmes:detail", args=[programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_the_amount_over_the_duration_sources_and_the_budget_of_the_year(client, auditor_blora, kadis,
                                                                                   staff_blora, programme, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=4_000_000, reference="enrolment:1")
    services.budget_disburse(actor=staff_blora, commitment=commitment, amount=2_500_000, reference="q1")
    page = login(client, auditor_blora).get(_url(programme, year=YEAR)).content.decode()
    assert "Rp 200.000" in page and "Rp 2.400.000" in page  # 12 monthly payments
    assert "APBN (Kementerian Sosial)" in page and "Baznas" in page
    for amount in ("Rp 10.000.000", "Rp 1.500.000", "Rp 2.500.000", "Rp 6.000.000"):
        assert amount in page
    assert "25,0%" in page  # realisation, Indonesian decimal comma
    assert reverse("programmes:edit", args=[programme.pk]) not in page


def test_another_year_shows_no_lines(client, staff_blora, programme, line):
    page = login(client, staff_blora).get(_url(programme, year=YEAR + 1)).content.decode()
    assert "Belum ada pagu untuk tahun ini." in page


def test_components_and_kits_are_listed_with_their_totals(client, staff_blora, programme, uep):
    services.programme_update(actor=staff_blora, programme=programme, data={
        "frequency": Frequency.QUARTERLY, "benefit_type": BenefitType.COMPONENTS, "benefit_amount": None})
    services.component_save(actor=staff_blora, programme=programme, code="hamil", name="Ibu hamil",
                            amount_per_year=3_000_000, cap_per_family=2)
    kit = services.kit_create(actor=staff_blora, programme=uep, business_type="kiosk", name="Warung kelontong")
    services.kit_item_add(actor=staff_blora, kit=kit, name="Etalase kaca", quantity=1, unit="unit",
                          unit_price=900_000)
    services.kit_item_add(actor=staff_blora, kit=kit, name="Lemari es", quantity=1, unit="unit",
                          unit_price=1_450_000)
    client = login(client, staff_blora)
    page = client.get(_url(programme)).content.decode()
    assert "Ibu hamil" in page and "Rp 3.000.000" in page and "Rp 750.000" in page
    assert reverse("programmes:components", args=[programme.pk]) in page
    page = client.get(_url(uep)).content.decode()
    assert "Warung kelontong" in page and "Etalase kaca" in page and "Rp 2.350.000" in page
    assert reverse("programmes:kits", args=[uep.pk]) in page


def test_an_office_of_another_regency_gets_404(client, staff_pasuruan, programme):
    assert login(client, staff_pasuruan).get(_url(programme)).status_code == 404


def test_a_verifier_of_a_district_sees_the_programme_of_its_regency(client, verifier_kecamatan_b, programme):
    assert login(client, verifier_kecamatan_b).get(_url(programme)).status_code == 200


def test_the_history_is_shown_to_those_who_manage_or_audit(client, staff_blora, auditor_blora, operator_desa_a,
                                                          programme):
    assert "programmes.programme.created" in login(client, staff_blora).get(_url(programme)).content.decode()
    assert "programmes.programme.created" in login(client, auditor_blora).get(_url(programme)).content.decode()
    # village operators hold the registry history permission only over their village, not over the regency
    assert "programmes.programme.created" not in login(client, operator_desa_a).get(
        _url(programme)).content.decode()
