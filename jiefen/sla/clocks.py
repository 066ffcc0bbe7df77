"""Which clocks run on a case, and when they start and stop.

The transition function sends `case_changed` inside its transaction with the events it
wrote; `sync_clocks` starts and stops clock rows from those events by the table below, so
the clocks move in the same transaction as the case (nothing half-written).

    respond  联系诉求人   from the report to the first staff action (natural minutes)
    sort     分拨         while the case waits at a center to be dispatched (natural 24 h)
    sign     签收         from dispatch to signing or returning (the item's sign hours)
    handle   办理         from dispatch to resolving, closing unresolved, escalating or
                          returning (the item's working days, or the committed date); it stands still
                          while paused (暂停计时, e.g. waiting for the resident's papers)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.taxonomy.models import Item

from .sheet_models import Clock, ClockKind, Stage

K = ClockKind
SORT_HOURS = 24
DEFAULT_RESPOND_MINUTES = 30
WARN_PERCENT = 80
RED_PERCENT = 50

# event → (clocks it stops, clocks it starts). A restart (transfer) stops then starts.
RULES: dict[str, tuple[set[str], set[str]]] = {
    "submit": (set(), {K.RESPOND, K.SORT}),
    "accept": ({K.RESPOND}, set()),
    "classify": ({K.RESPOND}, set()),
    "decline": ({K.RESPOND, K.SORT}, set()),
    "resolve_immediately": ({K.RESPOND, K.SORT}, set()),
    "resolve_on_spot": ({K.RESPOND, K.SORT}, set()),
    "dispatch": ({K.RESPOND, K.SORT}, {K.SIGN, K.HANDLE}),
    "transfer": ({K.SIGN, K.HANDLE}, {K.SIGN, K.HANDLE}),
    "sign": ({K.SIGN}, set()),
    "return": ({K.SIGN, K.HANDLE}, {K.SORT}),
    "resolve": ({K.HANDLE}, set()),
    "close_unresolved": ({K.HANDLE}, set()),
    "escalate": ({K.SIGN, K.HANDLE}, {K.SORT}),
    "reopen": (set(), {K.SORT}),
    "pause_clock": (set(), set()),
    "resume_clock": (set(), set()),
}
PAUSING = {"pause_clock", "resume_clock"}
PAUSABLE = {K.HANDLE}
STOP_REASON = {
    "accept": "已受理", "classify": "已响应", "decline": "不予受理", "resolve_immediately": "即办办结", "resolve_on_spot": "就地化解",
    "dispatch": "已派单", "transfer": "已转办", "sign": "已签收", "return": "已退单", "resolve": "已化解",
    "close_unresolved": "未化解办结", "escalate": "已提级",
}


def due_at(kind: str, case, start: dt.datetime) -> dt.datetime:
    """The deadline of a clock that starts now. Sign and handle deadlines were computed by
    the transition function on dispatch (item limits, working calendar, committed date)."""
    if kind == K.RESPOND:
        minutes = case.item.respond_minutes if case.item_id else DEFAULT_RESPOND_MINUTES
        return start + dt.timedelta(minutes=minutes)
    if kind == K.SORT:
        return start + dt.timedelta(hours=SORT_HOURS)
    if kind == K.SIGN:
        return case.sign_due
    return case.handle_due


def thresholds(item: Item | None) -> tuple[int, int]:
    if item is None:
        return WARN_PERCENT, RED_PERCENT
    return item.warn_percent, item.red_percent


def new_clock(case, kind: str, start: dt.datetime) -> Clock:
    due = due_at(kind, case, start)
    span = max(due - start, dt.timedelta(minutes=1))
    warn, red = thresholds(case.item if case.item_id else None)
    clock = Clock(
        case=case, kind=kind, started_at=start, due_at=due,
        warn_at=start + span * warn / 100, red_at=due + span * red / 100,
    )
    clock.next_check_at = next_check(clock)
    return clock


def next_check(clock: Clock) -> dt.datetime | None:
    """When the clock next changes colour; None once red (or stopped)."""
    if clock.stopped_at is not None:
        return None
    return {Stage.NONE: clock.warn_at, Stage.BLUE: clock.due_at, Stage.YELLOW: clock.red_at}.get(clock.stage)


def stage_at(now: dt.datetime, high_risk: Q) -> Case:
    """The stage a clock has reached at `now`, as a database expression (the tick reads the
    number, not the three moments): red once seriously overdue, or overdue on a case that
    matches `high_risk`; yellow once overdue; blue once past the warning share."""
    return Case(
        When(Q(red_at__lte=now) | (high_risk & Q(due_at__lte=now)), then=Value(Stage.RED)),
        When(due_at__lte=now, then=Value(Stage.YELLOW)),
        When(warn_at__lte=now, then=Value(Stage.BLUE)),
        default=Value(Stage.NONE),
    )


def sync_clocks(case, events: Iterable, now: dt.datetime | None = None) -> list[Clock]:
    """Stop and start the case's clocks for the events just written. Returns the stopped
    clocks (their open sheets are cleared by the caller)."""
    from .sheets import clear_sheets

    stopped: list[Clock] = []
    for event in events:
        rule = RULES.get(event.action)
        if rule is None:
            continue
        stops, starts = rule
        when = event.created_at or now or timezone.now()
        if event.action in PAUSING:
            _pause_or_resume(case, event, when)
            continue
        if stops:
            running = list(Clock.objects.filter(case=case, kind__in=stops, stopped_at__isnull=True))
            paused_since = case.clock_paused_at
            for clock in running:
                if paused_since is not None and clock.kind in PAUSABLE:
                    _shift(clock, when - paused_since)  # the pause ends with the clock
                clock.stopped_at = when
                clock.next_check_at = None
            if paused_since is not None and any(c.kind in PAUSABLE for c in running):
                case.clock_paused_at = None
                type(case).objects.filter(pk=case.pk).update(clock_paused_at=None)
            Clock.objects.bulk_update(running, ["stopped_at", "next_check_at", "due_at", "warn_at", "red_at"])
            clear_sheets(running, when, STOP_REASON.get(event.action, event.action))
            stopped.extend(running)
        fresh = [new_clock(case, kind, when) for kind in sorted(starts) if due_at(kind, case, when)]
        Clock.objects.bulk_create(fresh)
    return stopped


def _shift(clock: Clock, by: dt.timedelta) -> None:
    clock.due_at += by
    clock.warn_at += by
    clock.red_at += by


def _pause_or_resume(case, event, when: dt.datetime) -> None:
    """暂停计时: the handle clock stands still (no colour changes); 恢复计时: its deadline,
    warning and serious-overdue moments move on by the time it stood still."""
    clocks = list(Clock.objects.filter(case=case, kind__in=PAUSABLE, stopped_at__isnull=True))
    for clock in clocks:
        if event.action == "pause_clock":
            clock.next_check_at = None
        else:
            _shift(clock, dt.timedelta(seconds=event.data.get("paused_seconds", 0)))
            clock.next_check_at = next_check(clock)
    Clock.objects.bulk_update(clocks, ["due_at", "warn_at", "red_at", "next_check_at"])


def on_case_changed(sender, case, events, **kwargs) -> None:
    sync_clocks(case, events)


def humanize(delta: dt.timedelta) -> str:
    """A duration as a person says it: 2天3小时, 5小时12分钟, 8分钟."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}
    if not minutes:
        return _("不到1分钟")
    return _("%(m)d分钟") % {"m": minutes}


def clock_rows(case, now: dt.datetime) -> list[dict]:
    """The case page's clock panel: each run of each clock, newest last, with its state."""
    rows = []
    for clock in case.clocks.all():
        row = {"clock": clock, "stage": clock.stage}
        if clock.stopped_at is None:
            row["state"] = "overdue" if now > clock.due_at else "running"
            row["text"] = (
                _("已超期 %(t)s") % {"t": humanize(now - clock.due_at)} if now > clock.due_at
                else _("剩余 %(t)s") % {"t": humanize(clock.due_at - now)}
            )
        elif clock.met:
            row["state"], row["text"] = "met", _("按时完成")
        else:
            row["state"] = "late"
            row["text"] = _("超时 %(t)s 完成") % {"t": humanize(clock.stopped_at - clock.due_at)}
        rows.append(row)
    return rows
