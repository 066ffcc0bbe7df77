"""Clocks and the three-colour sheets, as the people on the receiving end notice them: the
department is warned before its deadline, the leader when it is missed, supervisors when
it is seriously missed, and every sheet goes away when the case moves on.

Time is not slept: the tick takes the moment to act at."""

import datetime as dt

import pytest

from jiefen.cases.models import Event, Status
from jiefen.cases.services import NotAllowed, perform
from jiefen.notify.models import Notification
from jiefen.sla.sheet_models import Clock, ClockKind, Sheet, SheetColour, Stage
from jiefen.sla.sheets import SheetError, acknowledge, open_counts, sheets_for, tick, urge
from jiefen.taxonomy.models import RiskGrade
from jiefen.testing.factories import advance, submit

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(world, submit(world), Status.DISPATCHED)
    return case


def clock(case, kind):
    return Clock.objects.get(case=case, kind=kind, stopped_at__isnull=True)


def ticked(at, capture):
    with capture(execute=True):
        return tick(at)


def test_clocks_start_and_stop_with_the_case(world):
    case = submit(world)
    running = set(Clock.objects.filter(case=case, stopped_at__isnull=True).values_list("kind", flat=True))
    assert running == {ClockKind.RESPOND, ClockKind.SORT}
    respond = clock(case, ClockKind.RESPOND)
    assert respond.due_at - respond.started_at == dt.timedelta(minutes=30)

    case = perform(case, "accept", world["clerk"])
    assert Clock.objects.get(case=case, kind=ClockKind.RESPOND).met is True
    case = perform(case, "classify", world["clerk"], data={"item": world.wage_item.pk})
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})
    assert Clock.objects.get(case=case, kind=ClockKind.SORT).met is True
    assert clock(case, ClockKind.SIGN).due_at == case.sign_due
    assert clock(case, ClockKind.HANDLE).due_at == case.handle_due
    case = perform(case, "return", world["hr_handler"], reason="不属于本部门职责。")
    assert not Clock.objects.filter(case=case, kind__in=["sign", "handle"], stopped_at__isnull=True).exists()
    assert clock(case, ClockKind.SORT), "back at the center, waiting to be dispatched again"
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.housing.pk})
    case = perform(case, "sign", world["housing_handler"])
    assert set(Clock.objects.filter(case=case, stopped_at__isnull=True).values_list("kind", flat=True)) == {"handle"}


def test_blue_then_yellow_then_red_each_to_its_recipient(world, dispatched, django_capture_on_commit_callbacks):
    case = dispatched
    sign = clock(case, ClockKind.SIGN)
    assert ticked(sign.warn_at - MINUTE, django_capture_on_commit_callbacks) == 0

    assert ticked(sign.warn_at, django_capture_on_commit_callbacks) == 1
    blue = Sheet.objects.get(case=case, colour=SheetColour.BLUE)
    assert blue.recipient_department == world.hr and "签收时限将至" in blue.reason
    assert blue.number.startswith("YJ") and blue.is_open
    assert Notification.objects.filter(user=world["hr_handler"], event__action="raise_sheet").exists()
    assert ticked(sign.warn_at, django_capture_on_commit_callbacks) == 0, "a second tick raises nothing"

    assert ticked(sign.due_at + MINUTE, django_capture_on_commit_callbacks) == 1
    yellow = Sheet.objects.get(case=case, colour=SheetColour.YELLOW)
    assert "签收已超期" in yellow.reason and "负责人" in yellow.recipient_label
    assert yellow in sheets_for(world["leader"]) and yellow not in sheets_for(world["hr_handler"])
    blue.refresh_from_db()
    assert not blue.is_open and "已升级" in blue.cleared_reason
    assert Notification.objects.filter(user=world["leader"], event__action="raise_sheet").exists()

    assert ticked(sign.red_at, django_capture_on_commit_callbacks) == 1
    red = Sheet.objects.get(case=case, colour=SheetColour.RED)
    assert red.number.startswith("DB") and "严重超期" in red.reason
    assert red in sheets_for(world["supervisor"])
    assert open_counts(world["supervisor"]) == {"blue": 0, "yellow": 0, "red": 1}
    assert clock(case, ClockKind.SIGN).stage == Stage.RED and clock(case, ClockKind.SIGN).next_check_at is None

    timeline = list(Event.objects.filter(case=case, action="raise_sheet").values_list("data__colour", flat=True))
    assert timeline == ["blue", "yellow", "red"]

    perform(case, "sign", world["hr_handler"])
    red.refresh_from_db()
    assert not red.is_open and red.cleared_reason == "已签收"


def test_a_tick_long_after_raises_every_colour_passed(world, dispatched, django_capture_on_commit_callbacks):
    sign = clock(dispatched, ClockKind.SIGN)
    assert ticked(sign.red_at + dt.timedelta(days=3), django_capture_on_commit_callbacks) == 3
    open_sheets = Sheet.objects.filter(case=dispatched, cleared_at__isnull=True)
    assert list(open_sheets.values_list("colour", flat=True)) == [SheetColour.RED]


def test_a_high_risk_case_goes_red_as_soon_as_it_is_overdue(world, django_capture_on_commit_callbacks):
    case = perform(submit(world), "accept", world["clerk"])
    case = perform(case, "classify", world["clerk"], data={"item": world.wage_item.pk, "risk_grade": RiskGrade.MAJOR})
    case = perform(case, "dispatch", world["dispatcher"], data={"department": world.hr.pk})
    sign = clock(case, ClockKind.SIGN)
    ticked(sign.due_at + MINUTE, django_capture_on_commit_callbacks)
    red = Sheet.objects.get(case=case, colour=SheetColour.RED)
    assert "重大风险" in red.reason


def test_leader_acknowledges_and_urges_the_department(world, dispatched, django_capture_on_commit_callbacks):
    sign = clock(dispatched, ClockKind.SIGN)
    ticked(sign.due_at + MINUTE, django_capture_on_commit_callbacks)
    yellow = Sheet.objects.get(case=dispatched, colour=SheetColour.YELLOW)

    with pytest.raises(SheetError) as refused:
        acknowledge(yellow, world["hr_handler"])
    assert refused.value.http_status == 403
    acknowledge(yellow, world["leader"])
    yellow.refresh_from_db()
    assert yellow.acknowledged_by == world["leader"] and yellow.acknowledged_at
    with pytest.raises(SheetError):
        acknowledge(yellow, world["leader"])

    with pytest.raises(SheetError) as empty:
        urge(yellow, world["leader"], "  ")
    assert "催办意见" in empty.value.message
    with django_capture_on_commit_callbacks(execute=True):
        urging = urge(yellow, world["leader"], "请今天下班前签收并联系诉求人。")
    assert urging.to_label == "清河区人社局" and "中心负责人" in urging.by_label
    assert list(yellow.urgings.values_list("note", flat=True)) == ["请今天下班前签收并联系诉求人。"]
    note = Notification.objects.get(user=world["hr_handler"], event__action="urge")
    assert dispatched.display_code in note.text


def test_a_paused_clock_raises_nothing_and_its_deadline_moves_on(world, django_capture_on_commit_callbacks):
    import time_machine

    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        case = advance(world, submit(world), Status.IN_PROGRESS)
        handle = clock(case, ClockKind.HANDLE)
        due = handle.due_at
        traveller.shift(dt.timedelta(days=2))
        case = perform(case, "pause_clock", world["hr_handler"], reason="等待诉求人补充劳动合同和工资条。")
        assert clock(case, ClockKind.HANDLE).next_check_at is None
        assert ticked(due + dt.timedelta(days=30), django_capture_on_commit_callbacks) == 0, "a paused clock is quiet"
        with pytest.raises(NotAllowed):
            perform(case, "pause_clock", world["hr_handler"], reason="再次暂停")

        traveller.shift(dt.timedelta(days=5))
        case = perform(case, "resume_clock", world["hr_handler"], reason="材料已补齐。")
        handle = clock(case, ClockKind.HANDLE)
        assert handle.due_at == due + dt.timedelta(days=5) == case.handle_due
        assert handle.next_check_at == handle.warn_at
        labels = list(Event.objects.filter(case=case, action__in=["pause_clock", "resume_clock"]).values_list("action", "public"))
        assert labels == [("pause_clock", True), ("resume_clock", True)]

        traveller.shift(dt.timedelta(days=1))
        case = perform(case, "pause_clock", world["hr_handler"], reason="等待工伤鉴定结论。")
        traveller.shift(dt.timedelta(days=3))
        case = perform(case, "resolve", world["hr_handler"], reason="鉴定结论已出，双方按结论达成协议。")
        finished = Clock.objects.get(case=case, kind=ClockKind.HANDLE)
        assert finished.due_at == due + dt.timedelta(days=8), "the pause in course ends with the clock"
        assert finished.met is True and case.clock_paused_at is None


def test_a_30_minute_clock_at_23_50_runs_through_midnight_in_natural_time(world, django_capture_on_commit_callbacks):
    from zoneinfo import ZoneInfo

    import time_machine

    night = dt.datetime(2026, 9, 30, 23, 50, tzinfo=ZoneInfo("Asia/Shanghai"))  # eve of the National Day week
    with time_machine.travel(night, tick=False):
        case = submit(world)
    respond = clock(case, ClockKind.RESPOND)
    assert respond.due_at == night + dt.timedelta(minutes=30)  # 00:20 on a holiday: urgent clocks do not rest
    assert clock(case, ClockKind.SORT).due_at == night + dt.timedelta(hours=24)
    assert ticked(night + dt.timedelta(minutes=31), django_capture_on_commit_callbacks) >= 2  # blue and yellow
    assert Sheet.objects.get(case=case, colour=SheetColour.YELLOW).reason.startswith("响应已超期 1分钟")
