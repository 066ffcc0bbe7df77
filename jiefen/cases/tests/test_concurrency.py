"""Two people act on the same case at the same moment: exactly one wins, the other gets a
clear conflict, and nothing is half-written."""


import pytest
from django.db import connection

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, Event, Status
from jiefen.cases.services import Conflict, perform
from jiefen.testing.factories import advance, build_world, staff, submit
from jiefen.testing.race import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level locking between sessions is a PostgreSQL test"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_two_simultaneous_sign_ins_exactly_one_wins(round_):
    world = build_world()
    colleague = staff(Role.HANDLER, department=world.hr)
    case = advance(world, submit(world), Status.DISPATCHED)
    version = case.version
    def sign(user):
        mine = Case.objects.get(pk=case.pk)  # each opened the case at this version
        return lambda: perform(mine, "sign", user, expected_version=version)

    outcomes = at_once(sign(world["hr_handler"]), sign(colleague))
    assert all(o.error is None or isinstance(o.error, Conflict) for o in outcomes), outcomes
    results = ["won" if o.error is None else o.error.message for o in outcomes]
    assert sorted(r == "won" for r in results) == [False, True], results
    loser = next(r for r in results if r != "won")
    assert "刚刚已被他人处理" in loser
    case.refresh_from_db()
    assert case.status == Status.SIGNED and case.version == version + 1
    assert Event.objects.filter(case=case, action="sign").count() == 1
    assert Membership.objects.filter(department=world.hr).count() == 2
