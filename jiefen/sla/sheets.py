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
from dataclasses import dataclass
from typing import ClassVar

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.cases.models import Event
from jiefen.cases.signals import event_committed, events_committed
from jiefen.lib.bulk import RowWriter, row_writer
from jiefen.regions.models import Department, Region
from jiefen.taxonomy.models import RiskGrade

from .clocks import humanize, stage_at
from .sheet_models import Clock, ClockKind, Sheet, SheetColour, Stage, Urging, sheet_number

COLOUR_OF = {Stage.BLUE: SheetColour.BLUE, Stage.YELLOW: SheetColour.YELLOW, Stage.RED: SheetColour.RED}
NEXT_CHECK = {Stage.NONE: F("warn_at"), Stage.BLUE: F("due_at"), Stage.YELLOW: F("red_at"), Stage.RED: None}
ORDER = [SheetColour.BLUE, SheetColour.YELLOW, SheetColour.RED]
HIGH_RISK = {RiskGrade.MAJOR}
TICK_BATCH = 2000


class SheetError(Exception):
    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- the tick


def tick(now: dt.datetime | None = None, batch: int = TICK_BATCH) -> int:
    """Raise the sheets whose moment has come. Reads only due clocks, through the partial
    index on next_check_at, a batch at a time, and writes each batch with a handful of bulk
    statements (COPY on PostgreSQL), so a tick costs what became due, not what is open.
    Idempotent and safe with several workers: the batch's clocks are locked (SKIP LOCKED on
    PostgreSQL; SQLite transactions here take the write lock at BEGIN), their stage moves on
    in the same transaction, and a unique constraint allows one sheet per clock and colour."""
    now = now or timezone.now()
    raised = 0
    writer = row_writer(connection)
    while True:
        with transaction.atomic():
            due = Clock.objects.filter(next_check_at__lte=now).order_by("next_check_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            due = due.annotate(
                target=stage_at(now, Q(case__risk_grade__in=HIGH_RISK)),
                serious=ExpressionWrapper(Q(red_at__lte=now), BooleanField()),
            )
            clocks = [_Due(*row) for row in due.values_list(*_Due.FIELDS)[:batch]]
            if not clocks:
                return raised
            raised += _advance_batch(clocks, now, writer)
        if len(clocks) < batch:
            return raised


@dataclass(slots=True)
class _Due:
    """A due clock as the tick reads it: one row, no model instances (a tick may read
    thousands), with the stage it has reached (target) and whether it is seriously overdue,
    both worked out by the database (clocks.stage_at)."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "case_id", "kind", "due_at", "stage", "target", "serious",
        "case__status", "case__center_id", "case__origin_center_id", "case__department_id",
    )
    id: int
    case_id: int
    kind: str
    due_at: dt.datetime
    stage: int
    target: int
    serious: bool
    status: str
    center_id: int
    origin_center_id: int | None
    department_id: int | None


SHEET_COLUMNS = (
    "id", "case_id", "clock_id", "colour", "reason", "recipient_role", "recipient_region_id",
    "recipient_department_id", "recipient_label", "raised_at",
)
EVENT_COLUMNS = (
    "id", "case_id", "action", "from_status", "to_status", "actor_id", "actor_label", "reason", "data",
    "public", "created_at",
)


def _texts() -> dict:
    """The translated pieces of a sheet's reason, looked up once per batch."""
    return {
        "kinds": {k: str(label) for k, label in ClockKind.choices},
        SheetColour.BLUE: _("%(kind)s时限将至（期限 %(due)s）"),
        SheetColour.YELLOW: _("%(kind)s已超期 %(late)s（期限 %(due)s）"),
        "high_risk": _("重大风险案件%(kind)s超期（期限 %(due)s）"),
        SheetColour.RED: _("%(kind)s严重超期 %(late)s（期限 %(due)s）"),
        "system": str(_("系统")),
        "superseded": _("已升级为%(colour)s"),
        "tz": timezone.get_current_timezone(),
    }


def _advance_batch(clocks: list[_Due], now: dt.datetime, writer: RowWriter) -> int:
    texts = _texts()
    recipients = _Recipients(clocks)
    # Every colour passed is raised, even one superseded in the same tick: its recipient
    # must still learn that the case went through their hands late.
    sheets: list[list] = []  # rows in SHEET_COLUMNS order, id still to come
    for clock in clocks:
        for stage in range(clock.stage + 1, clock.target + 1):
            colour = COLOUR_OF[stage]
            role, region_id, department_id, label = recipients.of(clock, colour)
            sheets.append([
                None, clock.case_id, clock.id, colour, _reason(clock, colour, now, texts),
                role, region_id, department_id, label, now,
            ])
        clock.stage = max(clock.stage, clock.target)
    try:
        with transaction.atomic():
            _insert_sheets(writer, sheets)
    except IntegrityError:
        # Some were raised already (a clock's stage set back by hand, say): raise the rest.
        raised = set(Sheet.objects.filter(clock__in=[c.id for c in clocks]).values_list("clock_id", "colour"))
        sheets = [row for row in sheets if (row[2], row[3]) not in raised]
        _insert_sheets(writer, sheets)
    # Each clock's next check follows from its stage (see clocks.next_check): one UPDATE per
    # stage rather than a per-row CASE.
    by_stage: dict[int, list[int]] = {}
    for clock in clocks:
        by_stage.setdefault(clock.stage, []).append(clock.id)
    for stage, ids in by_stage.items():
        Clock.objects.filter(pk__in=ids).update(stage=stage, next_check_at=NEXT_CHECK[stage])
    # A higher colour supersedes the lower ones still open on the same clock.
    top: dict[int, str] = {}
    for row in sheets:
        top[row[2]] = row[3]  # raised in colour order: the last is the highest
    for colour in (SheetColour.YELLOW, SheetColour.RED):
        ids = [clock_id for clock_id, top_colour in top.items() if top_colour == colour]
        if ids:
            Sheet.objects.filter(clock_id__in=ids, cleared_at__isnull=True, colour__in=ORDER[: ORDER.index(colour)]).update(
                cleared_at=now, cleared_reason=texts["superseded"] % {"colour": SheetColour(colour).label}
            )
    # Each sheet goes on its case's timeline, as perform() would write it.
    kinds = {clock.id: clock.kind for clock in clocks}
    status = {clock.case_id: clock.status for clock in clocks}
    event_ids = writer.reserve(Event, len(sheets))
    writer.insert(Event, EVENT_COLUMNS, [
        [event_id, case_id, "raise_sheet", status[case_id], status[case_id], None, texts["system"], reason,
         {"sheet_id": sheet_id, "number": sheet_number(colour, raised_at, sheet_id), "colour": colour,
          "clock": kinds[clock_id], "recipient": label},
         False, now]
        for event_id, (sheet_id, case_id, clock_id, colour, reason, _role, _region, _dept, label, raised_at)
        in zip(event_ids, sheets, strict=True)
    ])
    if event_ids:
        # one queued task tells every recipient of the batch, rather than one per sheet
        transaction.on_commit(lambda: events_committed.send(sender=Event, event_ids=event_ids))
    return len(sheets)


def _insert_sheets(writer: RowWriter, rows: list[list]) -> None:
    for row, pk in zip(rows, writer.reserve(Sheet, len(rows)), strict=True):
        row[0] = pk
    writer.insert(Sheet, SHEET_COLUMNS, [list(row) for row in rows])  # the writer adapts in place


class _Recipients:
    """Who receives each colour of sheet (the regions and departments of a batch, read once):

        blue    the holder: the lead department's handlers, or the center's dispatchers
        yellow  the leader of the owner center (the center that took the case in)
        red     the supervisors of the owner center
    """

    def __init__(self, clocks: list[_Due]) -> None:
        region_ids = {c.center_id for c in clocks} | {c.origin_center_id for c in clocks if c.origin_center_id}
        self.regions = Region.objects.only("name", "center_name").in_bulk(region_ids)
        self.departments = Department.objects.only("name").in_bulk({c.department_id for c in clocks if c.department_id})
        self.leader = _("%(center)s负责人")
        self.supervisor = _("%(center)s督查")

    def of(self, clock: _Due, colour: str) -> tuple[str, int | None, int | None, str]:
        if colour == SheetColour.BLUE:
            if clock.department_id:
                return Role.HANDLER, None, clock.department_id, self.departments[clock.department_id].name
            return Role.DISPATCHER, clock.center_id, None, self.regions[clock.center_id].display_center
        owner_id = clock.origin_center_id or clock.center_id
        center = self.regions[owner_id].display_center
        if colour == SheetColour.YELLOW:
            return Role.LEADER, owner_id, None, self.leader % {"center": center}
        return Role.SUPERVISOR, owner_id, None, self.supervisor % {"center": center}


def _reason(clock: _Due, colour: str, now: dt.datetime, texts: dict) -> str:
    values = {
        "kind": texts["kinds"][clock.kind],
        "due": clock.due_at.astimezone(texts["tz"]).strftime("%Y-%m-%d %H:%M"),
    }
    if colour != SheetColour.BLUE:
        values["late"] = humanize(now - clock.due_at)
    if colour == SheetColour.RED and not clock.serious:  # red early: a high-risk case
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
