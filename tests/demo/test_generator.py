"""berdaya.demo.generator: the in-memory population is a function of the seed (and the date)."""

import random
from datetime import date

import pytest

from berdaya.demo.build import blora_villages
from berdaya.demo.generator import generate_households
from berdaya.demo.names import spelling_variant

TODAY = date(2026, 11, 25)


def _fingerprint(drafts):
    return [(d.kk_number, d.village, d.monthly_income, d.official_desil,
             [(m.name, m.nik, m.birth_date, m.sex, m.relationship, m.status) for m in d.members]) for d in drafts]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_population_and_another_seed_another():
    villages = blora_villages()
    first = generate_households(households=150, seed=11, villages=villages, today=TODAY)
    again = generate_households(households=150, seed=11, villages=list(reversed(villages)), today=TODAY)
    other = generate_households(households=150, seed=12, villages=villages, today=TODAY)
    assert _fingerprint(first) == _fingerprint(again)
    assert _fingerprint(first)[:5] != _fingerprint(other)[:5]


def test_it_refuses_to_generate_without_the_villages_of_blora():
    with pytest.raises(ValueError, match="33.16"):
        generate_households(households=10, seed=1, villages=[], today=TODAY)


def test_a_spelling_variant_differs_from_the_name_it_varies():
    rng = random.Random(3)
    for name in ["Sutrisno", "Siti Aminah", "Muhammad Rizky Pratama", "Nur'aini", "Joko", "Ayu"]:
        assert spelling_variant(rng, name) != name
