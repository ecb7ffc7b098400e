"""Coded fields of the family card as village information systems use them (../shared/domain.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relationship(models.IntegerChoices):
    HEAD = 1, _("Kepala Keluarga")
    HUSBAND = 2, _("Suami")
    WIFE = 3, _("Istri")
    CHILD = 4, _("Anak")
    CHILD_IN_LAW = 5, _("Menantu")
    GRANDCHILD = 6, _("Cucu")
    PARENT = 7, _("Orangtua")
    PARENT_IN_LAW = 8, _("Mertua")
    OTHER_RELATIVE = 9, _("Famili Lain")
    HELPER = 10, _("Pembantu")
    OTHER = 11, _("Lainnya")


class MaritalStatus(models.IntegerChoices):
    SINGLE = 1, _("Belum Kawin")
    MARRIED = 2, _("Kawin")
    DIVORCED = 3, _("Cerai Hidup")
    WIDOWED = 4, _("Cerai Mati")


class Education(models.IntegerChoices):
    """The 10 levels printed on the KK (SIAK / OpenSID pendidikan_kk)."""

    NONE = 1, _("Tidak/Belum Sekolah")
    SD_NOT_FINISHED = 2, _("Belum Tamat SD/Sederajat")
    SD = 3, _("Tamat SD/Sederajat")
    SMP = 4, _("SLTP/Sederajat")
    SMA = 5, _("SLTA/Sederajat")
    D1_D2 = 6, _("Diploma I/II")
    D3 = 7, _("Akademi/Diploma III/S. Muda")
    S1 = 8, _("Diploma IV/Strata I")
    S2 = 9, _("Strata II")
    S3 = 10, _("Strata III")


class Occupation(models.IntegerChoices):
    """The 89 occupation codes of the civil registry (SIAK), as OpenSID's pekerjaan_id uses them."""

    NOT_WORKING = 1, _("Belum/Tidak Bekerja")
    HOUSEWORK = 2, _("Mengurus Rumah Tangga")
    STUDENT = 3, _("Pelajar/Mahasiswa")
    RETIRED = 4, _("Pensiunan")
    CIVIL_SERVANT = 5, _("Pegawai Negeri Sipil (PNS)")
    ARMY = 6, _("Tentara Nasional Indonesia (TNI)")
    POLICE = 7, _("Kepolisian RI (POLRI)")
    TRADE = 8, _("Perdagangan")
    FARMER = 9, _("Petani/Pekebun")
    BREEDER = 10, _("Peternak")
    FISHER = 11, _("Nelayan/Perikanan")
    CODE_12 = 12, _("Industri")
    CODE_13 = 13, _("Konstruksi")
    CODE_14 = 14, _("Transportasi")
    PRIVATE_EMPLOYEE = 15, _("Karyawan Swasta")
    CODE_16 = 16, _("Karyawan BUMN")
    CODE_17 = 17, _("Karyawan BUMD")
    HONORARY_EMPLOYEE = 18, _("Karyawan Honorer")
    DAY_LABOURER = 19, _("Buruh Harian Lepas")
    FARM_LABOURER = 20, _("Buruh Tani/Perkebunan")
    FISHERY_LABOURER = 21, _("Buruh Nelayan/Perikanan")
    LIVESTOCK_LABOURER = 22, _("Buruh Peternakan")
    DOMESTIC_WORKER = 23, _("Pembantu Rumah Tangga")
    CODE_24 = 24, _("Tukang Cukur")
    CODE_25 = 25, _("Tukang Listrik")
    CODE_26 = 26, _("Tukang Batu")
    CODE_27 = 27, _("Tukang Kayu")
    CODE_28 = 28, _("Tukang Sol Sepatu")
    CODE_29 = 29, _("Tukang Las/Pandai Besi")
    TAILOR = 30, _("Tukang Jahit")
    CODE_31 = 31, _("Tukang Gigi")
    CODE_32 = 32, _("Penata Rias")
    CODE_33 = 33, _("Penata Busana")
    CODE_34 = 34, _("Penata Rambut")
    MECHANIC = 35, _("Mekanik")
    CODE_36 = 36, _("Seniman")
    CODE_37 = 37, _("Tabib")
    CODE_38 = 38, _("Paraji")
    CODE_39 = 39, _("Perancang Busana")
    CODE_40 = 40, _("Penterjemah")
    CODE_41 = 41, _("Imam Masjid")
    CODE_42 = 42, _("Pendeta")
    CODE_43 = 43, _("Pastor")
    CODE_44 = 44, _("Wartawan")
    CODE_45 = 45, _("Ustadz/Mubaligh")
    CODE_46 = 46, _("Juru Masak")
    CODE_47 = 47, _("Promotor Acara")
    CODE_48 = 48, _("Anggota DPR-RI")
    CODE_49 = 49, _("Anggota DPD")
    CODE_50 = 50, _("Anggota BPK")
    CODE_51 = 51, _("Presiden")
    CODE_52 = 52, _("Wakil Presiden")
    CODE_53 = 53, _("Anggota Mahkamah Konstitusi")
    CODE_54 = 54, _("Anggota Kabinet/Kementerian")
    CODE_55 = 55, _("Duta Besar")
    CODE_56 = 56, _("Gubernur")
    CODE_57 = 57, _("Wakil Gubernur")
    CODE_58 = 58, _("Bupati")
    CODE_59 = 59, _("Wakil Bupati")
    CODE_60 = 60, _("Walikota")
    CODE_61 = 61, _("Wakil Walikota")
    CODE_62 = 62, _("Anggota DPRD Provinsi")
    CODE_63 = 63, _("Anggota DPRD Kabupaten/Kota")
    CODE_64 = 64, _("Dosen")
    TEACHER = 65, _("Guru")
    CODE_66 = 66, _("Pilot")
    CODE_67 = 67, _("Pengacara")
    CODE_68 = 68, _("Notaris")
    CODE_69 = 69, _("Arsitek")
    CODE_70 = 70, _("Akuntan")
    CODE_71 = 71, _("Konsultan")
    CODE_72 = 72, _("Dokter")
    CODE_73 = 73, _("Bidan")
    CODE_74 = 74, _("Perawat")
    CODE_75 = 75, _("Apoteker")
    CODE_76 = 76, _("Psikiater/Psikolog")
    CODE_77 = 77, _("Penyiar Televisi")
    CODE_78 = 78, _("Penyiar Radio")
    CODE_79 = 79, _("Pelaut")
    CODE_80 = 80, _("Peneliti")
    DRIVER = 81, _("Sopir")
    CODE_82 = 82, _("Pialang")
    CODE_83 = 83, _("Paranormal")
    TRADER = 84, _("Pedagang")
    VILLAGE_OFFICIAL = 85, _("Perangkat Desa")
    VILLAGE_HEAD = 86, _("Kepala Desa")
    CODE_87 = 87, _("Biarawati")
    ENTREPRENEUR = 88, _("Wiraswasta")
    OTHER = 89, _("Lainnya")


# Occupations that, by programme rules seen in domain.md, make a household ineligible (civil servant/TNI/POLRI).
STATE_EMPLOYEES = frozenset({Occupation.CIVIL_SERVANT, Occupation.ARMY, Occupation.POLICE})
LOW_INCOME_OCCUPATIONS = frozenset({
    Occupation.NOT_WORKING, Occupation.FARMER, Occupation.DAY_LABOURER, Occupation.FARM_LABOURER,
    Occupation.FISHERY_LABOURER, Occupation.LIVESTOCK_LABOURER, Occupation.FISHER, Occupation.DOMESTIC_WORKER,
})


class Disability(models.TextChoices):
    NONE = "", _("Tidak ada")
    PHYSICAL = "fisik", _("Fisik")
    VISUAL = "netra", _("Netra")
    HEARING_SPEECH = "rungu_wicara", _("Rungu/Wicara")
    MENTAL = "mental_jiwa", _("Mental/Jiwa")
    PHYSICAL_MENTAL = "fisik_mental", _("Fisik dan Mental")
    OTHER = "lainnya", _("Lainnya")


class PersonStatus(models.TextChoices):
    ALIVE = "alive", _("Hidup")
    DECEASED = "deceased", _("Meninggal")
    MOVED_OUT = "moved_out", _("Pindah")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    INACTIVE = "inactive", _("Tidak aktif")
    # A family a verifier found in the field (verval outcome "new family"): kept out of lists until an operator
    # completes and activates it.
    DRAFT = "draft", _("Draf (temuan lapangan)")


class FloorMaterial(models.TextChoices):
    CERAMIC = "keramik", _("Keramik/marmer/granit")
    TILE = "ubin", _("Ubin/tegel/teraso")
    CEMENT = "semen", _("Semen/bata merah")
    GOOD_WOOD = "kayu_baik", _("Kayu/papan kualitas tinggi")
    CHEAP_WOOD = "kayu_murah", _("Kayu/papan kualitas rendah")
    BAMBOO = "bambu", _("Bambu")
    EARTH = "tanah", _("Tanah")


class WallMaterial(models.TextChoices):
    PLASTERED_BRICK = "tembok_plester", _("Tembok diplester")
    BRICK = "tembok_tanpa_plester", _("Tembok tanpa plester")
    GOOD_WOOD = "kayu_baik", _("Kayu/papan kualitas tinggi")
    CHEAP_WOOD = "kayu_murah", _("Kayu/papan kualitas rendah")
    BAMBOO = "bambu", _("Bambu/anyaman bambu")
    THATCH = "rumbia", _("Rumbia/daun")


class RoofMaterial(models.TextChoices):
    CONCRETE = "beton", _("Beton")
    TILE = "genteng", _("Genteng")
    METAL = "seng", _("Seng/asbes")
    THATCH = "ijuk_rumbia", _("Ijuk/rumbia/daun")
    OTHER = "lainnya", _("Lainnya")


class Toilet(models.TextChoices):
    PRIVATE = "sendiri", _("Milik sendiri")
    SHARED = "bersama", _("Bersama/umum")
    NONE = "tidak_ada", _("Tidak ada")


class Lighting(models.TextChoices):
    PLN_METERED = "pln_meteran", _("Listrik PLN dengan meteran")
    PLN_UNMETERED = "pln_tanpa_meteran", _("Listrik PLN tanpa meteran/menumpang")
    NON_PLN = "non_pln", _("Listrik non-PLN (genset, surya)")
    NOT_ELECTRIC = "bukan_listrik", _("Bukan listrik (pelita, lampu minyak)")


class WaterSource(models.TextChoices):
    PIPED = "ledeng", _("Air ledeng/PDAM")
    BOTTLED = "kemasan", _("Air kemasan/isi ulang")
    PROTECTED_WELL = "sumur_terlindung", _("Sumur bor/terlindung")
    UNPROTECTED_WELL = "sumur_tak_terlindung", _("Sumur tak terlindung")
    UNPROTECTED_SPRING = "mata_air_tak_terlindung", _("Mata air tak terlindung")
    RIVER = "sungai", _("Sungai/danau")
    RAIN = "hujan", _("Air hujan")


class CookingFuel(models.TextChoices):
    ELECTRIC = "listrik", _("Listrik")
    LPG = "gas", _("Gas/elpiji")
    KEROSENE = "minyak_tanah", _("Minyak tanah")
    CHARCOAL = "arang", _("Arang")
    FIREWOOD = "kayu_bakar", _("Kayu bakar")


class HouseOwnership(models.TextChoices):
    OWN = "milik_sendiri", _("Milik sendiri")
    RENT = "sewa", _("Kontrak/sewa")
    FREE = "bebas_sewa", _("Bebas sewa/menumpang")
    OFFICIAL = "dinas", _("Rumah dinas")
    OTHER = "lainnya", _("Lainnya")
