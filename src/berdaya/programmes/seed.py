"""The programme catalogue a Dinas Sosial starts with (`berdaya programmes seed`, and the demo).

Values are those seen in public sources in 2024–2025 (../shared/domain.md, "Programmes"); kit prices are plausible
market prices in Central Java, 2025. They are data: once seeded, the office edits them in the app. Seeding is
idempotent: records are matched by code (programmes by office + code, components by code, kits by business type,
kit items by name). Existing records are left as the office edited them unless `update=True`, which writes the
values below over them (it never deletes what the office added).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.programmes.models import (
    BenefitComponent,
    BenefitKit,
    BenefitType,
    BudgetLine,
    FundingSource,
    Kind,
    KitItem,
    Partner,
    Programme,
)
from berdaya.programmes.models import Frequency as Freq
from berdaya.programmes.models import TargetUnit as Unit
from berdaya.regions.models import Region

SEED_REASON = "programmes.seed"
DEMO_OFFICE = "33.16"  # Kabupaten Blora
DEMO_YEAR = 2026

FUNDING_SOURCES = [  # (code, kind, name)
    ("apbn-kemensos", "apbn", "APBN (Kementerian Sosial)"),
    ("apbd-kab", "apbd", "APBD Kabupaten"),
    ("apbd-prov", "apbd", "APBD Provinsi"),
    ("dana-desa", "dana_desa", "Dana Desa"),
    ("baznas", "zakat", "Baznas"),
    ("lazizmu", "zakat", "Lazizmu"),
    ("laziznu", "zakat", "Laziznu"),
    ("csr", "csr", "CSR perusahaan"),
    ("ngo", "ngo", "Hibah LSM/yayasan"),
]

PARTNERS = [  # (code, kind, name, contact, in the office's region?)
    ("sentra-magolaras", "training_centre", "Sentra Magolaras (Kementerian Sosial)", "", False),
    ("yayasan-setara", "foundation", "Yayasan Setara", "", False),
    ("lksa-mitra", "care_home", "LKSA mitra (panti asuhan anak)", "", True),
    ("blk-kabupaten", "government", "UPT Balai Latihan Kerja Kabupaten", "", True),
]


@dataclass
class ProgrammeSeed:
    code: str
    name: str
    kind: str
    target_unit: str
    frequency: str
    duration_months: int
    benefit_type: str = BenefitType.AMOUNT
    benefit_amount: int | None = None
    description: str = ""
    group_size: tuple[int, int] | None = None
    sources: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    eligibility_rule: str = ""
    priority_rule: str = ""
    # (code, name, amount per year, cap per family)
    components: list[tuple[str, str, int, int | None]] = field(default_factory=list)
    # (business type, name, [(item, quantity, unit, unit price)])
    kits: list[tuple[str, str, list[tuple[str, int, str, int]]]] = field(default_factory=list)


PRIORITY_VULNERABLE = ("vul_disability + vul_elderly_alone + vul_child_without_parent + vul_woman_headed "
                       "+ vul_pregnant_or_under6")

PROGRAMMES = [
    ProgrammeSeed(
        "PKH", "Program Keluarga Harapan", Kind.CASH, Unit.HOUSEHOLD, Freq.QUARTERLY, 12, BenefitType.COMPONENTS,
        description="Bantuan tunai bersyarat per komponen keluarga, dibayar per triwulan (¼ nominal tahunan).",
        sources=["apbn-kemensos"], eligibility_rule="desil <= 4", priority_rule=PRIORITY_VULNERABLE,
        components=[  # domain.md: per year; caps 2 pregnancies, 2 young children, 1 elderly, 1 disabled
            ("hamil", "Ibu hamil/nifas", 3_000_000, 2),
            ("anak_usia_dini", "Anak usia dini (0–6 tahun)", 3_000_000, 2),
            ("sd", "Anak sekolah SD/sederajat", 900_000, None),
            ("smp", "Anak sekolah SMP/sederajat", 1_500_000, None),
            ("sma", "Anak sekolah SMA/sederajat", 2_000_000, None),
            ("disabilitas_berat", "Penyandang disabilitas berat", 2_400_000, 1),
            ("lansia", "Lanjut usia 70 tahun ke atas", 2_400_000, 1),
        ]),
    ProgrammeSeed(
        "BPNT", "Program Sembako (BPNT)", Kind.FOOD, Unit.HOUSEHOLD, Freq.MONTHLY, 12, benefit_amount=200_000,
        description="Bantuan pangan nontunai Rp 200.000 per keluarga per bulan, disalurkan bertahap.",
        sources=["apbn-kemensos"], eligibility_rule="desil <= 5", priority_rule=PRIORITY_VULNERABLE),
    ProgrammeSeed(
        "BLT-DD", "BLT Dana Desa", Kind.CASH, Unit.HOUSEHOLD, Freq.MONTHLY, 12, benefit_amount=300_000,
        description="Rp 300.000 per keluarga per bulan, paling lama 12 bulan, dari Dana Desa. Kriteria lokal: "
                    "kehilangan mata pencaharian, anggota sakit menahun atau disabilitas, bukan penerima PKH, "
                    "lansia tinggal sendiri.",
        sources=["dana-desa"], eligibility_rule="desil <= 4", priority_rule="desil == 1"),
    ProgrammeSeed(
        "UEP", "Usaha Ekonomi Produktif (UEP)", Kind.BUSINESS_CAPITAL, Unit.HOUSEHOLD, Freq.ONE_OFF, 1, BenefitType.KIT,
        benefit_amount=2_500_000,
        description="Modal usaha Rp 2.500.000 per keluarga, sekali, diberikan sebagai paket barang sesuai usaha "
                    "yang dipilih keluarga.",
        sources=["apbd-kab", "baznas"], partners=["yayasan-setara"], eligibility_rule="desil <= 4",
        kits=[
            ("kiosk", "Warung kelontong", [
                ("Etalase kaca", 1, "unit", 900_000),
                ("Lemari es 1 pintu", 1, "unit", 1_450_000),
            ]),
            ("warung_kopi", "Warung kopi", [
                ("Gelas kopi", 48, "buah", 5_000),
                ("Meja kayu", 2, "unit", 300_000),
                ("Panci dan ketel", 2, "buah", 150_000),
                ("Kompor gas dan tabung", 1, "set", 550_000),
                ("Termos air panas", 2, "buah", 100_000),
                ("Kopi bubuk", 5, "kg", 90_000),
            ]),
            ("tambal_ban", "Tambal ban", [
                ("Kompresor angin", 1, "unit", 1_400_000),
                ("Alat press tambal ban", 1, "unit", 350_000),
                ("Kunci dan dongkrak", 1, "set", 300_000),
                ("Karet tambal dan lem", 1, "paket", 200_000),
                ("Bak air", 2, "buah", 50_000),
            ]),
            ("pijat", "Jasa pijat", [
                ("Kasur pijat lipat", 1, "unit", 900_000),
                ("Lemari kecil", 1, "unit", 450_000),
                ("Handuk", 10, "lembar", 35_000),
                ("Sprei dan sarung bantal", 4, "set", 75_000),
                ("Minyak urut", 1, "paket", 250_000),
            ]),
            ("ternak_ayam", "Ternak ayam kampung", [
                ("Bibit ayam kampung umur 1 bulan", 50, "ekor", 20_000),
                ("Pakan ayam", 100, "kg", 8_000),
                ("Bahan kandang", 1, "paket", 400_000),
                ("Tempat pakan dan minum", 6, "buah", 25_000),
                ("Vitamin dan vaksin", 1, "paket", 100_000),
            ]),
        ]),
    ProgrammeSeed(
        "KUBE", "Kelompok Usaha Bersama (KUBE)", Kind.BUSINESS_CAPITAL, Unit.HOUSEHOLD, Freq.ONE_OFF, 1,
        benefit_amount=2_000_000, group_size=(5, 20),
        description="Usaha bersama 5–20 keluarga dari registri (anggota berusia 18–60 tahun); Rp 2.000.000 per "
                    "anggota dibayarkan ke rekening kelompok.",
        sources=["apbn-kemensos", "apbd-kab"], eligibility_rule="desil <= 4"),
    ProgrammeSeed(
        "PELATIHAN", "Pelatihan keterampilan", Kind.TRAINING, Unit.PERSON, Freq.ONE_OFF, 1, BenefitType.KIT,
        benefit_amount=3_500_000,
        description="Pelatihan menjahit, membatik, tata boga dan pemasaran digital bersama Sentra Magolaras, "
                    "dengan paket alat usaha untuk lulusan.",
        sources=["apbd-kab", "csr"], partners=["sentra-magolaras", "blk-kabupaten"], eligibility_rule="desil <= 5",
        kits=[
            ("menjahit", "Menjahit", [
                ("Biaya pelatihan per peserta", 1, "orang", 1_500_000),
                ("Mesin jahit portabel", 1, "unit", 1_250_000),
                ("Kain dan benang", 1, "paket", 250_000),
            ]),
            ("membatik", "Membatik", [
                ("Biaya pelatihan per peserta", 1, "orang", 1_500_000),
                ("Canting dan wajan", 1, "set", 150_000),
                ("Malam (lilin batik)", 5, "kg", 45_000),
                ("Kain mori", 10, "meter", 25_000),
                ("Pewarna batik", 1, "paket", 300_000),
            ]),
            ("tata_boga", "Tata boga", [
                ("Biaya pelatihan per peserta", 1, "orang", 1_500_000),
                ("Kompor gas 2 tungku", 1, "unit", 450_000),
                ("Oven tangkring", 1, "unit", 300_000),
                ("Peralatan masak", 1, "set", 500_000),
            ]),
            ("digital", "Pemasaran digital", [
                ("Biaya pelatihan per peserta", 1, "orang", 1_500_000),
                ("Telepon pintar", 1, "unit", 1_500_000),
                ("Paket data", 3, "bulan", 100_000),
            ]),
        ]),
    ProgrammeSeed(
        "YATIM-LKSA", "Dukungan anak yatim/piatu melalui LKSA", Kind.SERVICE, Unit.PERSON, Freq.MONTHLY, 12,
        benefit_amount=300_000,
        description="Biaya hidup dan sekolah anak yatim, piatu atau telantar yang diasuh LKSA (panti asuhan) "
                    "mitra, dibayarkan ke LKSA per anak per bulan.",
        sources=["apbd-kab", "baznas", "lazizmu"], partners=["lksa-mitra"],
        eligibility_rule="vul_child_without_parent"),
    ProgrammeSeed(
        "BENCANA", "Bantuan korban bencana", Kind.IN_KIND, Unit.HOUSEHOLD, Freq.ONE_OFF, 1, BenefitType.KIT,
        benefit_amount=2_500_000,
        description="Logistik darurat dan bahan perbaikan rumah untuk keluarga terdampak bencana menurut kaji "
                    "cepat BPBD.",
        sources=["apbd-kab", "baznas", "csr"],
        kits=[
            ("paket_keluarga", "Paket logistik keluarga", [
                ("Beras", 10, "kg", 14_000),
                ("Mi instan", 2, "dus", 120_000),
                ("Minyak goreng", 2, "liter", 18_000),
                ("Ikan kaleng", 10, "kaleng", 12_000),
                ("Selimut", 4, "lembar", 60_000),
                ("Tikar", 2, "lembar", 50_000),
                ("Perlengkapan kebersihan", 1, "paket", 150_000),
            ]),
            ("perbaikan_rumah", "Bahan perbaikan rumah", [
                ("Seng gelombang", 20, "lembar", 65_000),
                ("Kayu usuk", 15, "batang", 35_000),
                ("Paku", 5, "kg", 25_000),
            ]),
        ]),
    ProgrammeSeed(
        "BEASISWA", "Beasiswa siswa keluarga miskin", Kind.CASH, Unit.PERSON, Freq.YEARLY, 12, benefit_amount=1_500_000,
        description="Biaya sekolah per siswa per tahun untuk anak dari keluarga desil 1–4.",
        sources=["apbd-kab", "baznas", "laziznu"], eligibility_rule="desil <= 4"),
    ProgrammeSeed(
        "PBI-JK", "Jaminan kesehatan gratis (PBI-JK daerah)", Kind.INSURANCE_PREMIUM, Unit.PERSON, Freq.MONTHLY, 12,
        benefit_amount=42_000,
        description="Premi JKN kelas III Rp 42.000 per orang per bulan dibayar pemerintah: berobat gratis di "
                    "puskesmas dan rumah sakit.",
        sources=["apbd-kab"], eligibility_rule="desil <= 5"),
]

# Fiscal year 2026 for the Blora demo: (programme code, source code) -> allocation in Rupiah.
DEMO_BUDGET = {
    ("PKH", "apbn-kemensos"): 8_400_000_000,
    ("BPNT", "apbn-kemensos"): 7_200_000_000,
    ("BLT-DD", "dana-desa"): 2_880_000_000,
    ("UEP", "apbd-kab"): 500_000_000,
    ("UEP", "baznas"): 250_000_000,
    ("KUBE", "apbn-kemensos"): 200_000_000,
    ("KUBE", "apbd-kab"): 100_000_000,
    ("PELATIHAN", "apbd-kab"): 300_000_000,
    ("PELATIHAN", "csr"): 150_000_000,
    ("YATIM-LKSA", "apbd-kab"): 216_000_000,
    ("YATIM-LKSA", "baznas"): 108_000_000,
    ("BENCANA", "apbd-kab"): 500_000_000,
    ("BENCANA", "baznas"): 100_000_000,
    ("BEASISWA", "apbd-kab"): 450_000_000,
    ("BEASISWA", "laziznu"): 75_000_000,
    ("PBI-JK", "apbd-kab"): 2_520_000_000,
}
# One revision in the demo, so the history shows what a mid-year budget change (APBD-P) looks like.
DEMO_REVISION = (("BENCANA", "apbd-kab"), 750_000_000, "APBD Perubahan 2026: tambahan belanja tidak terduga")

Echo = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


class _Upsert:
    """Create missing records; with `update`, write the seed's values over existing ones. Counts what it did."""

    def __init__(self, update: bool):
        self.update = update
        self.counts: Counter = Counter()

    def __call__(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        label = model._meta.model_name
        if obj is None:
            obj = model(**lookup, **values)
        elif self.update and any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
        else:
            self.counts[f"{label}.unchanged"] += 1
            return obj, False
        self.counts[f"{label}.{'created' if obj.pk is None else 'updated'}"] += 1
        obj._change_reason = SEED_REASON
        obj.save()
        return obj, True


@transaction.atomic
def seed_catalogue(*, office: str = DEMO_OFFICE, update: bool = False) -> Counter:
    """Funding sources, partners and the programmes of `office` (a loaded region code). Returns what it did."""
    region = Region.objects.filter(code=office).first()
    if region is None:
        raise ValueError(_("Wilayah %(code)s belum dimuat: jalankan `berdaya regions load`.") % {"code": office})
    upsert = _Upsert(update)
    sources = {code: upsert(FundingSource, {"code": code}, {"kind": kind, "name": name})[0]
               for code, kind, name in FUNDING_SOURCES}
    partners = {code: upsert(Partner, {"code": code},
                             {"kind": kind, "name": name, "contact": contact,
                              "region": region if local else None})[0]
                for code, kind, name, contact, local in PARTNERS}
    for seed in PROGRAMMES:
        _seed_programme(seed, region, sources, partners, upsert)
    return upsert.counts


def _seed_programme(seed: ProgrammeSeed, region, sources, partners, upsert: _Upsert) -> None:
    values = {
        "name": seed.name, "description": seed.description, "kind": seed.kind, "target_unit": seed.target_unit,
        "frequency": seed.frequency, "duration_months": seed.duration_months, "benefit_type": seed.benefit_type,
        "benefit_amount": seed.benefit_amount, "group_size_min": seed.group_size[0] if seed.group_size else None,
        "group_size_max": seed.group_size[1] if seed.group_size else None, "is_active": True,
        "priority_rule": seed.priority_rule,
    }
    programme, written = upsert(Programme, {"office": region, "code": seed.code}, values)
    if seed.eligibility_rule:
        _seed_rule(programme, seed.eligibility_rule, upsert)
    if written:
        programme._change_reason = SEED_REASON
        programme.funding_sources.add(*(sources[c] for c in seed.sources))
        programme.partners.add(*(partners[c] for c in seed.partners))
    for order, (code, name, amount, cap) in enumerate(seed.components, start=1):
        upsert(BenefitComponent, {"programme": programme, "code": code},
               {"name": name, "amount_per_year": amount, "cap_per_family": cap, "order": order})
    for order, (business_type, name, items) in enumerate(seed.kits, start=1):
        kit, _written = upsert(BenefitKit, {"programme": programme, "business_type": business_type},
                               {"name": name, "order": order})
        for item, quantity, unit, price in items:
            upsert(KitItem, {"kit": kit, "name": item}, {"quantity": quantity, "unit": unit, "unit_price": price})


def _seed_rule(programme: Programme, expression: str, upsert: _Upsert) -> None:
    """Version 1 of the programme's eligibility rule (targeting.EligibilityRule), when it has none yet: a rule an
    officer has edited since is never overwritten by the seed."""
    from berdaya.targeting.models import EligibilityRule
    from berdaya.targeting.rules import parse_rule

    if EligibilityRule.objects.filter(programme=programme).exists():
        return
    parse_rule(expression)  # a seed rule that does not parse is a bug: fail loudly
    EligibilityRule.objects.create(programme=programme, version=1, expression=expression, note=SEED_REASON,
                                   active=True)
    upsert.counts["eligibilityrule.created"] += 1


def seed_budgets(*, actor, office: str = DEMO_OFFICE, year: int = DEMO_YEAR) -> int:
    """The demo's allocations for `year` through the budget services (so revisions and audit are real).

    Lines that already exist are left alone; returns how many were opened.
    """
    from berdaya.programmes import services

    opened = 0
    programmes = {p.code: p for p in Programme.objects.filter(office_id=office)}
    sources = {s.code: s for s in FundingSource.objects.all()}
    for (code, source_code), amount in DEMO_BUDGET.items():
        programme, source = programmes.get(code), sources.get(source_code)
        if programme is None or source is None:
            continue
        if BudgetLine.objects.filter(programme=programme, source=source, fiscal_year__year=year).exists():
            continue
        line = services.budget_allocate(actor=actor, programme=programme, source=source, year=year, amount=amount,
                                        reason=f"DPA Dinas Sosial {year}")
        opened += 1
        (revised_code, revised_source), new_amount, reason = DEMO_REVISION
        if (code, source_code) == (revised_code, revised_source):
            services.budget_revise(actor=actor, line=line, amount=new_amount, reason=reason)
    return opened


def seed_demo(*, echo: Echo = _quiet) -> None:
    """Called at the end of the demo build: Blora's catalogue and its 2026 budget (by the demo administrator)."""
    from berdaya.accounts.models import User

    counts = seed_catalogue(office=DEMO_OFFICE)
    actor = User.objects.filter(username="admin", is_superuser=True).first()
    opened = seed_budgets(actor=actor, office=DEMO_OFFICE, year=DEMO_YEAR) if actor else 0
    echo(_("Program dimuat: %(p)s program, %(l)s pos anggaran %(y)s.")
         % {"p": counts["programme.created"] + counts["programme.unchanged"], "l": opened, "y": DEMO_YEAR})


def describe(counts: Counter) -> str:
    """'program: 10 baru, 0 diperbarui, 0 tetap; …' for the CLI."""
    from django.apps import apps

    parts = []
    for name in sorted({key.split(".")[0] for key in counts}):
        app_label = "targeting" if name == "eligibilityrule" else "programmes"
        label = apps.get_model(app_label, name)._meta.verbose_name_plural
        parts.append(_("%(label)s: %(new)s baru, %(updated)s diperbarui, %(same)s tetap") % {
            "label": label, "new": counts[f"{name}.created"], "updated": counts[f"{name}.updated"],
            "same": counts[f"{name}.unchanged"]})
    return "; ".join(parts)
