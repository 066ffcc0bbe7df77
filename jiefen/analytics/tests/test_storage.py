"""The community day table answers totals and days, the monthly table whole months of the
breakdowns, the daily table the rest: the figures are the same as summing the daily table
alone, for any period, filter and breakdown; and cached figures move when the rollups do."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Sum

from jiefen.analytics import services
from jiefen.analytics.models import DayRollup, MonthRollup, Rollup
from jiefen.analytics.services import SUM_FIELDS, Filter, plan
from jiefen.cases.models import Channel, Status
from jiefen.testing.factories import advance, submit

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date


def test_plan_splits_a_period_into_whole_months_and_the_days_around_them():
    assert plan(D(2026, 3, 1), D(2026, 3, 31)) == ((D(2026, 3, 1), D(2026, 4, 1)), [])
    assert plan(D(2026, 2, 15), D(2026, 4, 3)) == (
        (D(2026, 3, 1), D(2026, 4, 1)), [(D(2026, 2, 15), D(2026, 2, 28)), (D(2026, 4, 1), D(2026, 4, 3))])
    assert plan(D(2026, 3, 2), D(2026, 3, 31)) == (None, [(D(2026, 3, 2), D(2026, 3, 31))])
    assert plan(D(2025, 12, 1), D(2026, 1, 31)) == ((D(2025, 12, 1), D(2026, 2, 1)), [])
    assert plan(D(2026, 3, 5), D(2026, 3, 5)) == (None, [(D(2026, 3, 5), D(2026, 3, 5))])


@pytest.fixture
def spread(world):
    """Cases from mid-February to early April 2026 in both streets, some closed, one by court."""
    moments = [dt.datetime(2026, 2, 27, 10, 0), dt.datetime(2026, 3, 1, 0, 30), dt.datetime(2026, 3, 15, 9, 0),
               dt.datetime(2026, 3, 31, 23, 30), dt.datetime(2026, 4, 2, 9, 0)]
    for i, moment in enumerate(moments):
        with time_machine.travel(moment.replace(tzinfo=TZ), tick=False) as t:
            case = submit(world, region=world.grids[i % 8].pk,
                          channel=Channel.COURT if i == 2 else Channel.WEB)
            if i % 2 == 0:
                t.shift(dt.timedelta(hours=20))
                advance(world, case, Status.CLOSED)
    services.refresh()
    return world


def daily_only(f, start, end, group=None):
    """The same figures from the daily table alone."""
    qs = Rollup.objects.filter(f.q(), day__gte=start, day__lte=end)
    sums = {k: Sum(k) for k in SUM_FIELDS}
    if group is None:
        return {k: v or 0 for k, v in qs.aggregate(**sums).items()}
    return {r.pop(group): {k: v or 0 for k, v in r.items()} for r in qs.values(group).annotate(**sums).order_by()}


PERIODS = [(D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 2, 1), D(2026, 4, 30)), (D(2026, 2, 28), D(2026, 4, 1)),
           (D(2026, 3, 2), D(2026, 3, 31)), (D(2026, 1, 1), D(2026, 12, 31))]


def test_monthly_and_daily_tables_give_the_same_figures(spread):
    w = spread
    assert 0 < MonthRollup.objects.count() < Rollup.objects.count()
    assert 0 < DayRollup.objects.count() <= Rollup.objects.count()
    filters = [Filter(), Filter(w.county.path), Filter(w.streets[0].path), Filter(w.grids[0].path),
               Filter(w.county.path, channel=Channel.COURT), Filter(w.county.path, department_id=w.hr.pk)]
    for f in filters:
        for start, end in PERIODS:
            assert services.sums(f, start, end) == daily_only(f, start, end), (f, start, end)
            for field in ("category_id", "channel", "risk_grade", "day", "region_path"):
                assert services.sums_by(f, start, end, field) == daily_only(f, start, end, field), (f, field)
            by = services.breakdowns(f, start, end, ["category_id", "channel", "risk_grade"])
            for field, rows in by.items():
                assert rows == daily_only(f, start, end, field), (f, field)
    # March from the monthly table alone: five cases received in February..April, three in March
    assert services.sums(Filter(w.county.path), *PERIODS[0])["received"] == 3
    assert services.sums(Filter(w.county.path), *PERIODS[1])["received"] == 5


def test_children_figures_match_the_daily_table(spread):
    w = spread
    for start, end in PERIODS:
        got = services.sums_by_region(Filter(w.county.path), start, end, w.streets)
        by_path = daily_only(Filter(w.county.path), start, end, "region_path")
        for street in w.streets:
            expected = {k: sum(r[k] for p, r in by_path.items() if p.startswith(street.path)) for k in SUM_FIELDS}
            assert got[street.path] == expected
    # grids are below the monthly table's community cut: answered from the daily table
    got = services.sums_by_region(Filter(w.county.path), *PERIODS[1], w.grids[:3], ["received"])
    assert got == {g.path: {"received": 1} for g in w.grids[:3]}


def test_cached_figures_follow_the_rollups(spread):
    w = spread
    f, april = Filter(w.county.path), (D(2026, 4, 1), D(2026, 4, 30))
    assert services.sums(f, *april)["received"] == 1
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, 0, tzinfo=TZ), tick=False):
        submit(w)
    assert services.sums(f, *april)["received"] == 1  # not folded yet
    services.refresh()
    assert services.sums(f, *april)["received"] == 2
    services.refresh()  # nothing new: the same stamp, the same figures
    assert services.sums(f, *april)["received"] == 2
