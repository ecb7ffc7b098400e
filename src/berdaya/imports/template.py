"""The import template: its columns (Indonesian headers, aliases, what each holds) and the template files.

Headers are matched ignoring case, spaces and punctuation ("No. KK", "NOMOR_KK" and "nokk" are one header), and
through the aliases below, which include OpenSID's column names (see opensid.py). Coded columns take the code or the
label (compared the same way: "Kepala Keluarga", "KEPALA KELUARGA" and 1 are one value).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.imports import opensid
from berdaya.registry import codes
from berdaya.registry.models import BPS_CRITERIA, Household, Person

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(value) -> str:
    """'No. KK' -> 'nokk'; 'Tamat SD / Sederajat' -> 'tamatsdsederajat'; 3.0 -> '3'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", text.lower())


@dataclass(frozen=True)
class Column:
    key: str  # internal name: the model field, or "village" / "basic_status"
    header: str  # as written in the template
    target: str  # "person", "household" or "meta"
    kind: str  # how the cell is read: see values.parse_cell
    description: str
    aliases: tuple[str, ...] = ()
    lookup: dict = field(default_factory=dict, compare=False, hash=False)  # normalised text -> value (codes)
    choices: tuple = ()  # (code, label) pairs shown in the template's code sheet
    required_new: bool = False  # required for a new person / new household

    @property
    def max_length(self) -> int | None:
        model = Person if self.target == "person" else Household
        try:
            return model._meta.get_field(self.key).max_length
        except Exception:  # noqa: BLE001 - meta columns have no model field
            return None


def _lookup(choices, extra: dict | None = None) -> dict:
    out = {}
    for value, label in choices:
        out[norm(value)] = value
        out[norm(label)] = value
    out.update(extra or {})
    out.pop("", None)
    return out


def _code(key, header, target, description, choices, *, extra=None, aliases=(), required_new=False) -> Column:
    choices = tuple((value, str(label)) for value, label in choices)
    return Column(key, header, target, "code", description, aliases, _lookup(choices, extra), choices, required_new)


YES_NO = {"ya": True, "y": True, "iya": True, "1": True, "true": True, "benar": True, "ada": True, "punya": True,
          "tidak": False, "t": False, "n": False, "no": False, "0": False, "false": False, "salah": False,
          "tidakada": False, "tidakpunya": False, "yes": True}

SEX_EXTRA = {**opensid.SEX, "laki": "L", "pria": "L", "wanita": "P", "m": "L", "male": "L", "f": "P",
             "female": "P", "lakilaki": "L", "perempuan": "P"}
RELATIONSHIP_EXTRA = {"kk": 1, "kepala": 1, "kepalarumahtangga": 1, "krt": 1, "ortu": 7, "orangtua": 7,
                      "famili": 9, "lain": 11}
MARITAL_EXTRA = {**opensid.MARITAL, "kawintercatat": 2, "kawinbelumtercatat": 2, "nikah": 2, "belumnikah": 1,
                 "lajang": 1, "janda": 3, "duda": 3}
EDUCATION_EXTRA = {**opensid.EDUCATION, "sd": 3, "smp": 4, "sltp": 4, "sma": 5, "smk": 5, "slta": 5, "d1": 6,
                   "d2": 6, "d3": 7, "d4": 8, "s1": 8, "s2": 9, "s3": 10, "tidaksekolah": 1,
                   "belumsekolah": 1, "belumtamatsd": 2, "tidaktamatsd": 2, "tamatsd": 3}
DISABILITY_EXTRA = {**opensid.DISABILITY, "tidak": "", "tidakada": "", "tidakcacat": "", "tunanetra": "netra",
                    "tunarungu": "rungu_wicara", "tunawicara": "rungu_wicara", "mental": "mental_jiwa",
                    "jiwa": "mental_jiwa"}
PREGNANT_LOOKUP = {**YES_NO, **opensid.PREGNANT}
BASIC_STATUS_CHOICES = (("1", "Hidup"), ("2", "Mati"), ("3", "Pindah"), ("4", "Hilang"), ("6", "Pergi"),
                        ("9", "Tidak valid"))


def _bool(key, header, description, aliases=()) -> Column:
    return Column(key, header, "household", "bool", description, aliases, YES_NO, (("Ya", "Ya"), ("Tidak", "Tidak")))


def _criterion(index: int, field_name: str, label, header: str) -> Column:
    n = f"{index:02d}"
    aliases = (f"k{n}", f"k{index}", f"kriteria{n}", f"kriteria{index}", f"kriteriabps{index}")
    return _bool(field_name, header, _("Kriteria BPS %(n)d: %(label)s. Ya/Tidak; kosong = belum didata.")
                 % {"n": index, "label": label}, aliases)


CRITERIA_HEADERS = [
    "K01_LUAS_LANTAI_KURANG_8M2", "K02_LANTAI_TANAH_BAMBU", "K03_DINDING_BURUK", "K04_TANPA_JAMBAN_SENDIRI",
    "K05_TANPA_LISTRIK", "K06_AIR_MINUM_TIDAK_LAYAK", "K07_MASAK_KAYU_ARANG", "K08_JARANG_DAGING_SUSU",
    "K09_SATU_STEL_PAKAIAN", "K10_MAKAN_1_2_KALI", "K11_TAK_MAMPU_BEROBAT", "K12_KRT_PEKERJAAN_RENDAH",
    "K13_KRT_PENDIDIKAN_SD", "K14_TANPA_TABUNGAN",
]

COLUMNS: list[Column] = [
    # --- the person -------------------------------------------------------------------------------------------
    Column("nik", "NIK", "person", "nik",
           _("Nomor Induk Kependudukan, 16 digit. 0 atau kosong = belum punya NIK (akan ditandai). Simpan kolom "
             "sebagai teks di Excel: angka 16 digit kehilangan digit terakhirnya."),
           ("noktp", "nomorktp", "nonik", "nomornik", "nomorindukkependudukan")),
    Column("kk_number", "NO_KK", "household", "kk",
           _("Nomor Kartu Keluarga, 16 digit; enam digit pertama = kode kecamatan penerbit. Wajib."),
           ("nokk", "nomorkk", "kk", "nokartukeluarga", "nomorkartukeluarga", "nokeluarga"), required_new=True),
    Column("name", "NAMA", "person", "name", _("Nama lengkap sesuai KK. Wajib untuk anggota baru."),
           ("namalengkap", "namaanggota", "namapenduduk", "namaart"), required_new=True),
    _code("sex", "JENIS_KELAMIN", "person", _("L/P, 1/2 atau Laki-laki/Perempuan. Wajib untuk anggota baru."),
          codes.Sex.choices, extra=SEX_EXTRA, aliases=("jk", "sex", "kelamin", "lp", "gender"), required_new=True),
    Column("birth_place", "TEMPAT_LAHIR", "person", "text", _("Tempat lahir."), ("tmplahir", "tmptlahir")),
    Column("birth_date", "TANGGAL_LAHIR", "person", "date",
           _("dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd atau tanggal Excel. Wajib untuk anggota baru."),
           ("tgllahir", "tgllhr", "tanggallhr"), required_new=True),
    _code("relationship", "HUB_KELUARGA", "person",
          _("Hubungan dalam keluarga: kode 1–11 atau labelnya (1 = Kepala Keluarga). Wajib untuk anggota baru; "
            "satu kepala keluarga per KK."),
          codes.Relationship.choices, extra=RELATIONSHIP_EXTRA,
          aliases=("hubungankeluarga", "hubungandalamkeluarga", "shdk", "kklevel", "hubkk", "statushubungan",
                   "statushubungandalamkeluarga", "hubungan"), required_new=True),
    _code("marital_status", "STATUS_KAWIN", "person", _("Kode 1–4 atau label; BK/K/CH/CM. Kosong = Belum Kawin."),
          codes.MaritalStatus.choices, extra=MARITAL_EXTRA,
          aliases=("statusperkawinan", "kawin", "perkawinan", "statusnikah")),
    _code("education", "PENDIDIKAN", "person", _("Pendidikan dalam KK: kode 1–10 atau label (SD, SMP, SMA, S1 …)."),
          codes.Education.choices, extra=EDUCATION_EXTRA,
          aliases=("pendidikankk", "pendidikankkid", "pendidikanterakhir", "pendidikandalamkk")),
    _code("occupation", "PEKERJAAN", "person", _("Kode pekerjaan SIAK 1–89 atau labelnya (lihat lembar Kode)."),
          codes.Occupation.choices, aliases=("pekerjaanid", "jenispekerjaan")),
    _code("disability", "DISABILITAS", "person",
          _("Fisik, Netra, Rungu/Wicara, Mental/Jiwa, Fisik dan Mental, Lainnya, atau Tidak ada; kode OpenSID 1–7."),
          codes.Disability.choices, extra=DISABILITY_EXTRA,
          aliases=("cacat", "cacatid", "penyandangdisabilitas", "jenisdisabilitas", "jeniscacat")),
    Column("pregnant", "HAMIL", "person", "code", _("Ya/Tidak (OpenSID: 1 = hamil, 2 = tidak)."),
           ("sedanghamil", "statuskehamilan"), PREGNANT_LOOKUP, (("Ya", "Hamil"), ("Tidak", "Tidak hamil"))),
    Column("monthly_income", "PENGHASILAN_PRIBADI", "person", "money",
           _("Penghasilan anggota per bulan dalam Rupiah, angka bulat (1500000 atau Rp 1.500.000)."),
           ("penghasilananggota", "penghasilanperorangan")),
    Column("phone", "TELEPON", "person", "text", _("Nomor telepon/HP."), ("notelp", "nohp", "nomorhp", "telp", "hp")),
    Column("basic_status", "STATUS_DASAR", "meta", "code",
           _("Status dasar (OpenSID): 1 Hidup; baris berstatus lain (mati, pindah …) tidak diimpor."),
           ("statuspenduduk",), dict(opensid.BASIC_STATUS), BASIC_STATUS_CHOICES),
    # --- the household (repeated on each member's row; the head's row wins) --------------------------------------
    Column("address", "ALAMAT", "household", "text", _("Alamat keluarga. Wajib untuk KK baru."),
           ("alamatrumah", "alamatlengkap"), required_new=True),
    Column("dusun", "DUSUN", "household", "dusun", _("Dusun/lingkungan."), ("namadusun", "lingkungan")),
    Column("rt", "RT", "household", "rtrw", _("RT, angka (disimpan 3 digit: 1 → 001); '-' = tidak diketahui."),
           ("nort",)),
    Column("rw", "RW", "household", "rtrw", _("RW, angka (disimpan 3 digit); '-' = tidak diketahui."), ("norw",)),
    Column("village", "KODE_DESA", "meta", "village",
           _("Kode Kemendagri desa/kelurahan, mis. 33.16.01.2001 (atau 3316012001). Kosong = desa yang dipilih "
             "saat impor."),
           ("kodewilayah", "kodekelurahan", "kodedesakelurahan", "kddesa", "desakode")),
    Column("official_desil", "DESIL", "household", "desil", _("Desil DTSEN 1–10 bila ada."),
           ("desilkesejahteraan", "desildtsen", "desilresmi")),
    Column("latitude", "LINTANG", "household", "decimal", _("Lintang (derajat desimal), mis. -6.9698."),
           ("latitude", "lat")),
    Column("longitude", "BUJUR", "household", "decimal", _("Bujur (derajat desimal), mis. 111.4183."),
           ("longitude", "lng", "lon", "long")),
    *[_criterion(i + 1, name, label, CRITERIA_HEADERS[i]) for i, (name, label) in enumerate(BPS_CRITERIA)],
    Column("floor_area_m2", "LUAS_LANTAI_M2", "household", "int", _("Luas lantai rumah (m², angka bulat)."),
           ("luaslantai",)),
    _code("floor_material", "JENIS_LANTAI", "household", _("Kode atau label (lihat lembar Kode)."),
          codes.FloorMaterial.choices, aliases=("lantai",)),
    _code("wall_material", "JENIS_DINDING", "household", _("Kode atau label (lihat lembar Kode)."),
          codes.WallMaterial.choices, aliases=("dinding",)),
    _code("roof_material", "JENIS_ATAP", "household", _("Kode atau label (lihat lembar Kode)."),
          codes.RoofMaterial.choices, aliases=("atap",)),
    _code("toilet", "JAMBAN", "household", _("Sendiri, Bersama/umum, Tidak ada."), codes.Toilet.choices,
          aliases=("fasilitasjamban", "fasilitasbab")),
    _code("lighting", "PENERANGAN", "household", _("Sumber penerangan (lihat lembar Kode)."), codes.Lighting.choices,
          aliases=("sumberpenerangan",)),
    _code("water_source", "SUMBER_AIR_MINUM", "household", _("Sumber air minum (lihat lembar Kode)."),
          codes.WaterSource.choices, aliases=("airminum", "sumberair")),
    _code("cooking_fuel", "BAHAN_BAKAR_MASAK", "household", _("Bahan bakar memasak (lihat lembar Kode)."),
          codes.CookingFuel.choices, aliases=("bahanbakar",)),
    _code("house_ownership", "STATUS_RUMAH", "household", _("Status kepemilikan rumah (lihat lembar Kode)."),
          codes.HouseOwnership.choices, aliases=("kepemilikanrumah", "statuskepemilikanrumah")),
    _bool("has_motorcycle", "PUNYA_MOTOR", _("Punya sepeda motor: Ya/Tidak."), ("sepedamotor", "motor")),
    _bool("has_car", "PUNYA_MOBIL", _("Punya mobil: Ya/Tidak."), ("mobil",)),
    _bool("has_refrigerator", "PUNYA_KULKAS", _("Punya lemari es: Ya/Tidak."), ("kulkas", "lemaries")),
    _bool("has_land", "PUNYA_LAHAN", _("Punya lahan: Ya/Tidak."), ("lahan",)),
    _bool("has_livestock", "PUNYA_TERNAK", _("Punya ternak: Ya/Tidak."), ("ternak",)),
    Column("monthly_income", "PENGHASILAN_KELUARGA", "household", "money",
           _("Penghasilan rumah tangga per bulan dalam Rupiah (angka bulat)."),
           ("penghasilanrumahtangga", "penghasilan", "pendapatankeluarga")),
]

# Columns a file must have (an OpenSID file included); the rest are optional.
REQUIRED_HEADERS = ("kk_number", "name")
PERSON_KEYS = tuple(c.key for c in COLUMNS if c.target == "person")
HOUSEHOLD_KEYS = tuple(c.key for c in COLUMNS if c.target == "household" and c.key != "kk_number")


def header_index() -> dict[str, Column]:
    """Normalised header or alias -> column."""
    out: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            out.setdefault(norm(name), column)
    # OpenSID names that differ from the aliases above.
    for name, key in (("pendidikan_kk_id", "education"), ("pekerjaan_id", "occupation"), ("cacat_id", "disability"),
                      ("status_kawin", "marital_status"), ("kk_level", "relationship")):
        out.setdefault(norm(name), next(c for c in COLUMNS if c.key == key and c.target == "person"))
    return out


HEADERS = header_index()


# --- the template files --------------------------------------------------------------------------------------
def _code_rows() -> list[tuple[str, str, str]]:
    rows = []
    for column in COLUMNS:
        for code, label in column.choices:
            rows.append((column.header, str(code) if code != "" else "(kosong)", label))
    return rows


INSTRUCTIONS = [
    _("Isi satu baris per anggota keluarga (satu orang), mulai baris 2 lembar Data. Baris 1 adalah judul kolom."),
    _("Kolom keluarga (ALAMAT, RT, RW, kriteria, aset …) diulang pada setiap anggota; nilai pada baris kepala "
      "keluarga yang dipakai."),
    _("Sel kosong berarti 'tidak diubah': data yang sudah ada di Berdaya tetap. Kolom boleh dihapus bila tidak "
      "dipakai; urutan kolom bebas."),
    _("NIK dan NO_KK: format sel Teks, agar Excel tidak mengubahnya menjadi 3.31601E+15."),
    _("Kolom berkode boleh diisi kode atau labelnya (lihat lembar Kode), huruf besar/kecil sama saja."),
    _("Impor berjalan dua tahap: uji coba (memeriksa setiap baris, tidak menyimpan apa pun) lalu simpan."),
]


def write_template_xlsx(target) -> None:
    """The template workbook: a Data sheet with the headers, instructions per column, and the code lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    data = workbook.active
    data.title = "Data"
    data.append([c.header for c in COLUMNS])
    bold = Font(bold=True)
    for cell in data[1]:
        cell.font = bold
        cell.number_format = "@"
    for letter in ("A", "B"):  # NIK and NO_KK as text, so Excel keeps all 16 digits
        for row in range(2, 1002):
            data[f"{letter}{row}"].number_format = "@"
    data.freeze_panes = "A2"

    guide = workbook.create_sheet("Petunjuk")
    for line in INSTRUCTIONS:
        guide.append([str(line)])
    guide.append([])
    guide.append([str(_("Kolom")), str(_("Keterangan")), str(_("Nama lain yang dikenali"))])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for column in COLUMNS:
        guide.append([column.header, str(column.description), ", ".join(column.aliases)])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100

    code_sheet = workbook.create_sheet("Kode")
    code_sheet.append([str(_("Kolom")), str(_("Kode")), str(_("Label"))])
    for cell in code_sheet[1]:
        cell.font = bold
    for row in _code_rows():
        code_sheet.append(list(row))
    workbook.save(target)


def write_template_csv(target) -> None:
    """The template as CSV (UTF-8 with BOM so Excel opens it right; comma-separated): the header row only."""
    text = io.StringIO()
    csv.writer(text).writerow([c.header for c in COLUMNS])
    data = ("\ufeff" + text.getvalue()).encode("utf-8")
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as handle:
            handle.write(data)


def choices_label(column: Column, limit: int = 12) -> str:
    """'1 = Kepala Keluarga, 2 = Suami, …' for messages; long lists point to the template's code sheet."""
    if not column.choices:
        return ""
    if len(column.choices) > limit:
        return str(_("lihat lembar Kode pada template"))
    return ", ".join(f"{code} = {label}" if code != "" else f"{label}" for code, label in column.choices)


def model_field(column: Column) -> models.Field | None:
    model = Person if column.target == "person" else Household
    try:
        return model._meta.get_field(column.key)
    except Exception:  # noqa: BLE001
        return None
