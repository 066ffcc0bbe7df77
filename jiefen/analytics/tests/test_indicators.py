"""Each indicator against a small set of cases computed by hand, and refresh() == rebuild."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiefen.analytics import services
from jiefen.analytics.indicators import BY_KEY, PRE_LITIGATION
from jiefen.analytics.models import DayRollup, MonthRollup, Rollup
from jiefen.analytics.services import Filter
from jiefen.cases.models import Case, Channel, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.cases.workflow import Resident
from jiefen.testing.factories import advance, submit

TZ = ZoneInfo("Asia/Shanghai")
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def value(key, s):
    return (BY_KEY[key] if key in BY_KEY else PRE_LITIGATION).compute(s)


@pytest.fixture
def march(world):
    """Four cases in March 2026 (hand-computed figures in the test below)."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False) as t:
        a = submit(world)  # resolved and closed 30 hours later, rated satisfied
        b = submit(world)  # declined
        c = submit(world, channel=Channel.COURT)  # court channel: closed unresolved 50 hours later
        d = submit(world, region=world.grids[-1].pk)  # west street, only received
        perform(b, "decline", world["clerk"], reason="不属于受理范围", data={"redirect": "法院"})
        c = advance(world, c, Status.IN_PROGRESS)
        t.shift(dt.timedelta(hours=30))
        a = advance(world, a, Status.CLOSED)
        perform(Case.objects.get(pk=a.pk), "rate", Resident(a.pk), data={"satisfaction": 3})
        t.shift(dt.timedelta(hours=20))
        c = perform(Case.objects.get(pk=c.pk), "close_unresolved", world["hr_handler"],
                    data={"guidance": "litigation"}, reason="双方分歧大，引导诉讼。")
        perform(c, "close", world["dispatcher"])
    return a, b, c, d


def test_each_indicator_on_hand_computed_cases(world, march):
    services.rebuild()
    s = services.sums(Filter(world.county.path), *MARCH)
    assert (s["received"], s["accepted"], s["declined"]) == (4, 2, 1)
    assert (s["resolved"], s["unresolved"], s["closed"]) == (1, 1, 2)
    assert value("success_rate", s) == 0.5
    assert value("avg_hours", s) == pytest.approx(40.0)  # (30 + 50) / 2
    assert value("median_hours", s) == pytest.approx(48.0)  # 30 h in 24-48, 50 h in 48-72: the boundary
    assert value("satisfaction", s) == 1.0
    assert value("reopen_rate", s) == 0.0
    # The court channel alone: one closed, unresolved.
    court = services.sums(Filter(world.county.path, channel=Channel.COURT), *MARCH)
    assert court["received"] == 1 and value("pre_litigation_rate", court) == 0.0
    # The east street sees three, the west one; the hr department two (a and c).
    assert services.sums(Filter(world.streets[0].path), *MARCH)["received"] == 3
    assert services.sums(Filter(world.streets[1].path), *MARCH)["received"] == 1
    assert services.sums(Filter(world.county.path, department_id=world.hr.pk), *MARCH)["received"] == 2
    # April is empty; the mediator is the one who recorded the mediation.
    assert services.sums(Filter(world.county.path), dt.date(2026, 4, 1), dt.date(2026, 4, 30))["received"] == 0
    by_mediator = services.sums(Filter(world.county.path, mediator_id=world["hr_handler"].pk), *MARCH)
    assert by_mediator["received"] == 2 and by_mediator["resolved"] == 1


def test_refresh_folds_new_events_and_is_idempotent(world, march):
    services.refresh()
    assert services.stored_rollups() == services.full_recomputation()
    a = march[0]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ), tick=False):
        perform(Case.objects.get(pk=a.pk), "reopen", Resident(a.pk), reason="钱没到账", data={"satisfaction": 1})
    services.refresh()
    services.refresh()
    s = services.sums(Filter(world.county.path), dt.date(2026, 1, 1), dt.date(2030, 1, 1))
    assert s["reopened"] == 1
    assert s["closed"] == 1  # a is no longer closed: its contribution moved out
    for table in (Rollup, MonthRollup, DayRollup):
        assert services.stored_rollups(table) == services.full_recomputation(table)


STEPS = ["submit", "accept", "decline", "dispatch_to_close", "unresolved", "reopen", "rate", "wait"]
PROPERTY = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck),
                    database=None, derandomize=True)


@pytest.mark.django_db
def test_rollups_equal_a_full_recomputation_after_random_actions(world):
    @PROPERTY
    @given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 5), st.booleans()), max_size=14))
    def run(steps):
        cases: list[Case] = []
        # from the last days of May into June: the monthly rows of both months move
        with time_machine.travel(dt.datetime(2026, 5, 29, 8, 0, tzinfo=TZ), tick=False) as t:
            for step, which, refresh_now in steps:
                case = Case.objects.get(pk=cases[which % len(cases)].pk) if cases else None
                try:
                    if step == "submit" or case is None:
                        cases.append(submit(world, region=world.grids[which % 8].pk))
                    elif step == "accept":
                        perform(case, "accept", world["clerk"])
                    elif step == "decline":
                        perform(case, "decline", world["clerk"], reason="不属于受理范围", data={"redirect": "法院"})
                    elif step == "dispatch_to_close":
                        advance(world, case, Status.CLOSED)
                    elif step == "unresolved":
                        case = advance(world, case, Status.IN_PROGRESS)
                        perform(case, "close_unresolved", world["hr_handler"], data={"guidance": "litigation"},
                                reason="引导诉讼。")
                    elif step == "reopen":
                        perform(case, "reopen", Resident(case.pk), reason="没解决", data={"satisfaction": 1})
                    elif step == "rate":
                        perform(case, "rate", Resident(case.pk), data={"satisfaction": 1 + which % 3})
                    else:
                        t.shift(dt.timedelta(hours=7 * (which + 1)))
                except (NotAllowed, Exception) as e:  # an action not available now is skipped
                    if not isinstance(e, NotAllowed) and "ValidationError" not in type(e).__name__:
                        raise
                if refresh_now:
                    services.refresh()
            services.refresh()
        for table in (Rollup, MonthRollup, DayRollup):
            assert services.stored_rollups(table) == services.full_recomputation(table)
        services.rebuild()
        for table in (Rollup, MonthRollup, DayRollup):
            assert services.stored_rollups(table) == services.full_recomputation(table)

    run()
