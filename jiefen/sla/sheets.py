"""The three-colour sheets (三色督办单) and the worker's tick that raises them.

    blue   蓝色预警单  a clock has used its warning share (item, default 80%)  → the holder
    yellow 黄色交办单  the clock is overdue                                       → the owner center's leader
    red    红色督办单  seriously overdue (item, default 50% past), or overdue on a → supervisors
                       high-risk case

A higher colour supersedes the lower ones; all are cleared when the clock stops (the case
moved on). Every raise writes an event on the case's timeline, which notifies the recipients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Event
from jiefen.cases.signals import event_committed, events_committed
from jiefen.taxonomy.models import RiskGrade

from .clocks import humanize, next_check, stage_at
from .sheet_models import Clock, ClockKind, Sheet, SheetColour, Stage, Urging

COLOUR_OF = {Stage.BLUE: SheetColour.BLUE, Stage.YELLOW: SheetColour.YELLOW, Stage.RED: SheetColour.RED}
NEXT_CHECK = {Stage.NONE: F("warn_at"), Stage.BLUE: F("due_at"), Stage.YELLOW: F("red_at"), Stage.RED: None}
ORDER = [SheetColour.BLUE, SheetColour.YELLOW, SheetColour.RED]
HIGH_RISK = {RiskGrade.MAJOR}
TICK_BATCH = 500


class SheetError(Exception):
    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- the tick


def tick(now: dt.datetime | None = None, batch: int = TICK_BATCH) -> int:
    """Raise the sheets whose moment has come. Reads only due clocks, through the partial
    index on next_check_at, a batch at a time, and writes each batch with a handful of bulk
    statements, so a tick costs what became due, not what is open. Idempotent and safe with
    several workers: the batch's clocks are locked (SKIP LOCKED on PostgreSQL; SQLite
    transactions here take the write lock at BEGIN), their stage moves on in the same
    transaction, and a unique constraint allows one sheet per clock and colour."""
    now = now or timezone.now()
    raised = 0
    while True:
        with transaction.atomic():
            due = Clock.objects.filter(next_check_at__lte=now).order_by("next_check_at", "id")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            clocks = list(due.select_related(
                "case", "case__center", "case__origin_center", "case__department"
            ).only(*TICK_FIELDS)[:batch])
            if not clocks:
                return raised
            raised += _advance_batch(clocks, now)
        if len(clocks) < batch:
            return raised


TICK_FIELDS = [
    "kind", "started_at", "due_at", "warn_at", "red_at", "stage", "next_check_at", "stopped_at",
    "case__status", "case__risk_grade", "case__tracking_code",
    "case__center__name", "case__center__center_name", "case__center__path", "case__center__level",
    "case__origin_center__name", "case__origin_center__center_name", "case__origin_center__path",
    "case__origin_center__level", "case__department__name",
]


def _texts() -> dict:
    """The translated pieces of a sheet's reason, looked up once per batch."""
    return {
        "kinds": {k: str(label) for k, label in ClockKind.choices},
        SheetColour.BLUE: _("%(kind)s时限将至（期限 %(due)s）"),
        SheetColour.YELLOW: _("%(kind)s已超期 %(late)s（期限 %(due)s）"),
        "high_risk": _("重大风险案件%(kind)s超期（期限 %(due)s）"),
        SheetColour.RED: _("%(kind)s严重超期 %(late)s（期限 %(due)s）"),
    }


def _advance_batch(clocks: list[Clock], now: dt.datetime) -> int:
    texts = _texts()
    # Every colour passed is raised, even one superseded in the same tick: its recipient
    # must still learn that the case went through their hands late.
    sheets: list[Sheet] = []
    for clock in clocks:
        case = clock.case
        target = stage_at(clock, now, case.risk_grade in HIGH_RISK)
        for stage in range(clock.stage + 1, target + 1):
            colour = COLOUR_OF[stage]
            sheets.append(Sheet(
                case=case, clock=clock, colour=colour, reason=_reason(clock, colour, now, texts), raised_at=now,
                **_recipient(case, colour),
            ))
        clock.stage = max(clock.stage, target)
        clock.next_check_at = next_check(clock)
    try:
        with transaction.atomic():
            Sheet.objects.bulk_create(sheets)
    except IntegrityError:
        # Some were raised already (a clock's stage set back by hand, say): raise the rest.
        raised = set(Sheet.objects.filter(clock__in=clocks).values_list("clock_id", "colour"))
        sheets = [sheet for sheet in sheets if (sheet.clock_id, sheet.colour) not in raised]
        Sheet.objects.bulk_create(sheets)
    # Each clock's next check follows from its stage (see clocks.next_check): one UPDATE per
    # stage rather than a per-row CASE.
    by_stage: dict[int, list[int]] = {}
    for clock in clocks:
        by_stage.setdefault(clock.stage, []).append(clock.pk)
    for stage, ids in by_stage.items():
        Clock.objects.filter(pk__in=ids).update(stage=stage, next_check_at=NEXT_CHECK[stage])
    # A higher colour supersedes the lower ones still open on the same clock.
    top: dict[int, Sheet] = {}
    for sheet in sheets:
        top[sheet.clock_id] = sheet  # raised in colour order: the last is the highest
    for colour in (SheetColour.YELLOW, SheetColour.RED):
        ids = [clock_id for clock_id, sheet in top.items() if sheet.colour == colour]
        if ids:
            label = SheetColour(colour).label
            Sheet.objects.filter(clock_id__in=ids, cleared_at__isnull=True, colour__in=ORDER[: ORDER.index(colour)]).update(
                cleared_at=now, cleared_reason=_("已升级为%(colour)s") % {"colour": label}
            )
    events = Event.objects.bulk_create([
        Event(
            case=sheet.case, action="raise_sheet", from_status=sheet.case.status, to_status=sheet.case.status,
            actor=None, actor_label=_("系统"), reason=sheet.reason, public=False, created_at=now,
            data={"sheet_id": sheet.pk, "number": sheet.number, "colour": sheet.colour,
                  "clock": sheet.clock.kind, "recipient": sheet.recipient_label},
        )
        for sheet in sheets
    ])
    if events:
        # one queued task tells every recipient of the batch, rather than one per sheet
        ids = [e.pk for e in events]
        transaction.on_commit(lambda: events_committed.send(sender=Event, event_ids=ids))
    return len(sheets)


def _recipient(case: Case, colour: str) -> dict:
    owner = case.origin_center or case.center
    if colour == SheetColour.BLUE:
        if case.department_id:
            return {"recipient_role": Role.HANDLER, "recipient_department": case.department,
                    "recipient_label": case.department.name}
        return {"recipient_role": Role.DISPATCHER, "recipient_region": case.center,
                "recipient_label": case.center.display_center}
    if colour == SheetColour.YELLOW:
        return {"recipient_role": Role.LEADER, "recipient_region": owner,
                "recipient_label": _("%(center)s负责人") % {"center": owner.display_center}}
    return {"recipient_role": Role.SUPERVISOR, "recipient_region": owner,
            "recipient_label": _("%(center)s督查") % {"center": owner.display_center}}


def _reason(clock: Clock, colour: str, now: dt.datetime, texts: dict) -> str:
    values = {
        "kind": texts["kinds"][clock.kind],
        "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
        "late": humanize(now - clock.due_at),
    }
    if colour == SheetColour.RED and clock.case.risk_grade in HIGH_RISK and now < clock.red_at:
        return texts["high_risk"] % values
    return texts[colour] % values


def clear_sheets(clocks: Iterable[Clock], when: dt.datetime, reason: str) -> int:
    ids = [c.pk for c in clocks]
    if not ids:
        return 0
    return Sheet.objects.filter(clock_id__in=ids, cleared_at__isnull=True).update(
        cleared_at=when, cleared_reason=reason
    )


# ---------------------------------------------------------------- who sees and acts


def recipient_q(user) -> Q:
    """Sheets addressed to one of the user's posts."""
    q = Q(pk__in=[])
    for m in user.memberships_cached():
        if m.role == Role.HANDLER and m.department_id:
            q |= Q(recipient_role=Role.HANDLER, recipient_department_id=m.department_id)
        elif m.role == Role.SUPERVISOR and m.region_id:
            # supervisors read everything in their region: red sheets of centers below them too
            q |= Q(recipient_role=Role.SUPERVISOR, recipient_region__path__startswith=m.region.path)
        elif m.region_id:
            q |= Q(recipient_role=m.role, recipient_region_id=m.region_id)
    return q


def sheets_for(user) -> QuerySet[Sheet]:
    if user.is_superuser:
        return Sheet.objects.all()
    return Sheet.objects.filter(recipient_q(user))


def open_counts(user) -> dict[str, int]:
    counts = dict.fromkeys(SheetColour.values, 0)
    rows = sheets_for(user).filter(cleared_at__isnull=True).values_list("colour")
    for (colour,) in rows:
        counts[colour] += 1
    return counts


def recipients(sheet: Sheet) -> QuerySet:
    User = get_user_model()
    if sheet.recipient_department_id:
        q = Q(memberships__role=Role.HANDLER, memberships__department_id=sheet.recipient_department_id)
    elif sheet.recipient_role == Role.SUPERVISOR:
        paths = [sheet.recipient_region.path[:i] for i in range(5, len(sheet.recipient_region.path) + 1, 5)]
        q = Q(memberships__role=Role.SUPERVISOR, memberships__region__path__in=paths)
    else:
        q = Q(memberships__role=sheet.recipient_role, memberships__region_id=sheet.recipient_region_id)
    return User.objects.filter(q, is_active=True).distinct()


def may_act(user, sheet: Sheet) -> bool:
    return user.is_superuser or sheets_for(user).filter(pk=sheet.pk).exists()


def acknowledge(sheet: Sheet, user) -> Sheet:
    if not may_act(user, sheet):
        raise SheetError(_("这张督办单不是发给您的。"), 403)
    updated = Sheet.objects.filter(pk=sheet.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
    if not updated:
        raise SheetError(_("这张督办单已经签收过了。"), 409)
    sheet.refresh_from_db()
    return sheet


def urge(sheet: Sheet, user, note: str) -> Urging:
    """催办: the recipient of a yellow or red sheet presses the case's holder."""
    from jiefen.cases.services import actor_label

    note = (note or "").strip()
    if not may_act(user, sheet):
        raise SheetError(_("这张督办单不是发给您的。"), 403)
    if not sheet.is_open:
        raise SheetError(_("督办单已解除，无需催办。"), 409)
    if not note:
        raise SheetError(_("请填写催办意见。"))
    if len(note) > 500:
        raise SheetError(_("催办意见不能超过500个字。"))
    case = sheet.case
    now = timezone.now()
    with transaction.atomic():
        urging = Urging.objects.create(
            sheet=sheet, by=user, by_label=actor_label(user, case), to_label=case.holder_label, note=note,
            created_at=now,
        )
        event = Event.objects.create(
            case=case, action="urge", from_status=case.status, to_status=case.status, actor=user,
            actor_label=urging.by_label, reason=note, public=False, created_at=now,
            data={"sheet_id": sheet.pk, "number": sheet.number, "to": urging.to_label},
        )
        transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return urging
