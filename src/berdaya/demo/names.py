"""Javanese-flavoured Indonesian names for the Blora demo, and the spelling variants registries are full of.

Family names are uncommon in Java: a person has one to three given words ("Sutrisno", "Siti Aminah",
"Agus Budi Santoso"). Older generations mostly carry one traditional word (Painem, Ngadiman), younger ones two
or three, often Arabic- or Sanskrit-derived (Muhammad Rizky Pratama, Aulia Putri Ramadhani).
"""

from __future__ import annotations

import random

MALE_OLD = [
    "Sukijan", "Ngadiman", "Sumardi", "Karsono", "Kasmin", "Parjo", "Sarmin", "Darmo", "Ngatimin", "Wagiman",
    "Suparman", "Sukardi", "Rusdi", "Tarmuji", "Kasdi", "Sutomo", "Ngadino", "Samijan", "Paijo", "Sadimin",
    "Sarno", "Marijan", "Wagino", "Karmin", "Sastro", "Suyadi", "Jumadi", "Rasimin", "Tukiran", "Legiman",
    "Sutrisno", "Mulyono", "Sugiyono", "Suwarno", "Kasiman", "Sardi", "Sumarno", "Warsito", "Sutarjo", "Badri",
]
MALE_MIDDLE = [
    "Sutrisno", "Sugiyanto", "Slamet", "Suyanto", "Bambang", "Joko", "Agus", "Budi", "Hadi", "Heru", "Wahyu",
    "Eko", "Dwi", "Tri", "Puji", "Suharto", "Supriyadi", "Sugeng", "Mulyadi", "Purwanto", "Sunarto", "Haryanto",
    "Teguh", "Rudi", "Sriyono", "Sutikno", "Margono", "Ahmad", "Muhammad", "Imam", "Nur", "Abdul", "Ali",
    "Suroso", "Kusno", "Sukamto", "Widodo", "Yudi", "Hartono", "Rohmat", "Kholil", "Mu'arif", "Ma'ruf",
    "Syafi'i", "Zaenal", "Arif", "Darmaji", "Subekti", "Wiji", "Catur",
]
MALE_MIDDLE_LAST = [
    "Santoso", "Susanto", "Setiawan", "Prasetyo", "Wibowo", "Purnomo", "Hidayat", "Nugroho", "Saputro",
    "Sulistyo", "Raharjo", "Kurniawan", "Riyanto", "Hartono", "Utomo", "Wahyudi", "Cahyono", "Yulianto",
    "Sutrisno", "Mulyono", "Suprapto", "Budiman", "Efendi", "Rohman", "Fauzi", "Anwar", "Sholeh", "Triyono",
]
MALE_YOUNG = [
    "Muhammad", "Ahmad", "Rizky", "Fajar", "Dimas", "Bayu", "Aditya", "Rafi", "Ilham", "Dafa", "Farhan",
    "Galih", "Yoga", "Andika", "Reza", "Bagus", "Rizal", "Alif", "Akbar", "Arya", "Dani", "Fikri", "Hafiz",
    "Naufal", "Raka", "Satria", "Wisnu", "Yusuf", "Zaki", "Kevin", "André", "Nabil", "Rehan", "Azka",
]
MALE_YOUNG_LAST = [
    "Pratama", "Saputra", "Ramadhan", "Firmansyah", "Maulana", "Hidayatullah", "Kurniawan", "Setiawan",
    "Nugraha", "Prasetya", "Wijaya", "Syahputra", "Alfarizi", "Anggara", "Febrianto", "Aditama", "Akbar",
    "Ardiansyah", "Permana", "Putra", "Rizki", "Al Ghifari", "Hakim",
]

FEMALE_OLD = [
    "Painem", "Ngatini", "Sarmi", "Tumini", "Suwarni", "Kasmi", "Wartini", "Sulastri", "Paini", "Kasiyem",
    "Tukini", "Sumini", "Legiyem", "Ngadinah", "Darmi", "Suparmi", "Sukinah", "Rasmi", "Jumirah", "Karsini",
    "Sutinah", "Parmi", "Warsini", "Ngatiyem", "Samirah", "Kasih", "Sarinah", "Marsini", "Ginah", "Siti",
    "Sumiyati", "Partini", "Tarmini", "Juwariyah",
]
FEMALE_MIDDLE = [
    "Siti", "Sri", "Endang", "Dewi", "Rina", "Yuni", "Tri", "Dwi", "Puji", "Wahyu", "Eni", "Sumarni", "Yuliana",
    "Suprapti", "Lilik", "Nur", "Umi", "Nurul", "Kusmiati", "Sulastri", "Suryani", "Mulyani", "Ernawati",
    "Lestari", "Rukmini", "Indah", "Ninik", "Rahayu", "Sunarsih", "Mujiati", "Khotijah", "Rofi'ah", "Nur'aini",
    "Nur’aini", "Musrifah", "Aminah", "Fatimah", "Chusnul",
]
FEMALE_MIDDLE_LAST = [
    "Aminah", "Wahyuni", "Lestari", "Rahayu", "Astuti", "Handayani", "Suryani", "Setyowati", "Wulandari",
    "Purwanti", "Mulyani", "Susanti", "Rahmawati", "Sulistyowati", "Kurniasih", "Hidayati", "Fatimah", "Maryam",
    "Ningsih", "Utami", "Khasanah", "Mu'awanah", "Ni'mah", "Zulaikha", "Sholihah", "Anggraini",
]
FEMALE_YOUNG = [
    "Aulia", "Putri", "Nayla", "Zahra", "Dinda", "Anisa", "Salsabila", "Nabila", "Alya", "Citra", "Fitri",
    "Intan", "Ayu", "Dewi", "Ratna", "Laras", "Novita", "Rizka", "Tiara", "Vina", "Kirana", "Keisha", "Nadia",
    "Ananda", "Aisyah", "Azzahra", "Khanza", "Syifa", "Renée", "Nur'aini", "Shafa", "Cahya",
]
FEMALE_YOUNG_LAST = [
    "Ramadhani", "Putri", "Lestari", "Azzahra", "Safitri", "Rahmawati", "Maharani", "Kusuma", "Anggraini",
    "Pratiwi", "Febriani", "Nurhaliza", "Oktaviani", "Permatasari", "Amalia", "Aprilia", "Wulandari", "Cahyani",
    "Khairunnisa", "Fadilah", "Ayu", "Nuraini", "Salsabila",
]


def person_name(rng: random.Random, *, sex: str, birth_year: int) -> str:
    """A name that fits the person's sex and generation."""
    male = sex == "L"
    if birth_year < 1962:
        if rng.random() < 0.85:
            return rng.choice(MALE_OLD if male else FEMALE_OLD)
        return f"{rng.choice(MALE_MIDDLE if male else FEMALE_MIDDLE)} {rng.choice(MALE_OLD if male else FEMALE_OLD)}"
    if birth_year < 1990:
        first, last = (MALE_MIDDLE, MALE_MIDDLE_LAST) if male else (FEMALE_MIDDLE, FEMALE_MIDDLE_LAST)
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(first + last)
        if roll < 0.85:
            return _join(rng.choice(first), rng.choice(last))
        return _join(rng.choice(first), rng.choice(first), rng.choice(last))
    first, last = (MALE_YOUNG, MALE_YOUNG_LAST) if male else (FEMALE_YOUNG, FEMALE_YOUNG_LAST)
    roll = rng.random()
    if roll < 0.12:
        return rng.choice(first)
    if roll < 0.6:
        return _join(rng.choice(first), rng.choice(last))
    return _join(rng.choice(first), rng.choice(first), rng.choice(last))


def child_name(rng: random.Random, *, sex: str, birth_year: int, father_name: str | None) -> str:
    """Some younger Javanese families give the father's last word to the children."""
    name = person_name(rng, sex=sex, birth_year=birth_year)
    if father_name and birth_year >= 1985 and " " in father_name and rng.random() < 0.12:
        return _join(name.split()[0], father_name.split()[-1])
    return name


def _join(*words: str) -> str:
    out: list[str] = []
    for word in words:
        if word not in out:
            out.append(word)
    return " ".join(out)


# Spelling variants seen when the same person is typed again: old Dutch-era spelling (oe, dj, tj, j for y),
# kh/ch, dh/d, a final i typed y, a dropped apostrophe or final h; (old, new, where): "any", "vowel" (a vowel
# follows) or "end" (at the end of a word, not the whole word).
_SPELLING = [
    ("u", "oe", "any"), ("j", "dj", "any"), ("y", "j", "vowel"), ("c", "tj", "any"), ("kh", "ch", "any"),
    ("ch", "kh", "any"), ("dh", "d", "any"), ("sy", "s", "vowel"), ("i", "y", "end"), ("'", "", "any"),
    ("’", "", "any"), ("h", "", "end"), ("ah", "a", "end"),
]


def spelling_variant(rng: random.Random, name: str) -> str:
    """The same name as another clerk might have typed it; never identical to the input."""
    words = name.split()
    kinds = ["respell"] * 6 + ["upper"]
    if len(words) >= 3:
        kinds.append("drop_middle")
    if words[0] in ("Muhammad", "Mohammad"):
        kinds += ["abbreviate"] * 2
    for _attempt in range(8):
        kind = rng.choice(kinds)
        if kind == "abbreviate":
            candidate = " ".join([rng.choice(["M.", "Moh.", "Muhamad", "Mochammad"]), *words[1:]])
        elif kind == "drop_middle":
            candidate = " ".join([words[0], words[-1]])
        elif kind == "upper":
            candidate = name.upper()
        else:
            candidate = _respell(rng, name)
        if candidate != name:
            return candidate
    return name + "h" if not name.endswith("h") else name[:-1]


def _fits(text: str, at: int, old: str, where: str) -> bool:
    starts_word = at == 0 or not text[at - 1].isalpha()
    end = at + len(old)
    ends_word = end == len(text) or not text[end].isalpha()
    if where == "vowel":
        return not ends_word and text[end] in "aeiou"
    if where == "end":
        return ends_word and not starts_word
    return True


def _respell(rng: random.Random, name: str) -> str:
    lowered = name.lower()
    options = [(at, old, new) for old, new, where in _SPELLING
               for at in range(len(lowered)) if lowered.startswith(old, at) and _fits(lowered, at, old, where)]
    if not options:
        return name
    at, old, new = rng.choice(options)
    original = name[at:at + len(old)]
    replacement = new.capitalize() if original[:1].isupper() else new
    return name[:at] + replacement + name[at + len(old):]
