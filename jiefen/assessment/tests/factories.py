"""Cases for the scorecard tests: handled by the hr department (mediator hr_handler) in the
east street, or by the housing department (mediator housing_handler) in the west street."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from jiefen.analytics import services as analytics
from jiefen.assessment.models import Direction, Scheme, SubjectKind, Weight
from jiefen.cases.models import Case, Satisfaction
from jiefen.cases.services import perform
from jiefen.cases.workflow import Resident
from jiefen.testing.factories import MEDIATION, World, submit

TZ = ZoneInfo("Asia/Shanghai")
MARCH = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}


def handle(world: World, case: Case, *, housing: bool, resolved: bool = True) -> Case:
    """Accept, dispatch, sign, mediate and end the case (resolved or not), not yet closed."""
    department = world.housing if housing else world.hr
    handler = world["housing_handler" if housing else "hr_handler"]
    item = world.property_item if housing else world.wage_item
    case = perform(case, "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"department": department.pk})
    case = perform(case, "sign", handler)
    case = perform(case, "record_mediation", handler, data=MEDIATION | {
        "held_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat()})
    if resolved:
        return perform(case, "resolve", handler, reason="已达成协议并当场支付。")
    return perform(case, "close_unresolved", handler, data={"guidance": "litigation"},
                   reason="双方分歧大，引导诉讼。")


def march_cases(world: World) -> None:
    """In March 2026 (hand-computed figures in test_scorecard.py):
    hr / east street: 3 resolved + 1 unresolved, closed 10 hours after registration, rated
    satisfied, satisfied, dissatisfied (the unresolved one unrated);
    housing / west street: 2 resolved, closed 100 hours after registration, both satisfied."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False) as t:
        hr = [handle(world, submit(world), housing=False, resolved=i < 3) for i in range(4)]
        housing = [handle(world, submit(world, region=world.grids[-1].pk), housing=True) for _ in range(2)]
        t.shift(dt.timedelta(hours=10))
        for case, rating in zip(hr, [3, 3, 1, None], strict=True):
            closed = perform(Case.objects.get(pk=case.pk), "close", world["dispatcher"])
            if rating:
                perform(closed, "rate", Resident(case.pk), data={"satisfaction": rating})
        t.shift(dt.timedelta(hours=90))
        for case in housing:
            closed = perform(Case.objects.get(pk=case.pk), "close", world["dispatcher"])
            perform(closed, "rate", Resident(case.pk), data={"satisfaction": Satisfaction.SATISFIED})
    analytics.rebuild()


def scheme(kind: str = SubjectKind.DEPARTMENT, *, hours_weight: int = 10, **values) -> Scheme:
    """Success rate 60 (50%→0, 100%→100), satisfaction 40 (0%→0, 100%→100), average handling
    hours `hours_weight` (lower is better: 120 h→0, 10 h→100); green 85, yellow 60, 2 cases."""
    values = {"name": f"测试方案{Scheme.objects.count() + 1}", "green_at": 85, "yellow_at": 60,
              "min_cases": 2} | values
    s = Scheme.objects.create(kind=kind, **values)
    Weight.objects.create(scheme=s, indicator="success_rate", weight=60, floor=50, target=100, order=1)
    Weight.objects.create(scheme=s, indicator="satisfaction", weight=40, floor=0, target=100, order=2)
    Weight.objects.create(scheme=s, indicator="avg_hours", weight=hours_weight, direction=Direction.LOWER,
                          floor=120, target=10, order=3)
    return s
