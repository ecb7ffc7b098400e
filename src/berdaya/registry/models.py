"""Households (Kartu Keluarga) and people (NIK), with the welfare indicators targeting works on.

Writes go through services.py only; the cached columns here (search keys, counts, vulnerability flags) are
maintained there, never by hand.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from berdaya.registry import codes

# The 14 BPS criteria of a poor household (../shared/domain.md), in order: (field, short label).
BPS_CRITERIA = [
    ("c01_floor_area_small", _("Luas lantai < 8 m² per orang")),
    ("c02_floor_poor", _("Lantai tanah/bambu/kayu murahan")),
    ("c03_wall_poor", _("Dinding bambu/rumbia/kayu murahan/tembok tanpa plester")),
    ("c04_no_private_toilet", _("Tidak punya jamban sendiri")),
    ("c05_no_electricity", _("Penerangan bukan listrik")),
    ("c06_unsafe_water", _("Air minum dari sumur/mata air tak terlindung/sungai/hujan")),
    ("c07_cooking_wood", _("Memasak dengan kayu bakar/arang/minyak tanah")),
    ("c08_protein_rarely", _("Daging/susu/ayam paling banyak sekali seminggu")),
    ("c09_one_clothes_set", _("Hanya sanggup membeli satu stel pakaian setahun")),
    ("c10_two_meals", _("Makan hanya satu/dua kali sehari")),
    ("c11_cannot_afford_clinic", _("Tidak sanggup berobat ke puskesmas")),
    ("c12_low_income_job", _("Kepala rumah tangga petani kecil/buruh atau penghasilan < Rp 600.000/bulan")),
    ("c13_low_education", _("Pendidikan kepala rumah tangga paling tinggi SD")),
    ("c14_no_savings", _("Tidak punya tabungan/barang mudah dijual ≥ Rp 500.000")),
]
BPS_FIELDS = [name for name, _label in BPS_CRITERIA]

# Vulnerable groups derived by registry.vulnerability.household_vulnerabilities: (flag column, label).
VULNERABILITIES = [
    ("vul_disability", _("Anggota penyandang disabilitas")),
    ("vul_elderly_alone", _("Lansia (60+) tinggal sendiri")),
    ("vul_child_without_parent", _("Anak tanpa orang tua di rumah")),
    ("vul_woman_headed", _("Kepala keluarga perempuan")),
    ("vul_pregnant_or_under6", _("Ibu hamil atau anak di bawah 6 tahun")),
    ("vul_bps_poor", _("Memenuhi ≥ 9 dari 14 kriteria BPS")),
]
VULNERABILITY_FIELDS = [name for name, _label in VULNERABILITIES]


class Household(models.Model):
    kk_number = models.CharField(_("nomor KK"), max_length=16, unique=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="households",
                                verbose_name=_("desa/kelurahan"))
    address = models.CharField(_("alamat"), max_length=255)
    dusun = models.CharField(_("dusun/lingkungan"), max_length=80, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=codes.HouseholdStatus.choices,
                              default=codes.HouseholdStatus.ACTIVE)

    # Welfare: the 14 BPS criteria (None = not surveyed yet).
    c01_floor_area_small = models.BooleanField(BPS_CRITERIA[0][1], null=True, blank=True)
    c02_floor_poor = models.BooleanField(BPS_CRITERIA[1][1], null=True, blank=True)
    c03_wall_poor = models.BooleanField(BPS_CRITERIA[2][1], null=True, blank=True)
    c04_no_private_toilet = models.BooleanField(BPS_CRITERIA[3][1], null=True, blank=True)
    c05_no_electricity = models.BooleanField(BPS_CRITERIA[4][1], null=True, blank=True)
    c06_unsafe_water = models.BooleanField(BPS_CRITERIA[5][1], null=True, blank=True)
    c07_cooking_wood = models.BooleanField(BPS_CRITERIA[6][1], null=True, blank=True)
    c08_protein_rarely = models.BooleanField(BPS_CRITERIA[7][1], null=True, blank=True)
    c09_one_clothes_set = models.BooleanField(BPS_CRITERIA[8][1], null=True, blank=True)
    c10_two_meals = models.BooleanField(BPS_CRITERIA[9][1], null=True, blank=True)
    c11_cannot_afford_clinic = models.BooleanField(BPS_CRITERIA[10][1], null=True, blank=True)
    c12_low_income_job = models.BooleanField(BPS_CRITERIA[11][1], null=True, blank=True)
    c13_low_education = models.BooleanField(BPS_CRITERIA[12][1], null=True, blank=True)
    c14_no_savings = models.BooleanField(BPS_CRITERIA[13][1], null=True, blank=True)

    # Housing and assets.
    floor_area_m2 = models.PositiveIntegerField(_("luas lantai (m²)"), null=True, blank=True)
    floor_material = models.CharField(_("jenis lantai"), max_length=24, choices=codes.FloorMaterial.choices,
                                      blank=True)
    wall_material = models.CharField(_("jenis dinding"), max_length=24, choices=codes.WallMaterial.choices,
                                     blank=True)
    roof_material = models.CharField(_("jenis atap"), max_length=24, choices=codes.RoofMaterial.choices, blank=True)
    toilet = models.CharField(_("fasilitas jamban"), max_length=16, choices=codes.Toilet.choices, blank=True)
    lighting = models.CharField(_("sumber penerangan"), max_length=24, choices=codes.Lighting.choices, blank=True)
    water_source = models.CharField(_("sumber air minum"), max_length=32, choices=codes.WaterSource.choices,
                                    blank=True)
    cooking_fuel = models.CharField(_("bahan bakar memasak"), max_length=16, choices=codes.CookingFuel.choices,
                                    blank=True)
    house_ownership = models.CharField(_("status kepemilikan rumah"), max_length=16,
                                       choices=codes.HouseOwnership.choices, blank=True)
    has_motorcycle = models.BooleanField(_("punya sepeda motor"), null=True, blank=True)
    has_car = models.BooleanField(_("punya mobil"), null=True, blank=True)
    has_refrigerator = models.BooleanField(_("punya lemari es"), null=True, blank=True)
    has_land = models.BooleanField(_("punya lahan"), null=True, blank=True)
    has_livestock = models.BooleanField(_("punya ternak"), null=True, blank=True)
    monthly_income = models.PositiveBigIntegerField(_("penghasilan rumah tangga per bulan (Rp)"), null=True,
                                                    blank=True)
    official_desil = models.PositiveSmallIntegerField(_("desil resmi (DTSEN)"), null=True, blank=True,
                                                      help_text=_("1–10, dari DTSEN bila ada."))

    # Cached, derived by services (never edited directly).
    bps_criteria_met = models.PositiveSmallIntegerField(_("kriteria BPS terpenuhi"), default=0, editable=False)
    member_count = models.PositiveSmallIntegerField(_("jumlah anggota"), default=0, editable=False)
    head_name = models.CharField(_("kepala keluarga"), max_length=120, blank=True, editable=False)
    vul_disability = models.BooleanField(VULNERABILITIES[0][1], default=False, editable=False)
    vul_elderly_alone = models.BooleanField(VULNERABILITIES[1][1], default=False, editable=False)
    vul_child_without_parent = models.BooleanField(VULNERABILITIES[2][1], default=False, editable=False)
    vul_woman_headed = models.BooleanField(VULNERABILITIES[3][1], default=False, editable=False)
    vul_pregnant_or_under6 = models.BooleanField(VULNERABILITIES[4][1], default=False, editable=False)
    vul_bps_poor = models.BooleanField(VULNERABILITIES[5][1], default=False, editable=False)
    open_flag_count = models.PositiveSmallIntegerField(_("tanda perlu ditinjau"), default=0, editable=False)

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        ordering = ["village_id", "kk_number"]
        indexes = [
            models.Index(fields=["village", "kk_number"]),
            models.Index(fields=["village", "open_flag_count"]),
        ]

    def __str__(self) -> str:
        return f"KK {self.kk_number}"

    @property
    def vulnerability_labels(self) -> list[str]:
        return [label for field, label in VULNERABILITIES if getattr(self, field)]


class Person(models.Model):
    # Indexed by Meta.indexes' (household, status, occupation), whose first column serves every lookup by family.
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members",
                                  verbose_name=_("keluarga"), db_index=False)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True,
                           help_text=_("Kosongkan bila belum punya NIK (bayi, dusun terpencil): akan ditandai."))
    name = models.CharField(_("nama lengkap"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=codes.Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    relationship = models.PositiveSmallIntegerField(_("hubungan dalam keluarga"), choices=codes.Relationship.choices)
    marital_status = models.PositiveSmallIntegerField(_("status perkawinan"), choices=codes.MaritalStatus.choices,
                                                      default=codes.MaritalStatus.SINGLE)
    education = models.PositiveSmallIntegerField(_("pendidikan"), choices=codes.Education.choices, null=True,
                                                 blank=True)
    occupation = models.PositiveSmallIntegerField(_("pekerjaan"), choices=codes.Occupation.choices, null=True,
                                                  blank=True)
    disability = models.CharField(_("disabilitas"), max_length=16, choices=codes.Disability.choices, blank=True,
                                  default="")
    pregnant = models.BooleanField(_("sedang hamil"), default=False)
    monthly_income = models.PositiveBigIntegerField(_("penghasilan per bulan (Rp)"), null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    # Not indexed alone: nearly everyone is alive, so an index on the status would never narrow a search.
    status = models.CharField(_("status"), max_length=16, choices=codes.PersonStatus.choices,
                              default=codes.PersonStatus.ALIVE)
    status_date = models.DateField(_("tanggal status"), null=True, blank=True)
    status_note = models.CharField(_("keterangan status"), max_length=255, blank=True)

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "name_key"])

    class Meta:
        verbose_name = _("anggota keluarga")
        verbose_name_plural = _("anggota keluarga")
        ordering = ["household_id", "relationship", "birth_date"]
        constraints = [
            # NIK unique among living people; an empty NIK (none yet) is allowed and flagged instead.
            models.UniqueConstraint(fields=["nik"], condition=Q(status="alive") & ~Q(nik=""),
                                    name="person_nik_unique_alive"),
        ]
        # Members by family; with the status and the occupation in the index, a rule's member test on the living
        # members' occupation (no civil servant, soldier or police officer in the family: the usual exclusion) is
        # answered from the index alone, a third of a PKH-like dry run at a million families.
        indexes = [models.Index(fields=["household", "status", "occupation"], name="person_household_living")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_alive(self) -> bool:
        return self.status == codes.PersonStatus.ALIVE


class ReviewFlag(models.Model):
    """Something a person must look at: a NIK that disagrees with the record, a missing NIK, a missing head."""

    class Code(models.TextChoices):
        NIK_MISSING = "nik_missing", _("Belum punya NIK")
        NIK_BIRTHDATE_MISMATCH = "nik_birthdate_mismatch", _("Tanggal lahir tidak sesuai NIK")
        NIK_SEX_MISMATCH = "nik_sex_mismatch", _("Jenis kelamin tidak sesuai NIK")
        HEAD_MISSING = "head_missing", _("Kepala keluarga tidak ada")
        # From verval outcomes: a move seen in the field waits for the operator (destination, date).
        MOVE_PENDING = "move_pending", _("Pindah menurut verval, menunggu tindak lanjut")
        DUPLICATE_SUSPECTED = "duplicate_suspected", _("Dugaan data ganda")
        OTHER = "other", _("Lainnya")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="flags")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(_("jenis"), max_length=32, choices=Code.choices)
    message = models.CharField(_("keterangan"), max_length=400)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution_note = models.CharField(_("catatan penyelesaian"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tanda tinjau")
        verbose_name_plural = _("tanda tinjau")
        indexes = [models.Index(fields=["household", "resolved_at"]), models.Index(fields=["code", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.message}"
