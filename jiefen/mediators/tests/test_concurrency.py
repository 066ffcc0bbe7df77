"""Two orders at the same moment for the last slot of a mediator, or for the same case: exactly
one is placed, the other is refused with a message, and nothing is half-written."""

import pytest
from django.db import connection

from jiefen.cases.models import Case, Event
from jiefen.cases.workflow import Resident
from jiefen.mediators.models import MediatorOrder
from jiefen.mediators.services import MediatorError, place_order
from jiefen.testing.factories import build_world, submit
from jiefen.testing.race import at_once

from .factories import roster

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level locking between sessions is a PostgreSQL test"
)


def race(calls) -> list[str]:
    """"placed", or the refusal's message, for each order placed at the same moment."""
    results = []
    for outcome in at_once(*calls):
        if outcome.error is not None and not isinstance(outcome.error, MediatorError):
            raise outcome.error
        results.append(outcome.error.message if outcome.error else "placed")
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_residents_cannot_both_take_the_last_slot(round_):
    world = build_world()
    east = roster(world)["east"]
    east.max_open_orders = 1
    east.save()
    first, second = submit(world), submit(world, phone="13900003333")
    results = race([
        lambda: place_order(Case.objects.get(pk=first.pk), east.pk, Resident(first.pk)),
        lambda: place_order(Case.objects.get(pk=second.pk), east.pk, Resident(second.pk)),
    ])
    assert sorted(r == "placed" for r in results) == [False, True], results
    assert "当前承接已满（1/1）" in next(r for r in results if r != "placed")
    assert MediatorOrder.objects.filter(mediator=east).count() == 1
    assert Event.objects.filter(action="mediator_ordered").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_orders_on_one_case_at_once():
    world = build_world()
    people = roster(world)
    case = submit(world)
    results = race([
        lambda: place_order(Case.objects.get(pk=case.pk), people["east"].pk, Resident(case.pk)),
        lambda: place_order(Case.objects.get(pk=case.pk), people["county"].pk, world["dispatcher"]),
    ])
    assert sorted(r == "placed" for r in results) == [False, True], results
    assert MediatorOrder.objects.filter(case=case).count() == 1
    assert Event.objects.filter(case=case, action="mediator_ordered").count() == 1
