"""Two departments take the same order at the same moment: one wins, the other is told the
order is gone, and exactly one step and one notice to the community are written."""

import pytest
from django.db import connection

from jiefen.notify.models import Notification
from jiefen.points.models import Order, OrderStatus, OrderStep
from jiefen.points.services import PointsError, take
from jiefen.testing.factories import build_world
from jiefen.testing.race import at_once

from .factories import enable, posted

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level locking between sessions is a PostgreSQL test"
)


def race(calls) -> list[str]:
    """"taken", or the refusal's status and message, for each take at the same moment."""
    results = []
    for outcome in at_once(*calls):
        if outcome.error is not None and not isinstance(outcome.error, PointsError):
            raise outcome.error
        results.append(f"{outcome.error.http_status} {outcome.error.message}" if outcome.error else "taken")
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_departments_take_one_order_at_once(round_):
    world = build_world()
    enable(world)
    order = posted(world)
    results = race([
        lambda: take(Order.objects.select_related("community").get(pk=order.pk), world["hr_handler"]),
        lambda: take(Order.objects.select_related("community").get(pk=order.pk), world["housing_handler"]),
    ])
    assert sorted(r == "taken" for r in results) == [False, True], results
    refused = next(r for r in results if r != "taken")
    assert refused.startswith("409 ") and "已被" in refused
    order.refresh_from_db()
    assert order.status == OrderStatus.TAKEN
    assert OrderStep.objects.filter(order=order, action="take").count() == 1
    assert Notification.objects.filter(user=world["east_clerk"], text__contains="接单").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_penalise_an_overdue_order_once():
    import datetime as dt

    from django.utils import timezone

    from jiefen.points.models import PointsEntry
    from jiefen.points.services import penalise_overdue

    world = build_world()
    enable(world)
    order = posted(world, deadline=timezone.localdate().isoformat())
    take(order, world["hr_handler"])
    later = timezone.localdate() + dt.timedelta(days=2)
    outcomes = at_once(lambda: penalise_overdue(later), lambda: penalise_overdue(later))
    assert [o.error for o in outcomes] == [None, None]
    assert sorted(o.result for o in outcomes) == [0, 1]
    assert PointsEntry.objects.filter(order=order).count() == 1
    assert OrderStep.objects.filter(order=order, action="overdue").count() == 1
