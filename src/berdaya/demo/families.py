"""Family structures: who lives under one Kartu Keluarga, with plausible ages, sexes and relationships.

Shares (of households) are rough figures for rural Central Java: mostly nuclear families, some three-generation
households, about 15% headed by women, a few percent of elderly people living alone, and grandparents raising
grandchildren whose parents work in the cities or abroad.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from berdaya.demo.drafts import PersonDraft
from berdaya.demo.names import child_name, person_name
from berdaya.registry.codes import MaritalStatus as M
from berdaya.registry.codes import Relationship as R

MAX_MEMBERS = 8

# kind: (share, wealth adjustment)
KINDS = {
    "couple_children": (0.50, 0.0),
    "couple_only": (0.13, 0.1),
    "extended_down": (0.08, -0.1),
    "extended_up": (0.055, -0.1),
    "single_mother": (0.065, -0.6),
    "widow_with_family": (0.04, -0.4),
    "elderly_alone": (0.045, -0.8),
    "single_young": (0.02, 0.2),
    "single_father": (0.015, -0.3),
    "grandparents": (0.03, -0.4),
}
KIND_NAMES = list(KINDS)
KIND_WEIGHTS = [share for share, _adj in KINDS.values()]


class FamilyMaker:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today

    # --- people ---------------------------------------------------------------------------------------------
    def birth_date(self, age: int) -> date:
        """A birth date making the person `age` years old today."""
        days = int(age * 365.25) + self.rng.randint(1, 364)
        return self.today - timedelta(days=days)

    def person(self, *, sex: str, age: int, relationship: int, marital: int = M.SINGLE,
               father: str | None = None) -> PersonDraft:
        born = self.birth_date(max(age, 0))
        if relationship in (R.CHILD, R.GRANDCHILD):
            name = child_name(self.rng, sex=sex, birth_year=born.year, father_name=father)
        else:
            name = person_name(self.rng, sex=sex, birth_year=born.year)
        return PersonDraft(name=name, sex=sex, birth_date=born, relationship=relationship, marital_status=marital)

    def sex(self, male_share: float = 0.5) -> str:
        return "L" if self.rng.random() < male_share else "P"

    def tri(self, low: int, high: int, mode: int) -> int:
        return int(round(self.rng.triangular(low, high, mode)))

    # --- children -------------------------------------------------------------------------------------------
    def children_ages(self, mother_age: int, room: int) -> list[int]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3, 4, 5], weights=[4, 17, 36, 25, 12, 6])[0]
        at_birth = rng.randint(19, 29)
        ages = []
        for _ in range(count):
            if at_birth > 44 or mother_age - at_birth < 0:
                break
            ages.append(mother_age - at_birth)
            at_birth += rng.randint(2, 7)
        # Grown children mostly leave home (marriage, work in the cities).
        kept = [a for a in ages if a < 18 or rng.random() < max(0.08, 0.8 - (a - 18) * 0.06)]
        return sorted(kept, reverse=True)[:room]

    def children(self, mother_age: int, room: int, father: str | None) -> list[PersonDraft]:
        out = []
        for age in self.children_ages(mother_age, room):
            marital = M.SINGLE
            if age >= 22 and self.rng.random() < 0.15:
                marital = self.rng.choice([M.DIVORCED, M.DIVORCED, M.WIDOWED])
            out.append(self.person(sex=self.sex(0.51), age=age, relationship=R.CHILD, marital=marital, father=father))
        return out

    # --- household kinds ------------------------------------------------------------------------------------
    def make(self, kind: str) -> list[PersonDraft]:
        members = getattr(self, f"_{kind}")()
        return members[:MAX_MEMBERS]

    def _couple(self, head_age: int) -> tuple[PersonDraft, PersonDraft]:
        wife_age = max(17, head_age - self.rng.choices([-3, -1, 0, 2, 4, 6, 9, 13], weights=[4, 8, 10, 20, 22, 18,
                                                                                           12, 6])[0])
        head = self.person(sex="L", age=head_age, relationship=R.HEAD, marital=M.MARRIED)
        wife = self.person(sex="P", age=wife_age, relationship=R.WIFE, marital=M.MARRIED)
        return head, wife

    def _couple_children(self) -> list[PersonDraft]:
        head, wife = self._couple(self.tri(24, 64, 40))
        wife_age = self.age(wife)
        return [head, wife, *self.children(wife_age, MAX_MEMBERS - 2, head.name)]

    def _couple_only(self) -> list[PersonDraft]:
        if self.rng.random() < 0.4:
            return list(self._couple(self.tri(21, 33, 25)))
        return list(self._couple(self.tri(52, 86, 66)))

    def _extended_down(self) -> list[PersonDraft]:
        head, wife = self._couple(self.tri(48, 78, 60))
        members = [head, wife]
        child_age = max(20, min(self.age(wife) - self.rng.randint(19, 28), 40))
        child_sex = self.sex(0.45)
        child = self.person(sex=child_sex, age=child_age, relationship=R.CHILD, marital=M.MARRIED, father=head.name)
        in_law = self.person(sex="P" if child_sex == "L" else "L", age=child_age + self.rng.randint(-3, 4),
                             relationship=R.CHILD_IN_LAW, marital=M.MARRIED)
        members += [child, in_law]
        father = child.name if child_sex == "L" else in_law.name
        mother_age = child_age if child_sex == "P" else self.age(in_law)
        for age in self.children_ages(mother_age, self.rng.randint(1, 3)):
            members.append(self.person(sex=self.sex(0.51), age=age, relationship=R.GRANDCHILD, father=father))
        if self.rng.random() < 0.3:
            members += self.children(max(0, self.age(wife) - 8), 1, head.name)
        return members

    def _extended_up(self) -> list[PersonDraft]:
        head, wife = self._couple(self.tri(27, 52, 38))
        members = [head, wife]
        elders = 2 if self.rng.random() < 0.2 else 1
        rel = R.PARENT if self.rng.random() < 0.65 else R.PARENT_IN_LAW
        base = self.age(head) + self.rng.randint(20, 32)
        if elders == 2:
            members.append(self.person(sex="L", age=min(base + 3, 95), relationship=rel, marital=M.MARRIED))
            members.append(self.person(sex="P", age=min(base, 92), relationship=rel, marital=M.MARRIED))
        else:
            members.append(self.person(sex=self.sex(0.25), age=min(base + 2, 95), relationship=rel,
                                       marital=M.WIDOWED))
        members += self.children(self.age(wife), MAX_MEMBERS - len(members), head.name)
        return members

    def _single_mother(self) -> list[PersonDraft]:
        marital = M.WIDOWED if self.rng.random() < 0.55 else M.DIVORCED
        head = self.person(sex="P", age=self.tri(26, 64, 40), relationship=R.HEAD, marital=marital)
        kids = self.children(self.age(head), MAX_MEMBERS - 1, None)
        if not kids:
            kids = [self.person(sex=self.sex(0.51), age=max(0, self.age(head) - self.rng.randint(20, 30)),
                                relationship=R.CHILD)]
        return [head, *kids]

    def _single_father(self) -> list[PersonDraft]:
        marital = M.WIDOWED if self.rng.random() < 0.5 else M.DIVORCED
        head = self.person(sex="L", age=self.tri(30, 66, 45), relationship=R.HEAD, marital=marital)
        kids = self.children(max(20, self.age(head) - 4), MAX_MEMBERS - 1, head.name)
        if not kids:
            kids = [self.person(sex=self.sex(0.51), age=max(0, self.age(head) - self.rng.randint(24, 34)),
                                relationship=R.CHILD, father=head.name)]
        return [head, *kids]

    def _widow_with_family(self) -> list[PersonDraft]:
        head = self.person(sex="P", age=self.tri(58, 88, 68), relationship=R.HEAD, marital=M.WIDOWED)
        child_age = max(22, min(self.age(head) - self.rng.randint(22, 34), 50))
        child = self.person(sex=self.sex(0.5), age=child_age, relationship=R.CHILD,
                            marital=self.rng.choice([M.SINGLE, M.SINGLE, M.DIVORCED]))
        members = [head, child]
        if child.marital_status == M.DIVORCED or self.rng.random() < 0.3:
            for age in self.children_ages(child_age, 2):
                members.append(self.person(sex=self.sex(0.51), age=age, relationship=R.GRANDCHILD))
        return members

    def _elderly_alone(self) -> list[PersonDraft]:
        sex = self.sex(0.28)
        marital = self.rng.choices([M.WIDOWED, M.DIVORCED, M.SINGLE], weights=[86, 10, 4])[0]
        return [self.person(sex=sex, age=self.tri(61, 94, 72), relationship=R.HEAD, marital=marital)]

    def _single_young(self) -> list[PersonDraft]:
        return [self.person(sex=self.sex(0.75), age=self.tri(19, 38, 24), relationship=R.HEAD)]

    def _grandparents(self) -> list[PersonDraft]:
        roll = self.rng.random()
        age = self.tri(52, 82, 62)
        if roll < 0.6:
            members = list(self._couple(age))
        elif roll < 0.9:
            members = [self.person(sex="P", age=age, relationship=R.HEAD, marital=M.WIDOWED)]
        else:
            members = [self.person(sex="L", age=age, relationship=R.HEAD, marital=M.WIDOWED)]
        for _ in range(self.rng.choices([1, 2, 3], weights=[55, 35, 10])[0]):
            members.append(self.person(sex=self.sex(0.51), age=self.rng.randint(1, 16), relationship=R.GRANDCHILD))
        return members

    def age(self, person: PersonDraft) -> int:
        born = person.birth_date
        return self.today.year - born.year - ((self.today.month, self.today.day) < (born.month, born.day))
