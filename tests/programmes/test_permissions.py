"""Who holds the programme permissions, and which programmes a region sees (core.permissions.scope_q_visible)."""

import pytest

from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, Role, region_chain
from berdaya.programmes import selectors
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A


def _roles_with(perm: str) -> set[str]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if perm in perms}


def test_the_roles_table_of_the_readme():
    assert _roles_with(Perm.PROGRAMMES_VIEW) == {Role.ADMIN, Role.DINSOS_STAFF, Role.HEAD_OF_OFFICE,
                                                 Role.VILLAGE_OPERATOR, Role.VERIFIER, Role.MENTOR, Role.AUDITOR}
    assert _roles_with(Perm.PROGRAMMES_MANAGE) == {Role.ADMIN, Role.DINSOS_STAFF}
    assert _roles_with(Perm.BUDGET_MANAGE) == {Role.ADMIN, Role.DINSOS_STAFF}
    assert _roles_with(Perm.BUDGET_APPROVE) == {Role.HEAD_OF_OFFICE}


def test_region_chain_lists_a_code_and_the_regions_it_lies_in():
    assert region_chain("33.16.01.2001") == ["33", "33.16", "33.16.01", "33.16.01.2001"]
    assert region_chain("") == []


@pytest.mark.parametrize(("role", "region", "sees_blora", "sees_pasuruan"), [
    (Role.VILLAGE_OPERATOR, VILLAGE_A, True, False),   # the regency its village lies in
    (Role.DINSOS_STAFF, "33", True, False),             # a provincial officer: the regencies inside
    (Role.DINSOS_STAFF, "35.75", False, True),
    (Role.ADMIN, None, True, True),                     # national
    (Role.PARTNER, "33.16", False, False),              # no PROGRAMMES_VIEW
])
def test_which_programmes_a_region_sees(programme, programme_pasuruan, role, region, sees_blora, sees_pasuruan):
    user = factories.user_without_password(username="u", role=role, region=region)
    visible = set(selectors.programmes_visible(user=user))
    assert (programme in visible, programme_pasuruan in visible) == (sees_blora, sees_pasuruan)


def test_a_district_officer_sees_the_regencys_programmes_but_does_not_manage_them(programme):
    user = factories.user_without_password(username="u", role=Role.DINSOS_STAFF, region=DISTRICT_A)
    assert programme in set(selectors.programmes_visible(user=user))
    assert not selectors.can_manage(user, programme)
    assert programme not in set(selectors.programmes_manageable(user=user))
