"""The transition function: the one place where a case changes.

`perform(case, action, actor, ...)` checks that the action exists, that the case's status
allows it and that the actor may take it; validates the action's data; then, in one
transaction, claims the case's version (so that of two people acting at once exactly one
wins), applies the change, writes one event per status change, and schedules follow-on
tasks after commit. Views, API endpoints, commands and tasks all call it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from jiefen.accounts.models import Role
from jiefen.regions.models import Department, Region
from jiefen.sla.calendar import add_working_days
from jiefen.taxonomy.models import HandlingKind, Item, RiskGrade

from .models import (
    Case,
    Event,
    Guidance,
    MediationMethod,
    MediationOutcome,
    MediationSession,
    Satisfaction,
    Status,
)
from .signals import case_changed, event_committed
from .workflow import ACTIONS, STEPS, Action, Resident, System, actor_may

MAX_TEXT = 2000


class ActionError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ActionError):
    http_status = 403


class Conflict(ActionError):
    http_status = 409


@dataclass
class Context:
    case: Case
    actor: Any
    action: Action
    data: dict
    reason: str
    now: dt.datetime
    events: list[Event] = field(default_factory=list)

    def write(self, name: str, to_status: str | None = None, data: dict | None = None,
              reason: str | None = None) -> Event:
        from .workflow import PUBLIC_EVENTS

        from_status = self.case.status
        if to_status:
            self.case.status = to_status
        event = Event.objects.create(
            case=self.case,
            action=name,
            from_status=from_status,
            to_status=to_status or from_status,
            actor=None if isinstance(self.actor, (Resident, System)) else self.actor,
            actor_label=actor_label(self.actor, self.case),
            reason=self.reason if reason is None else reason,
            data=data or {},
            public=name in PUBLIC_EVENTS,
            created_at=self.now,
        )
        self.events.append(event)
        return event

    def step(self, name: str, data: dict | None = None) -> None:
        """Take one of the machine's own steps (start, auto_close) as a separate event."""
        self.write(name, STEPS[name].target, data, reason="")


def actor_label(actor, case: Case | None = None) -> str:
    if isinstance(actor, Resident):
        return _("诉求人")
    if actor is None or isinstance(actor, System):
        return _("系统")
    roles = actor.memberships_cached()
    where = next((m for m in roles if case and m.region_id in (case.center_id, case.origin_center_id)), None)
    where = where or next((m for m in roles if case and m.department_id == case.department_id), None)
    where = where or (roles[0] if roles else None)
    if where is None:
        return str(actor)
    return f"{actor}（{where.place} · {where.get_role_display()}）"


def note(case: Case, action: str, actor=None, *, reason: str = "", data: dict | None = None,
         public: bool = False, label: str = "", when: dt.datetime | None = None) -> Event:
    """Write an event on the case's timeline that changes nothing else (a suggestion, a
    mediator ordered, an online room opened …): its status stays, and the event is announced
    (event_committed) once the transaction commits, as perform()'s events are. `actor` is a
    user, a Resident or System (or None: the system); `label` overrides who is shown."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    if not label:
        label = actor_label(actor if isinstance(actor, (Resident, System)) else person, case)
    event = Event.objects.create(
        case=case, action=action, from_status=case.status, to_status=case.status, actor=person,
        actor_label=label[:120], reason=reason, data=data or {}, public=public,
        created_at=when or timezone.now(),
    )
    transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return event


def perform(
    case: Case,
    action_name: str,
    actor,
    *,
    data: dict | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    action = ACTIONS.get(action_name)
    if action is None:
        raise NotAllowed(_("未知的操作。"))
    data = dict(data or {})
    reason = (reason or "").strip()
    check_allowed(case, action, actor)
    cleaned = CLEANERS.get(action_name, _clean_nothing)(case, data, reason)
    expected = case.version if expected_version is None else int(expected_version)
    now = timezone.now()
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case.pk, version=expected).update(
            version=F("version") + 1, updated_at=now
        )
        if not claimed:
            raise Conflict(_("该案件刚刚已被他人处理，页面上的信息已过时。请刷新后查看最新状态再操作。"))
        fresh = Case.objects.select_related("center", "origin_center", "department", "item").get(pk=case.pk)
        check_allowed(fresh, action, actor)
        ctx = Context(fresh, actor, action, data, reason, now)
        APPLIERS[action_name](ctx, cleaned)
        fresh.save()
        events = list(ctx.events)
        case_changed.send(sender=Case, case=fresh, events=events)
        transaction.on_commit(lambda: _after_commit(events))
    return fresh


def check_allowed(case: Case, action: Action, actor) -> None:
    if case.status not in action.sources:
        raise NotAllowed(
            _("案件当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": case.get_status_display(), "action": action.label}
        )
    if not actor_may(actor, case, action):
        raise NotAllowed(_("您无权对该案件执行“%(action)s”。") % {"action": action.label})
    if action.when is not None and not action.when(case):
        raise NotAllowed(_("该案件目前不满足“%(action)s”的条件。") % {"action": action.label})


def _after_commit(events: list[Event]) -> None:
    for event in events:
        event_committed.send(sender=Event, event=event)


# ---------------------------------------------------------------- cleaning the input


def _need(value, message: str):
    if value in (None, "", [], ()):
        raise ValidationError(message)
    return value


def _text(value: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s不能超过%(limit)d个字（现有%(n)d个字）。")
            % {"label": label, "limit": limit, "n": len(value)}
        )
    return value


def _reason(reason: str, label: str | None = None) -> str:
    return _text(reason, label or _("原因"))


def _choice(value, choices, label: str) -> str:
    if value not in choices.values:
        raise ValidationError(_("请选择%(label)s。") % {"label": label})
    return value


def _int_id(value, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("请选择%(label)s。") % {"label": label}) from None


def _ids(values) -> list[int]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    try:
        return sorted({int(v) for v in values or []})
    except (TypeError, ValueError):
        raise ValidationError(_("协办部门选择有误。")) from None


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("金额应为数字，例如 3500 或 3500.50。")) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError(_("金额应在 0 到 1 万亿元之间。"))
    return amount.quantize(Decimal("0.01"))


def _clean_nothing(case, data, reason):
    return {}


def _clean_reason(case, data, reason):
    return {"reason": _reason(reason)}


def _clean_decline(case, data, reason):
    return {
        "reason": _reason(reason, _("不予受理的原因")),
        "redirect": _text(data.get("redirect"), _("建议的办理渠道"), limit=200),
    }


def _clean_classify(case, data, reason):
    item = Item.objects.filter(pk=_int_id(data.get("item"), _("事项")), active=True).select_related(
        "category"
    ).first()
    if item is None:
        raise ValidationError(_("所选事项不存在或已停用。"))
    risk = data.get("risk_grade") or item.default_risk
    return {"item": item, "risk_grade": _choice(risk, RiskGrade, _("风险等级"))}


def _clean_set_risk(case, data, reason):
    return {
        "risk_grade": _choice(data.get("risk_grade"), RiskGrade, _("风险等级")),
        "reason": _reason(reason, _("调整原因")),
    }


def _clean_result(case, data, reason):
    return {"result": _text(reason or data.get("result"), _("办理结果"))}


def _clean_target(case: Case, data: dict, *, require_item: bool) -> dict:
    if require_item and case.item_id is None:
        raise ValidationError(_("请先对案件分类定级（选择事项）后再派单。"))
    department_id, center_id = data.get("department"), data.get("center")
    if bool(department_id) == bool(center_id):
        raise ValidationError(_("请选择一个承办部门或一个下级中心（二选一）。"))
    holder = case.origin_center if case.status in (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS) and case.origin_center_id else case.center
    cleaned: dict[str, Any] = {"department": None, "center": None}
    if department_id:
        dept = Department.objects.filter(pk=_int_id(department_id, _("承办部门")), active=True).select_related("region").first()
        if dept is None:
            raise ValidationError(_("所选部门不存在或已停用。"))
        if not (dept.region.is_within(holder) or holder.is_within(dept.region)):
            raise ValidationError(_("所选部门不在本中心的派单范围内。"))
        cleaned["department"] = dept
    else:
        target = Region.objects.filter(pk=_int_id(center_id, _("下级中心"))).first()
        if target is None or not target.has_center:
            raise ValidationError(_("所选中心不存在。"))
        if target.pk == holder.pk or not target.is_within(holder) or not case.region.is_within(target):
            raise ValidationError(_("只能派给本中心下级、且管辖案发地的中心。"))
        cleaned["center"] = target
    helpers = _ids(data.get("helpers"))
    cleaned["helpers"] = list(Department.objects.filter(pk__in=helpers, active=True).exclude(
        pk=getattr(cleaned["department"], "pk", None)
    ))
    if len(cleaned["helpers"]) != len([h for h in helpers if h != getattr(cleaned["department"], "pk", None)]):
        raise ValidationError(_("所选协办部门不存在或已停用。"))
    if cleaned["helpers"] and not cleaned["department"]:
        raise ValidationError(_("联办须有一个牵头部门。"))
    committed = data.get("committed_date")
    if committed:
        day = committed if isinstance(committed, dt.date) else parse_date(str(committed))
        if day is None:
            raise ValidationError(_("承诺办结日期格式应为 年-月-日。"))
        if day < timezone.localdate():
            raise ValidationError(_("承诺办结日期不能早于今天。"))
        cleaned["committed_date"] = day
    elif case.handling_kind == HandlingKind.COMMITTED:
        raise ValidationError(_("承诺件须填写承诺办结日期。"))
    return cleaned


def _clean_dispatch(case, data, reason):
    cleaned = _clean_target(case, data, require_item=True)
    cleaned["note"] = _text(reason, _("派单意见"), required=False)
    return cleaned


def _clean_transfer(case, data, reason):
    cleaned = _clean_target(case, data, require_item=True)
    if cleaned["department"] is not None and cleaned["department"].pk == case.department_id:
        raise ValidationError(_("案件已由该部门承办，请选择其他部门。"))
    cleaned["reason"] = _reason(reason, _("转办原因"))
    return cleaned


def _clean_set_helpers(case, data, reason):
    if not case.department_id:
        raise ValidationError(_("联办须有一个牵头部门：请先派给部门。"))
    helpers = _ids(data.get("helpers"))
    found = list(Department.objects.filter(pk__in=helpers, active=True).exclude(pk=case.department_id))
    if len(found) != len([h for h in helpers if h != case.department_id]):
        raise ValidationError(_("所选协办部门不存在或已停用。"))
    return {"helpers": found, "note": _text(reason, _("说明"), required=False)}


def _clean_assign_leader(case, data, reason):
    from jiefen.accounts.models import Membership

    leader_id = _int_id(data.get("leader"), _("包案领导"))
    memberships = Membership.objects.filter(user_id=leader_id, role=Role.LEADER).select_related("region", "user")
    membership = next((m for m in memberships if m.region and case.region.is_within(m.region)), None)
    if membership is None:
        raise ValidationError(_("包案领导须是管辖案发地的中心负责人。"))
    return {"leader": membership.user, "note": _text(reason, _("说明"), required=False)}


TASK_FORCE_ROLES = {Role.LEADER, Role.DISPATCHER, Role.MEDIATOR, Role.CLERK, Role.SUPERVISOR, Role.GRID_WORKER}


def task_force_candidates(case):
    """Staff of the centers and grids over the place: their jurisdiction covers the case."""
    from jiefen.accounts.models import Membership

    places = [r.pk for r in case.region.ancestors()]
    return Membership.objects.filter(role__in=TASK_FORCE_ROLES, region_id__in=places, user__is_active=True)


def _clean_task_force(case, data, reason):
    raw = data.get("members") or []
    raw = raw if isinstance(raw, list | tuple) else [raw]
    ids = {_int_id(value, _("专班成员")) for value in raw}
    if not ids:
        raise ValidationError(_("请至少选择一名专班成员。"))
    allowed = {m.user for m in task_force_candidates(case).select_related("user") if m.user_id in ids}
    if len(allowed) != len(ids):
        raise ValidationError(_("专班成员须是案发地所属中心或网格的工作人员。"))
    return {"members": sorted(allowed, key=lambda u: u.pk), "note": _text(reason, _("说明"), required=False)}


def _clean_mediation(case, data, reason):
    held_at = data.get("held_at")
    if isinstance(held_at, str):
        held_at = parse_datetime(held_at.replace(" ", "T")) if held_at else None
    if not isinstance(held_at, dt.datetime):
        raise ValidationError(_("请填写调解时间（年-月-日 时:分）。"))
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > timezone.now() + dt.timedelta(days=1):
        raise ValidationError(_("调解时间不能晚于明天：请记录已经举行的调解。"))
    return {
        "held_at": held_at,
        "place": _text(data.get("place"), _("调解地点"), limit=200),
        "method": _choice(data.get("method"), MediationMethod, _("调解方式")),
        "mediators": _text(data.get("mediators"), _("调解员"), limit=300),
        "attendees": _text(data.get("attendees"), _("参加人员"), required=False, limit=500),
        "outcome": _choice(data.get("outcome"), MediationOutcome, _("调解结果")),
        "agreement_text": _text(data.get("agreement_text"), _("协议内容"), required=False),
        "agreement_amount": _amount(data.get("agreement_amount")),
        "judicial_confirmation": str(data.get("judicial_confirmation", "")).lower() in {"1", "true", "on", "yes"},
    }


def _clean_on_spot(case, data, reason):
    """The mediation the grid worker held where they found the matter: by default face to face,
    now, at the case's address; it must have succeeded (a failed one is reported, not closed)."""
    given = {k: v for k, v in data.items() if v not in (None, "")}
    defaults = {"held_at": timezone.now(), "place": case.address or case.region.name,
                "method": MediationMethod.FACE_TO_FACE, "outcome": MediationOutcome.RESOLVED}
    cleaned = _clean_mediation(case, defaults | given, reason)
    if cleaned["outcome"] != MediationOutcome.RESOLVED:
        raise ValidationError(_("就地化解须调解成功；未能化解的纠纷请直接上报，由中心受理派单。"))
    return cleaned | {"result": _text(reason or data.get("result"), _("化解结果"))}


def _clean_close_unresolved(case, data, reason):
    return {
        "guidance": _choice(data.get("guidance"), Guidance, _("引导途径")),
        "result": _text(reason, _("未化解的原因及引导说明")),
    }


def _clean_rate(case, data, reason):
    try:
        value = int(data.get("satisfaction"))
    except (TypeError, ValueError):
        value = None
    if value not in Satisfaction.values:
        raise ValidationError(_("请选择满意、基本满意或不满意。"))
    return {"satisfaction": value, "comment": _text(reason, _("评价意见"), required=False, limit=500)}


def _clean_reopen(case, data, reason):
    # The resident rated it 不满意 on the tracking page, or says so to staff visiting on
    # their behalf (a follow-up visit), who then pass satisfaction=1 with the request.
    stated = str(data.get("satisfaction", "")) == str(Satisfaction.DISSATISFIED.value)
    if case.satisfaction != Satisfaction.DISSATISFIED and not stated:
        raise ValidationError(_("请先评价为“不满意”，再申请重新办理。"))
    days = case.item.reopen_days if case.item_id else Item._meta.get_field("reopen_days").default
    if case.closed_at and timezone.now() - case.closed_at > dt.timedelta(days=days):
        raise ValidationError(
            _("案件办结已超过%(days)d天，不能申请重启；如仍有诉求请重新提交。") % {"days": days}
        )
    return {"reason": _reason(reason, _("申请重启的理由"))}


CLEANERS = {
    "decline": _clean_decline,
    "classify": _clean_classify,
    "set_risk": _clean_set_risk,
    "resolve_immediately": _clean_result,
    "resolve_on_spot": _clean_on_spot,
    "dispatch": _clean_dispatch,
    "return": _clean_reason,
    "record_handling": lambda c, d, r: {"note": _text(r, _("办理情况"))},
    "record_mediation": _clean_mediation,
    "pause_clock": _clean_reason,
    "resume_clock": lambda c, d, r: {"note": _text(r, _("说明"), required=False)},
    "resolve": _clean_result,
    "close_unresolved": _clean_close_unresolved,
    "escalate": _clean_reason,
    "transfer": _clean_transfer,
    "set_helpers": _clean_set_helpers,
    "assign_leader": _clean_assign_leader,
    "set_task_force": _clean_task_force,
    "rate": _clean_rate,
    "reopen": _clean_reopen,
}

# ---------------------------------------------------------------- applying the change


def set_deadlines_on_dispatch(case: Case, now: dt.datetime, committed_date: dt.date | None) -> None:
    item = case.item
    case.sign_due = now + dt.timedelta(hours=item.sign_hours)
    if committed_date:
        case.committed_date = committed_date
        end = dt.datetime.combine(committed_date, dt.time(23, 59, 59))
        case.handle_due = timezone.make_aware(end)
    else:
        case.handle_due = add_working_days(now, item.handle_days)


def _clear_holder(case: Case) -> None:
    case.department = None
    case.helper_departments.clear()
    case.sign_due = None
    case.handle_due = None


def _accept(ctx: Context, c: dict) -> None:
    ctx.write("accept", Status.ACCEPTED)


def _decline(ctx: Context, c: dict) -> None:
    ctx.case.closed_at = ctx.now
    ctx.write("decline", Status.DECLINED, {"redirect": c["redirect"]})


def _classify(ctx: Context, c: dict) -> None:
    case, item = ctx.case, c["item"]
    before = {"item": case.item.name if case.item_id else "", "risk_grade": case.risk_grade}
    case.item, case.category = item, item.category
    case.handling_kind, case.risk_grade = item.handling_kind, c["risk_grade"]
    case.respond_due = case.created_at + dt.timedelta(minutes=item.respond_minutes)
    ctx.write("classify", data={
        "item": item.name, "category": item.category.name, "item_code": item.code,
        "risk_grade": c["risk_grade"], "before": before,
    })


def _set_risk(ctx: Context, c: dict) -> None:
    before = ctx.case.risk_grade
    ctx.case.risk_grade = c["risk_grade"]
    ctx.write("set_risk", data={"risk_grade": c["risk_grade"], "before": before})


def _resolve_immediately(ctx: Context, c: dict) -> None:
    ctx.case.result_summary = c["result"]
    ctx.case.origin_center = ctx.case.center
    ctx.write("resolve_immediately", Status.RESOLVED, reason=c["result"])
    ctx.case.closed_at = ctx.now
    ctx.step("auto_close")


def _resolve_on_spot(ctx: Context, c: dict) -> None:
    case = ctx.case
    session = MediationSession.objects.create(
        case=case, recorded_by=ctx.actor, **{k: v for k, v in c.items() if k != "result"}
    )
    case.result_summary = c["result"]
    case.origin_center = case.center
    ctx.write("resolve_on_spot", Status.RESOLVED, {
        "mediation_id": session.pk,
        "method": session.method,
        "outcome": session.outcome,
        "held_at": session.held_at.isoformat(),
        "amount": str(session.agreement_amount) if session.agreement_amount is not None else None,
        "judicial_confirmation": session.judicial_confirmation,
    }, reason=c["result"])
    case.closed_at = ctx.now
    ctx.step("auto_close")


def _apply_target(ctx: Context, c: dict) -> dict:
    case = ctx.case
    if case.status in (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS) and case.origin_center_id:
        case.center = case.origin_center
    case.origin_center = case.center
    case.helper_departments.clear()
    if c["department"] is not None:
        case.department = c["department"]
        case.helper_departments.set(c["helpers"])
        target = {"department_id": c["department"].pk, "department": c["department"].name}
    else:
        case.department = None
        case.center = c["center"]
        target = {"center_id": c["center"].pk, "center": c["center"].display_center}
    set_deadlines_on_dispatch(case, ctx.now, c.get("committed_date"))
    if c["helpers"]:
        target["helpers"] = [d.name for d in c["helpers"]]
    target["sign_due"] = case.sign_due.isoformat()
    target["handle_due"] = case.handle_due.isoformat()
    return target


def _dispatch(ctx: Context, c: dict) -> None:
    ctx.write("dispatch", Status.DISPATCHED, _apply_target(ctx, c), reason=c["note"])


def _transfer(ctx: Context, c: dict) -> None:
    before = ctx.case.holder_label
    data = _apply_target(ctx, c) | {"from": before}
    ctx.write("transfer", Status.DISPATCHED, data, reason=c["reason"])


def _sign(ctx: Context, c: dict) -> None:
    ctx.write("sign", Status.SIGNED)


def _return(ctx: Context, c: dict) -> None:
    case = ctx.case
    returned_by = case.holder_label
    case.center = case.origin_center or case.center
    _clear_holder(case)
    ctx.write("return", Status.RETURNED, {"returned_by": returned_by}, reason=c["reason"])


def _start_if_signed(ctx: Context) -> None:
    if ctx.case.status == Status.SIGNED:
        ctx.step("start")


def _record_handling(ctx: Context, c: dict) -> None:
    _start_if_signed(ctx)
    ctx.write("record_handling", reason=c["note"])


def _record_mediation(ctx: Context, c: dict) -> None:
    _start_if_signed(ctx)
    recorder = None if isinstance(ctx.actor, Resident) else ctx.actor
    session = MediationSession.objects.create(case=ctx.case, recorded_by=recorder, **c)
    # where it was held, for the escalation ladder: a center's own attempts count at its level
    held = {} if ctx.case.department_id else {"center_id": ctx.case.center_id, "level": ctx.case.center.level}
    ctx.write("record_mediation", data=held | {
        "mediation_id": session.pk,
        "method": session.method,
        "outcome": session.outcome,
        "held_at": session.held_at.isoformat(),
        "amount": str(session.agreement_amount) if session.agreement_amount is not None else None,
        "judicial_confirmation": session.judicial_confirmation,
    }, reason="")


def _pause_clock(ctx: Context, c: dict) -> None:
    ctx.case.clock_paused_at = ctx.now
    ctx.write("pause_clock", reason=c["reason"])


def _resume_clock(ctx: Context, c: dict) -> None:
    """The deadlines move on by the time the clock stood still."""
    case = ctx.case
    paused = ctx.now - case.clock_paused_at
    case.clock_paused_at = None
    if case.handle_due:
        case.handle_due += paused
    ctx.write("resume_clock", data={
        "paused_seconds": int(paused.total_seconds()),
        "handle_due": case.handle_due.isoformat() if case.handle_due else None,
    }, reason=c["note"])


def _resolve(ctx: Context, c: dict) -> None:
    ctx.case.result_summary = c["result"]
    ctx.write("resolve", Status.RESOLVED, reason=c["result"])


def _close_unresolved(ctx: Context, c: dict) -> None:
    ctx.case.result_summary = c["result"]
    ctx.case.guidance = c["guidance"]
    ctx.write("close_unresolved", Status.UNRESOLVED, {"guidance": c["guidance"]}, reason=c["result"])


def _escalate(ctx: Context, c: dict) -> None:
    case = ctx.case
    below = case.center
    parent = below.parent_center()
    case.center = parent
    case.origin_center = parent
    _clear_holder(case)
    ctx.write("escalate", Status.ESCALATED, {
        "from_center": below.display_center, "to_center": parent.display_center, "to_center_id": parent.pk,
    }, reason=c["reason"])


def _close(ctx: Context, c: dict) -> None:
    ctx.case.closed_at = ctx.now
    ctx.write("close", Status.CLOSED)


def _set_helpers(ctx: Context, c: dict) -> None:
    ctx.case.helper_departments.set(c["helpers"])
    ctx.write("set_helpers", data={
        "lead": ctx.case.department.name, "helpers": [d.name for d in c["helpers"]],
    }, reason=c["note"])


def _assign_leader(ctx: Context, c: dict) -> None:
    ctx.case.leader = c["leader"]
    ctx.write("assign_leader", data={"leader_id": c["leader"].pk, "leader": str(c["leader"])}, reason=c["note"])


def _set_task_force(ctx: Context, c: dict) -> None:
    ctx.case.task_force.set(c["members"])
    ctx.write("set_task_force", data={
        "member_ids": [u.pk for u in c["members"]], "members": [str(u) for u in c["members"]],
    }, reason=c["note"])


def _rate(ctx: Context, c: dict) -> None:
    ctx.case.satisfaction = c["satisfaction"]
    ctx.case.rating_comment = c["comment"]
    ctx.write("rate", data={"satisfaction": c["satisfaction"]}, reason=c["comment"])


def _reopen(ctx: Context, c: dict) -> None:
    case = ctx.case
    case.center = case.origin_center or case.center
    _clear_holder(case)
    case.closed_at = None
    case.satisfaction = None
    ctx.write("reopen", Status.REOPENED, reason=c["reason"])


APPLIERS = {
    "accept": _accept,
    "decline": _decline,
    "classify": _classify,
    "set_risk": _set_risk,
    "resolve_immediately": _resolve_immediately,
    "resolve_on_spot": _resolve_on_spot,
    "dispatch": _dispatch,
    "transfer": _transfer,
    "sign": _sign,
    "return": _return,
    "record_handling": _record_handling,
    "record_mediation": _record_mediation,
    "pause_clock": _pause_clock,
    "resume_clock": _resume_clock,
    "resolve": _resolve,
    "close_unresolved": _close_unresolved,
    "escalate": _escalate,
    "close": _close,
    "set_helpers": _set_helpers,
    "assign_leader": _assign_leader,
    "set_task_force": _set_task_force,
    "rate": _rate,
    "reopen": _reopen,
}
assert set(APPLIERS) == set(ACTIONS), "every action needs an applier"
