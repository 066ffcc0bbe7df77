"""Two people act on the same case at the same moment: exactly one wins, the other gets a
clear conflict, and nothing is half-written."""

import threading

import pytest
from django.db import connection, connections

from jiefen.accounts.models import Membership, Role
from jiefen.cases.models import Case, Event, Status
from jiefen.cases.services import Conflict, perform
from jiefen.testing.factories import advance, build_world, staff, submit

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
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def sign(user):
        try:
            mine = Case.objects.get(pk=case.pk)
            barrier.wait()
            perform(mine, "sign", user, expected_version=version)
            results[user.username] = "won"
        except Conflict as exc:
            results[user.username] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (world["hr_handler"], colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r == "won" for r in results.values()) == [False, True], results
    loser = next(r for r in results.values() if r != "won")
    assert "刚刚已被他人处理" in loser
    case.refresh_from_db()
    assert case.status == Status.SIGNED and case.version == version + 1
    assert Event.objects.filter(case=case, action="sign").count() == 1
    assert Membership.objects.filter(department=world.hr).count() == 2
