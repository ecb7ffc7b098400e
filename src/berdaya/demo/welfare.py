"""Education, work, income, health and housing, all driven by one latent wealth score per household.

Wealth (roughly standard normal, lower = poorer) makes the indicators move together as they do in survey data:
poorer households have less schooling, farm or labour for a day wage, earn less, live on earth floors, cook with
firewood and meet more of the 14 BPS criteria (about 10–15% meet at least nine).
"""

from __future__ import annotations

import math
import random
from datetime import date

from berdaya.demo.drafts import HouseholdDraft, PersonDraft
from berdaya.registry.codes import LOW_INCOME_OCCUPATIONS, Toilet
from berdaya.registry.codes import CookingFuel as Fuel
from berdaya.registry.codes import Education as E
from berdaya.registry.codes import FloorMaterial as Floor
from berdaya.registry.codes import HouseOwnership as Own
from berdaya.registry.codes import Lighting as Light
from berdaya.registry.codes import MaritalStatus as M
from berdaya.registry.codes import Occupation as O
from berdaya.registry.codes import Relationship as R
from berdaya.registry.codes import RoofMaterial as Roof
from berdaya.registry.codes import WallMaterial as Wall
from berdaya.registry.codes import WaterSource as Water

POOR_FLOORS = {Floor.EARTH, Floor.BAMBOO, Floor.CHEAP_WOOD}
POOR_WALLS = {Wall.BAMBOO, Wall.THATCH, Wall.CHEAP_WOOD, Wall.BRICK}
UNSAFE_WATER = {Water.UNPROTECTED_WELL, Water.UNPROTECTED_SPRING, Water.RIVER, Water.RAIN}
POOR_FUEL = {Fuel.FIREWOOD, Fuel.CHARCOAL, Fuel.KEROSENE}

# Typical monthly earnings (Rupiah) by occupation around Blora (UMK 2025 ≈ Rp 2,2 juta).
BASE_INCOME = {
    O.FARMER: 950_000, O.FARM_LABOURER: 750_000, O.DAY_LABOURER: 1_200_000, O.BREEDER: 1_100_000,
    O.TRADER: 1_500_000, O.TRADE: 1_600_000, O.ENTREPRENEUR: 2_000_000, O.PRIVATE_EMPLOYEE: 2_300_000,
    O.CIVIL_SERVANT: 4_500_000, O.ARMY: 4_800_000, O.POLICE: 5_000_000, O.TEACHER: 3_800_000,
    O.HONORARY_EMPLOYEE: 900_000, O.DRIVER: 1_900_000, O.MECHANIC: 1_800_000, O.TAILOR: 1_100_000,
    O.CODE_26: 1_900_000, O.CODE_27: 1_900_000, O.DOMESTIC_WORKER: 1_000_000, O.VILLAGE_OFFICIAL: 2_400_000,
    O.VILLAGE_HEAD: 4_000_000, O.RETIRED: 2_400_000, O.CODE_73: 3_500_000, O.CODE_74: 3_200_000,
    O.CODE_14: 1_800_000,
}
WORK_LOW = [(O.FARMER, 34), (O.FARM_LABOURER, 18), (O.DAY_LABOURER, 15), (O.TRADER, 6), (O.CODE_26, 5),
            (O.BREEDER, 3), (O.ENTREPRENEUR, 4), (O.DRIVER, 3), (O.PRIVATE_EMPLOYEE, 4), (O.CODE_27, 3),
            (O.DOMESTIC_WORKER, 1), (O.TAILOR, 1)]
WORK_MIDDLE = [(O.PRIVATE_EMPLOYEE, 18), (O.ENTREPRENEUR, 15), (O.TRADER, 11), (O.FARMER, 14), (O.DAY_LABOURER, 9),
               (O.DRIVER, 6), (O.MECHANIC, 4), (O.HONORARY_EMPLOYEE, 4), (O.TRADE, 3), (O.CODE_14, 2),
               (O.ARMY, 2), (O.POLICE, 2), (O.VILLAGE_OFFICIAL, 2), (O.CODE_26, 3), (O.TAILOR, 2)]
WORK_HIGH = [(O.CIVIL_SERVANT, 22), (O.TEACHER, 20), (O.PRIVATE_EMPLOYEE, 18), (O.ENTREPRENEUR, 12),
             (O.HONORARY_EMPLOYEE, 9), (O.VILLAGE_OFFICIAL, 4), (O.ARMY, 2), (O.POLICE, 3), (O.CODE_73, 3),
             (O.CODE_74, 3), (O.TRADE, 3), (O.VILLAGE_HEAD, 1)]
MALE_ONLY = {O.ARMY, O.POLICE, O.DRIVER, O.MECHANIC, O.CODE_26, O.CODE_27, O.CODE_14, O.VILLAGE_HEAD}
FEMALE_ONLY = {O.CODE_73, O.DOMESTIC_WORKER}
DISABILITIES = [("fisik", 34), ("netra", 16), ("rungu_wicara", 15), ("mental_jiwa", 14), ("fisik_mental", 8),
                ("lainnya", 13)]
PHONE_PREFIXES = ["0812", "0813", "0821", "0822", "0823", "0852", "0853", "0857", "0858", "0877", "0878", "0881",
                  "0895", "0896", "0838"]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class Welfare:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today

    # --- people ---------------------------------------------------------------------------------------------
    def fill_person(self, person: PersonDraft, hh: HouseholdDraft) -> None:
        age = age_on(person.birth_date, self.today)
        person.education = self.education(age, person.birth_date.year, hh.wealth)
        person.occupation = self.occupation(person, age, hh)
        person.monthly_income = self.income(person.occupation, hh.wealth)
        person.disability = self.disability(age)
        person.pregnant = self.pregnant(person, age)
        person.phone = self.phone(person, age)

    def education(self, age: int, birth_year: int, wealth: float) -> int:
        if age < 7:
            return E.NONE
        if age < 13:
            return E.SD_NOT_FINISHED
        if age < 16:
            return E.SD
        if age < 19:
            return E.SMP
        cohort = -1.6 if birth_year < 1950 else -0.9 if birth_year < 1965 else -0.1 if birth_year < 1980 else (
            0.6 if birth_year < 1995 else 0.95)
        score = self.rng.gauss(cohort + 0.55 * wealth, 0.95)
        for limit, level in ((-1.6, E.NONE), (-0.9, E.SD_NOT_FINISHED), (0.25, E.SD), (0.95, E.SMP), (1.95, E.SMA),
                             (2.1, E.D1_D2), (2.3, E.D3), (3.2, E.S1), (4.2, E.S2)):
            if score < limit:
                return level
        return E.S3

    def occupation(self, person: PersonDraft, age: int, hh: HouseholdDraft) -> int:
        rng = self.rng
        if age < 5:
            return O.NOT_WORKING
        if age < 15 or (age < 19 and rng.random() < 0.8):
            return O.STUDENT
        if age < 23 and person.education >= E.SMA and rng.random() < 0.2 + 0.1 * hh.wealth:
            return O.STUDENT
        if age >= 66 and rng.random() < 0.55:
            return O.RETIRED if person.education >= E.SMA and rng.random() < 0.5 else O.NOT_WORKING
        if person.sex == "P" and rng.random() < (0.48 if person.relationship != R.HEAD else 0.15):
            return O.HOUSEWORK
        if age < 25 and rng.random() < 0.12:
            return O.NOT_WORKING
        table = WORK_HIGH if person.education >= E.D3 else WORK_MIDDLE if person.education >= E.SMA else WORK_LOW
        excluded = FEMALE_ONLY if person.sex == "L" else MALE_ONLY
        choices = [(code, weight * (0.35 if hh.urban and code in (O.FARMER, O.FARM_LABOURER) else 1))
                   for code, weight in table if code not in excluded]
        return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]

    def income(self, occupation: int, wealth: float) -> int | None:
        base = BASE_INCOME.get(occupation)
        if base is None:
            return None if occupation in (O.NOT_WORKING, O.HOUSEWORK, O.STUDENT) else self._money(1_200_000, wealth)
        if self.rng.random() < 0.08:
            return None  # not stated
        return self._money(base, wealth)

    def _money(self, base: int, wealth: float) -> int:
        value = base * math.exp(self.rng.gauss(0.22 * wealth, 0.38))
        return max(100_000, int(round(value / 50_000)) * 50_000)

    def disability(self, age: int) -> str:
        chance = 0.01 if age < 18 else 0.019 if age < 60 else 0.07 if age < 75 else 0.15
        if self.rng.random() >= chance:
            return ""
        return self.rng.choices([c for c, _w in DISABILITIES], weights=[w for _c, w in DISABILITIES])[0]

    def pregnant(self, person: PersonDraft, age: int) -> bool:
        if person.sex != "P" or person.marital_status != M.MARRIED or not 18 <= age <= 45:
            return False
        return self.rng.random() < (0.042 if age < 30 else 0.02 if age < 40 else 0.006)

    def phone(self, person: PersonDraft, age: int) -> str:
        chance = 0.0 if age < 16 else 0.6 if person.relationship == R.HEAD and age < 65 else 0.35 if age < 60 else 0.1
        if self.rng.random() >= chance:
            return ""
        return self.rng.choice(PHONE_PREFIXES) + "".join(str(self.rng.randint(0, 9))
                                                         for _ in range(self.rng.choice([7, 8, 8])))

    # --- household ------------------------------------------------------------------------------------------
    def fill_household(self, hh: HouseholdDraft, *, surveyed: bool) -> None:
        earned = [m.monthly_income for m in hh.living if m.monthly_income]
        income = sum(earned)
        if hh.kind == "grandparents" or (hh.kind == "elderly_alone" and self.rng.random() < 0.4):
            income += self._money(500_000, hh.wealth)  # sent home by children working away
        hh.monthly_income = None if self.rng.random() < (0.5 if not surveyed else 0.03) else income
        if not surveyed:
            hh.indicators = {}
            return
        hh.indicators = self.housing(hh)
        hh.indicators.update(self.criteria(hh, hh.indicators))

    def _pick(self, wealth: float, spread: float, steps: list) -> str:
        score = wealth + self.rng.gauss(0, spread)
        for limit, value in steps:
            if score < limit:
                return value
        return steps[-1][1]

    def housing(self, hh: HouseholdDraft) -> dict:
        w, rng = hh.wealth + (0.3 if hh.urban else 0.0), self.rng
        size = len(hh.living)
        floor_area = max(12, int(rng.gauss(34 + 9 * size + 14 * hh.wealth, 14)))
        return {
            "floor_area_m2": floor_area,
            "floor_material": self._pick(w, 0.6, [(-1.5, Floor.EARTH), (-1.3, Floor.CHEAP_WOOD), (-1.2, Floor.BAMBOO),
                                                  (0.1, Floor.CEMENT), (0.7, Floor.TILE), (9, Floor.CERAMIC)]),
            "wall_material": self._pick(w, 0.6, [(-1.35, Wall.CHEAP_WOOD), (-1.2, Wall.BAMBOO), (-0.7, Wall.BRICK),
                                                 (-0.2, Wall.GOOD_WOOD), (9, Wall.PLASTERED_BRICK)]),
            "roof_material": self._pick(w, 0.8, [(-2.4, Roof.THATCH), (-1.4, Roof.METAL), (2.2, Roof.TILE),
                                                 (9, Roof.CONCRETE)]),
            "toilet": self._pick(w, 0.6, [(-1.6, Toilet.NONE), (-1.1, Toilet.SHARED), (9, Toilet.PRIVATE)]),
            "lighting": self._pick(w, 0.5, [(-2.6, Light.NOT_ELECTRIC), (-1.4, Light.PLN_UNMETERED),
                                            (-1.35, Light.NON_PLN), (9, Light.PLN_METERED)]),
            "water_source": self._pick(w, 0.7, [(-1.5, Water.UNPROTECTED_WELL), (-1.35, Water.UNPROTECTED_SPRING),
                                                (-1.3, Water.RIVER), (-1.27, Water.RAIN),
                                                (0.2 if not hh.urban else -0.3, Water.PROTECTED_WELL),
                                                (1.0, Water.BOTTLED), (9, Water.PIPED)]),
            "cooking_fuel": self._pick(w, 0.6, [(-0.9, Fuel.FIREWOOD), (-0.8, Fuel.CHARCOAL), (-0.75, Fuel.KEROSENE),
                                                (2.6, Fuel.LPG), (9, Fuel.ELECTRIC)]),
            "house_ownership": rng.choices([Own.OWN, Own.FREE, Own.RENT, Own.OFFICIAL, Own.OTHER],
                                           weights=[84, 8, 5 + (6 if hh.urban else 0), 1, 2])[0],
            "has_motorcycle": rng.random() < sigmoid(1.3 + 1.6 * hh.wealth),
            "has_car": rng.random() < sigmoid(-3.4 + 1.5 * hh.wealth),
            "has_refrigerator": rng.random() < sigmoid(0.1 + 1.5 * hh.wealth),
            "has_land": rng.random() < (0.25 if hh.urban else sigmoid(0.5 + 0.6 * hh.wealth)),
            "has_livestock": rng.random() < (0.08 if hh.urban else 0.4),
        }

    def criteria(self, hh: HouseholdDraft, housing: dict) -> dict:
        w, rng = hh.wealth, self.rng
        head = next((m for m in hh.members if m.relationship == R.HEAD), hh.members[0])
        size = max(1, len(hh.living))

        def chance(offset: float) -> bool:
            return rng.random() < sigmoid(offset - 1.7 * w)

        return {
            "c01_floor_area_small": housing["floor_area_m2"] / size < 8,
            "c02_floor_poor": housing["floor_material"] in POOR_FLOORS,
            "c03_wall_poor": housing["wall_material"] in POOR_WALLS,
            "c04_no_private_toilet": housing["toilet"] != Toilet.PRIVATE,
            "c05_no_electricity": housing["lighting"] == Light.NOT_ELECTRIC,
            "c06_unsafe_water": housing["water_source"] in UNSAFE_WATER,
            "c07_cooking_wood": housing["cooking_fuel"] in POOR_FUEL,
            "c08_protein_rarely": chance(-0.6),
            "c09_one_clothes_set": chance(-1.4),
            "c10_two_meals": chance(-2.3),
            "c11_cannot_afford_clinic": chance(-1.7),
            "c12_low_income_job": head.occupation in LOW_INCOME_OCCUPATIONS or (head.monthly_income or 0) < 600_000,
            "c13_low_education": (head.education or 1) <= E.SD,
            "c14_no_savings": chance(-0.6),
        }
