"""OpenSID's population export/import layout, read as it is.

Checked against OpenSID's own importer (donjo-app/models/Impor_model.php and the older Import_model.php,
github.com/OpenSID/OpenSID): the first sheet not named "Kode Data" holds one header row with these column names,
matched by name; coded columns take the numeric code or the label of OpenSID's reference tables (compared
case-insensitively without spaces); NIK is 16 digits or 0 for "no NIK yet" (often written with a leading
apostrophe so Excel keeps it as text); '-' means unknown (RT/RW); a '###' in the dusun column ends the data.
OpenSID strips "DUSUN " and underscores from the hamlet name. There is no village code in the file: the importer
is told the village.

Reference tables (OpenSID's SQL seed data):
- sex (tweb_penduduk_sex): 1 LAKI-LAKI, 2 PEREMPUAN; the importer also takes L, LK, P, Pr.
- kk_level (tweb_penduduk_hubungan): 1 KEPALA KELUARGA … 11 LAINNYA — the same codes as registry.codes.Relationship.
- status_kawin (tweb_penduduk_kawin): 1 BELUM KAWIN, 2 KAWIN, 3 CERAI HIDUP, 4 CERAI MATI; also BK, K, CH, CM.
- pendidikan_kk_id: the 10 KK education levels (registry.codes.Education), plus the aliases the importer adds.
- pekerjaan_id: the 89 SIAK occupations (registry.codes.Occupation).
- cacat_id (tweb_cacat): 1 CACAT FISIK, 2 CACAT NETRA/BUTA, 3 CACAT RUNGU/WICARA, 4 CACAT MENTAL/JIWA,
  5 CACAT FISIK DAN MENTAL, 6 CACAT LAINNYA, 7 TIDAK CACAT.
- hamil: ref_penduduk_hamil 1 Hamil, 2 Tidak Hamil (older versions: 0/1).
- status_dasar (tweb_status_dasar): 1 HIDUP, 2 MATI, 3 PINDAH, 4 HILANG, 6 PERGI, 9 TIDAK VALID.
- agama_id, warganegara_id, golongan_darah_id and the document columns are not kept by Berdaya: ignored.
"""

from __future__ import annotations

COLUMNS = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir", "agama_id",
    "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "status_kawin", "kk_level", "warganegara_id",
    "nama_ayah", "nama_ibu", "golongan_darah_id", "akta_lahir", "dokumen_pasport", "tanggal_akhir_paspor",
    "dokumen_kitas", "ayah_nik", "ibu_nik", "akta_perkawinan", "tanggalperkawinan", "akta_perceraian",
    "tanggalperceraian", "cacat_id", "cara_kb_id", "hamil", "ktp_el", "status_rekam", "alamat_sekarang",
    "status_dasar",
]
# Headers only OpenSID uses: their presence marks the layout (normalised: lower case, letters and digits only).
MARKERS = {"kklevel", "sex", "tanggallahir", "tempatlahir"}
END_MARKER = "###"

# Extra labels OpenSID's importer accepts (normalised) -> Berdaya code.
SEX = {"1": "L", "2": "P", "l": "L", "lk": "L", "p": "P", "pr": "P"}
MARITAL = {"bk": 1, "k": 2, "ch": 3, "cm": 4}
EDUCATION = {"tidakblmsekolah": 1, "tidaktamatsdsederajat": 2, "akademidiplomaiiisarjanamuda": 7, "strataii": 9}
DISABILITY = {"1": "fisik", "2": "netra", "3": "rungu_wicara", "4": "mental_jiwa", "5": "fisik_mental",
              "6": "lainnya", "7": "", "cacatfisik": "fisik", "cacatnetrabuta": "netra", "cacatrunguwicara":
              "rungu_wicara", "cacatmentaljiwa": "mental_jiwa", "cacatfisikdanmental": "fisik_mental",
              "cacatlainnya": "lainnya", "tidakcacat": ""}
PREGNANT = {"1": True, "hamil": True, "2": False, "0": False, "tidakhamil": False}
BASIC_STATUS = {"1": "hidup", "hidup": "hidup", "2": "mati", "mati": "mati", "3": "pindah", "pindah": "pindah",
                "pindahdalamnegeri": "pindah", "pindahluarnegeri": "pindah", "4": "hilang", "hilang": "hilang",
                "6": "pergi", "pergi": "pergi", "9": "tidakvalid", "tidakvalid": "tidakvalid"}


def is_opensid(normalised_headers: set[str]) -> bool:
    return normalised_headers >= MARKERS


def clean_dusun(value: str) -> str:
    """As OpenSID's importer: underscores to spaces, without a leading 'DUSUN '."""
    text = " ".join(value.replace("_", " ").split())
    if text.upper().startswith("DUSUN "):
        text = text[6:].strip()
    return text
