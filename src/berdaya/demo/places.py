"""Geography of the Blora demo: where districts lie, how villages are divided, where newcomers come from.

District centres are approximate (enough to put demo points on the right part of a map); villages and
districts themselves always come from the Region table (Kemendagri codes).
"""

from __future__ import annotations

BLORA = "33.16"

# Approximate centre (lat, lon) of each district of Kabupaten Blora.
DISTRICT_CENTRES = {
    "33.16.01": (-7.245, 111.275),  # Jati
    "33.16.02": (-7.195, 111.400),  # Randublatung
    "33.16.03": (-7.150, 111.160),  # Kradenan
    "33.16.04": (-7.220, 111.520),  # Kedungtuban
    "33.16.05": (-7.150, 111.590),  # Cepu
    "33.16.06": (-7.085, 111.565),  # Sambong
    "33.16.07": (-7.035, 111.495),  # Jiken
    "33.16.08": (-6.995, 111.500),  # Jepon
    "33.16.09": (-6.970, 111.420),  # Blora
    "33.16.10": (-6.925, 111.380),  # Tunjungan
    "33.16.11": (-7.050, 111.330),  # Banjarejo
    "33.16.12": (-7.020, 111.250),  # Ngawen
    "33.16.13": (-7.050, 111.150),  # Kunduran
    "33.16.14": (-6.930, 111.170),  # Todanan
    "33.16.15": (-6.920, 111.550),  # Bogorejo
    "33.16.16": (-6.880, 111.330),  # Japah
}
DEFAULT_CENTRE = (-7.0, 111.4)

# Towns draw more households per village; forest districts (teak) hold the remote hamlets.
TOWN_DISTRICTS = {"33.16.09": 1.5, "33.16.05": 1.5, "33.16.02": 1.2}
FOREST_DISTRICTS = ["33.16.07", "33.16.01", "33.16.02", "33.16.14", "33.16.03", "33.16.15"]

# Hamlet (dusun) names common in the Blora area; "Krajan" is the village centre in Javanese villages.
DUSUN_NAMES = [
    "Krajan", "Kedungrejo", "Ngelo", "Sumberejo", "Tegalrejo", "Karanganyar", "Sidomulyo", "Wotan", "Ngampel",
    "Pojok", "Gondang", "Ngrawoh", "Kalisari", "Kedungsari", "Mojorejo", "Ngablak", "Sendang", "Bulu", "Jetak",
    "Kalangan", "Nglorog", "Sambiroto", "Gedangan", "Randusari", "Tawangrejo", "Balong", "Dukuh Tengah",
    "Ngaringan", "Pucung", "Tempel", "Jatisari", "Kemiri", "Ngrejeng", "Banaran",
]
REMOTE_DUSUN_NAMES = ["Nglaban", "Wonosemi", "Gunungsari", "Ngrowo", "Pelem Gede", "Alas Tuwo"]
STREETS = [
    "Jl. Pemuda", "Jl. Gunung Lawu", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Sudirman", "Jl. Halmahera",
    "Jl. Pramuka", "Jl. Nusantara", "Jl. Rajawali", "Jl. Kartini", "Jl. Arif Rahman Hakim", "Jl. Gatot Subroto",
    "Jl. Reksodiputro", "Jl. Cepu-Randublatung", "Jl. Raya Blora-Cepu", "Jl. Kolonel Sunandar",
]

# Where people registered elsewhere first came from (real district codes of neighbouring regencies and the
# cities people migrate to), with the birth place written on their card.
OTHER_REGENCY_DISTRICTS = [
    ("33.15.01", "Grobogan"), ("33.15.02", "Grobogan"), ("33.17.01", "Rembang"), ("33.17.03", "Rembang"),
    ("33.18.02", "Pati"), ("35.22.01", "Bojonegoro"), ("35.22.02", "Bojonegoro"), ("35.21.01", "Ngawi"),
    ("35.19.01", "Madiun"), ("33.74.01", "Semarang"), ("35.78.01", "Surabaya"), ("31.71.03", "Jakarta"),
]
MIGRATION_DESTINATIONS = [
    "Jakarta", "Surabaya", "Semarang", "Kudus", "Bekasi", "Tangerang", "Batam", "Kalimantan Timur", "Malaysia",
]
