"""The rules of the mediator directory and of ordering a mediator (点单式).

- A mediator serves the cases whose place lies in their region (a county's mediators serve the
  whole county, a street's mediators their street).
- The resident orders from the public list on their tracking page; center desk staff (clerk,
  dispatcher, leader) whose region covers the case order for them, from any active mediator.
- A case has at most one open order (待确认 or 已接单); a mediator at most `max_open_orders`,
  counted under a lock on the mediator's row so that two orders cannot both take the last slot.
- The mediator answers their own orders; for a mediator without an account the center answers.
- When the case closes an accepted order is done (the resident may then rate it 1–5 once), a
  pending one is cancelled.

Each step is an event on the case's timeline (seen by the resident too); the center desk is told."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Event, MediationOutcome, MediationSession, Status
from jiefen.cases.scope import can_see
from jiefen.cases.services import note
from jiefen.cases.workflow import Resident, System
from jiefen.notify.services import announce, tell

from .models import OPEN_ORDER_STATUSES, Mediator, MediatorOrder, OrderStatus, Organisation

DESK = (Role.CLERK, Role.DISPATCHER, Role.LEADER)
MAX_TEXT = 500
# A mediator may be ordered while the case is still being handled, not once it awaits review.
ORDERABLE = frozenset(Status) - {Status.DECLINED, Status.CLOSED, Status.RESOLVED, Status.UNRESOLVED}

EVENT_LABELS = {
    "mediator_ordered": gettext_lazy("点选调解员"),
    "mediator_accepted": gettext_lazy("调解员接单"),
    "mediator_declined": gettext_lazy("调解员婉拒"),
    "mediator_cancelled": gettext_lazy("取消点单"),
    "mediator_rated": gettext_lazy("评价调解员"),
}


class MediatorError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- who sees what


def _post_paths(user) -> list[str]:
    paths = []
    for m in user.memberships_cached():
        if m.region_id:
            paths.append(m.region.path)
        elif m.department_id:
            paths.append(m.department.region.path)
    return paths


def _near(user, field: str) -> Q | None:
    """Regions at, under or over a region where the user holds a post (None: all)."""
    if user.is_superuser:
        return None
    q = Q(pk__in=[])
    for path in _post_paths(user):
        ancestors = [path[:i] for i in range(5, len(path) + 1, 5)]
        q |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ancestors})
    return q


def directory_for(user) -> QuerySet[Mediator]:
    """Mediators a staff member may look up: those serving a region at, under or over a region
    where the user holds a post (a street's staff see the street's and the county's mediators)."""
    if not getattr(user, "is_authenticated", False):
        return Mediator.objects.none()
    q = _near(user, "region_path")
    return Mediator.objects.all() if q is None else Mediator.objects.filter(q)


def organisations_for(user) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    q = _near(user, "region__path")
    return Organisation.objects.all() if q is None else Organisation.objects.filter(q)


def public_mediators() -> QuerySet[Mediator]:
    return Mediator.objects.filter(public=True, active=True)


def with_figures(qs: QuerySet[Mediator]) -> QuerySet[Mediator]:
    """Annotate open orders (current workload), average rating and number of ratings."""
    return qs.annotate(
        open_orders=Count("orders", filter=Q(orders__status__in=OPEN_ORDER_STATUSES), distinct=True),
        rating_avg=Avg("orders__rating"),
        rating_count=Count("orders", filter=Q(orders__rating__isnull=False), distinct=True),
    )


@dataclass
class Results:
    cases: int = 0  # cases they mediated: accepted orders, and mediation records naming them
    resolved: int = 0  # of those, mediated to agreement, or resolved (and closed)
    finished: int = 0  # of those, no longer being handled (resolved, unresolved or closed)

    @property
    def rate(self) -> int | None:
        """Mediation success rate (调成率) over the finished cases, in percent."""
        return round(100 * self.resolved / self.finished) if self.finished else None


def _resolved(case: Case) -> bool:
    return case.status == Status.RESOLVED or (case.status == Status.CLOSED and not case.guidance)


def results_for(mediators) -> dict[int, Results]:
    """Each mediator's results, from their accepted orders and the mediation records (调解记录)
    that name them, on cases in their region."""
    mediators = list(mediators)
    out = {m.pk: Results() for m in mediators}
    if not mediators:
        return out
    cases: dict[int, set[int]] = {m.pk: set() for m in mediators}
    agreed: dict[int, set[int]] = {m.pk: set() for m in mediators}
    for mediator_id, case_id in MediatorOrder.objects.filter(
        mediator__in=mediators, status__in=[OrderStatus.ACCEPTED, OrderStatus.DONE]
    ).values_list("mediator_id", "case_id"):
        cases[mediator_id].add(case_id)
    for m in mediators:
        sessions = MediationSession.objects.filter(
            mediators__contains=m.name, case__region_path__startswith=m.region_path
        ).values_list("case_id", "outcome")
        for case_id, outcome in sessions:
            cases[m.pk].add(case_id)
            if outcome == MediationOutcome.RESOLVED:
                agreed[m.pk].add(case_id)
    every = set().union(*cases.values())
    rows = list(Case.objects.filter(pk__in=every).only("pk", "status", "guidance"))
    resolved = {c.pk for c in rows if _resolved(c)}
    finished = {c.pk for c in rows if c.status in (Status.RESOLVED, Status.UNRESOLVED, Status.CLOSED)}
    for m in mediators:
        done = cases[m.pk] & (resolved | agreed[m.pk])
        out[m.pk] = Results(len(cases[m.pk]), len(done), len(cases[m.pk] & finished | done))
    return out


def candidates(case: Case, *, staff: bool) -> QuerySet[Mediator]:
    """Active mediators serving the case's place (the public ones only, for the resident),
    with their figures; the nearest first."""
    paths = [case.region_path[:i] for i in range(5, len(case.region_path) + 1, 5)]
    qs = Mediator.objects.filter(active=True, region_path__in=paths)
    if not staff:
        qs = qs.filter(public=True)
    return with_figures(qs).select_related("organisation", "region").prefetch_related("specialties").order_by(
        "-region_path", "name", "id")


def is_desk(user, case: Case) -> bool:
    """Center desk staff (clerk, dispatcher, leader) whose region covers the case."""
    if not getattr(user, "is_authenticated", False) or not can_see(user, case):
        return False
    if user.is_superuser:
        return True
    return any(m.role in DESK and m.region_id and case.region_path.startswith(m.region.path)
               for m in user.memberships_cached())


def orderable(case: Case) -> bool:
    return case.status in ORDERABLE


def open_order(case: Case) -> MediatorOrder | None:
    return case.mediator_orders.filter(status__in=OPEN_ORDER_STATUSES).select_related(
        "mediator", "mediator__organisation").first()


def may_answer(user, order: MediatorOrder) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if order.mediator.user_id:
        return order.mediator.user_id == user.pk
    return is_desk(user, order.case)


def inbox(user) -> QuerySet[MediatorOrder]:
    """The orders addressed to this user as a mediator."""
    if not getattr(user, "is_authenticated", False):
        return MediatorOrder.objects.none()
    return MediatorOrder.objects.filter(mediator__user=user)


def waiting_count(user) -> int:
    return inbox(user).filter(status=OrderStatus.REQUESTED).count()


# ---------------------------------------------------------------- timeline and notices


def _event(case: Case, action: str, actor, reason: str, data: dict, now) -> Event:
    return note(case, action, actor, reason=reason, data=data, public=True, when=now)


def _desk(case: Case, also=()) -> list:
    User = get_user_model()
    centers = {case.center_id, case.origin_center_id or case.center_id}
    q = Q(memberships__role__in=DESK, memberships__region_id__in=centers)
    q |= Q(pk__in=[u.pk for u in also if u is not None])
    return list(User.objects.filter(q, is_active=True).distinct())


def _tell_desk(event: Event, order: MediatorOrder, text: str, actor) -> None:
    users = [u for u in _desk(order.case, also=[order.ordered_by]) if u.pk != getattr(actor, "pk", None)]
    message = _("案件 %(code)s：%(text)s") % {"code": order.case.display_code, "text": text}
    tell(event, users, message)


def _tell_mediator(order: MediatorOrder, text: str) -> None:
    if order.mediator.user_id and order.mediator.user.is_active:
        announce([order.mediator.user], text, kind="mediator_order", url=reverse("mediators:orders"),
                 case=order.case)


def _who(mediator: Mediator) -> str:
    return f"{mediator.name}（{mediator.organisation}）" if mediator.organisation_id else mediator.name


def _text(value: str, label: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise MediatorError(_("请填写%(label)s。") % {"label": label})
    if len(value) > MAX_TEXT:
        raise MediatorError(_("%(label)s不能超过%(limit)d个字（现有%(n)d个字）。") % {
            "label": label, "limit": MAX_TEXT, "n": len(value)})
    return value


# ---------------------------------------------------------------- ordering


def place_order(case: Case, mediator_id, actor, *, reason: str = "") -> MediatorOrder:
    """Order a mediator for `case`; `actor` is the resident (workflow.Resident) or a staff user."""
    resident = isinstance(actor, Resident)
    if resident:
        if actor.case_id != case.pk:
            raise MediatorError(_("您只能为自己反映的案件点选调解员。"), 403)
    elif not is_desk(actor, case):
        raise MediatorError(_("只有管辖该案件的中心受理员、调度员或负责人可以代群众点选调解员。"), 403)
    reason = _text(reason, _("点单理由"), required=False)
    try:
        mediator_pk = int(mediator_id)
    except (TypeError, ValueError):
        raise MediatorError(_("请选择一位调解员。")) from None
    mediator = candidates(case, staff=not resident).filter(pk=mediator_pk).first()
    if mediator is None:
        raise MediatorError(_("所选调解员不在本案发生地的可选名单中，请从名单中选择。"))
    now = timezone.now()
    try:
        with transaction.atomic():
            fresh = Case.objects.select_for_update().get(pk=case.pk)
            if not orderable(fresh):
                raise MediatorError(_("案件当前状态为“%(status)s”，不能再点选调解员。") % {
                    "status": fresh.get_status_display()}, 409)
            current = fresh.mediator_orders.filter(status__in=OPEN_ORDER_STATUSES).select_related("mediator").first()
            if current is not None:
                raise MediatorError(_("本案已点选调解员%(name)s（%(status)s），请等其答复或取消后再点选。") % {
                    "name": current.mediator.name, "status": current.get_status_display()}, 409)
            locked = Mediator.objects.select_for_update().get(pk=mediator.pk)
            taken = locked.orders.filter(status__in=OPEN_ORDER_STATUSES).count()
            if taken >= locked.max_open_orders:
                raise MediatorError(_("调解员%(name)s当前承接已满（%(taken)d/%(limit)d），请选择其他调解员。") % {
                    "name": locked.name, "taken": taken, "limit": locked.max_open_orders}, 409)
            order = MediatorOrder.objects.create(
                case=fresh, mediator=locked, by_resident=resident, ordered_by=None if resident else actor,
                reason=reason, created_at=now,
            )
            note = _who(locked) + (f"：{reason}" if reason else "")
            event = _event(fresh, "mediator_ordered", actor, note, {
                "order_id": order.pk, "mediator_id": locked.pk, "mediator": locked.name,
                "by_resident": resident}, now)
            who = _("群众") if resident else str(actor)
            _tell_desk(event, order, _("%(who)s点选调解员%(name)s，待其确认。") % {"who": who, "name": locked.name}, actor)
            _tell_mediator(order, _("您被点选为案件 %(code)s 的调解员，请确认是否接单。") % {"code": fresh.display_code})
    except IntegrityError:  # the other open order was written between our check and our insert
        raise MediatorError(_("本案刚刚已有人点选了调解员，请刷新后查看。"), 409) from None
    return order


def _locked_order(order: MediatorOrder, allowed) -> MediatorOrder:
    fresh = MediatorOrder.objects.select_for_update().select_related("mediator", "case").get(pk=order.pk)
    if fresh.status not in allowed:
        raise MediatorError(_("该点单已是“%(status)s”，无需再处理。") % {"status": fresh.get_status_display()}, 409)
    return fresh


def answer(order: MediatorOrder, user, *, accept: bool, reason: str = "") -> MediatorOrder:
    """The mediator (or, for one without an account, the center) accepts or declines."""
    if not may_answer(user, order):
        raise MediatorError(_("只有被点选的调解员本人可以答复该点单。"), 403)
    reason = _text(reason, _("接单说明") if accept else _("婉拒理由"), required=not accept)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked_order(order, [OrderStatus.REQUESTED])
        fresh.status = OrderStatus.ACCEPTED if accept else OrderStatus.DECLINED
        fresh.answer, fresh.answered_by, fresh.answered_at = reason, user, now
        if not accept:
            fresh.ended_at = now
        fresh.save()
        name = fresh.mediator.name
        action = "mediator_accepted" if accept else "mediator_declined"
        event = _event(fresh.case, action, user, f"{name}：{reason}" if reason else name, {
            "order_id": fresh.pk, "mediator_id": fresh.mediator_id, "mediator": name}, now)
        if accept:
            text = _("调解员%(name)s已接单。") % {"name": name}
        else:
            text = _("调解员%(name)s婉拒了点单（%(reason)s），请另行点选。") % {"name": name, "reason": reason}
        _tell_desk(event, fresh, text, user)
    return fresh


def cancel(order: MediatorOrder, actor, *, reason: str = "") -> MediatorOrder:
    """The resident withdraws a pending order; center desk staff cancel a pending or accepted one."""
    resident = isinstance(actor, Resident)
    if resident:
        if actor.case_id != order.case_id:
            raise MediatorError(_("您只能取消自己案件的点单。"), 403)
        allowed = [OrderStatus.REQUESTED]
    elif is_desk(actor, order.case):
        allowed = list(OPEN_ORDER_STATUSES)
    else:
        raise MediatorError(_("只有管辖该案件的中心工作人员可以取消点单。"), 403)
    reason = _text(reason, _("取消原因"), required=not resident)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked_order(order, allowed)
        fresh.status, fresh.answer, fresh.ended_at = OrderStatus.CANCELLED, reason, now
        fresh.save()
        name = fresh.mediator.name
        event = _event(fresh.case, "mediator_cancelled", actor, f"{name}：{reason}" if reason else name, {
            "order_id": fresh.pk, "mediator_id": fresh.mediator_id, "mediator": name}, now)
        _tell_desk(event, fresh, _("点选调解员%(name)s已取消。") % {"name": name}, actor)
        _tell_mediator(fresh, _("案件 %(code)s 对您的点单已取消。") % {"code": fresh.case.display_code})
    return fresh


def ratable(case: Case) -> list[MediatorOrder]:
    """The orders the resident may still rate: done, on a closed case, not yet rated."""
    if case.status != Status.CLOSED:
        return []
    return list(case.mediator_orders.filter(status=OrderStatus.DONE, rating__isnull=True).select_related("mediator"))


def rate(order: MediatorOrder, resident, *, score, comment: str = "") -> MediatorOrder:
    if not isinstance(resident, Resident) or resident.case_id != order.case_id:
        raise MediatorError(_("只有本案诉求人可以评价调解员。"), 403)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise MediatorError(_("请选择 1 到 5 星的评分。"))
    comment = _text(comment, _("评价内容"), required=False)
    now = timezone.now()
    with transaction.atomic():
        fresh = MediatorOrder.objects.select_for_update().select_related("mediator", "case").get(pk=order.pk)
        if fresh.case.status != Status.CLOSED or fresh.status != OrderStatus.DONE:
            raise MediatorError(_("案件办结后才能评价调解员。"), 409)
        if fresh.rating is not None:
            raise MediatorError(_("您已评价过这位调解员，每次点单只能评价一次。"), 409)
        fresh.rating, fresh.rating_comment, fresh.rated_at = score, comment, now
        fresh.save()
        name = fresh.mediator.name
        event = _event(fresh.case, "mediator_rated", resident, f"{name}：{score}/5" + (f"，{comment}" if comment else ""),
                       {"order_id": fresh.pk, "mediator_id": fresh.mediator_id, "mediator": name, "rating": score}, now)
        _tell_desk(event, fresh, _("群众给调解员%(name)s评了 %(score)d 星。") % {"name": name, "score": score}, resident)
    return fresh


# ---------------------------------------------------------------- the case moves on


def on_case_changed(sender, case: Case, events: list[Event], **kwargs) -> None:
    """When the case closes its accepted order is done and a pending one lapses; when it is
    declined any open order lapses."""
    ended = next((e for e in events if e.to_status in (Status.CLOSED, Status.DECLINED)
                  and e.from_status != e.to_status), None)
    if ended is None:
        return
    for order in case.mediator_orders.filter(status__in=OPEN_ORDER_STATUSES).select_related("mediator"):
        if order.status == OrderStatus.ACCEPTED and ended.to_status == Status.CLOSED:
            order.status, order.ended_at = OrderStatus.DONE, ended.created_at
            order.save(update_fields=["status", "ended_at"])
            continue
        order.status, order.ended_at = OrderStatus.CANCELLED, ended.created_at
        order.answer = _("案件已办结，点单自动取消。") if ended.to_status == Status.CLOSED else _("案件不予受理，点单自动取消。")
        order.save(update_fields=["status", "ended_at", "answer"])
        _event(case, "mediator_cancelled", System(), f"{order.mediator.name}：{order.answer}", {
            "order_id": order.pk, "mediator_id": order.mediator_id, "mediator": order.mediator.name},
            ended.created_at)
        _tell_mediator(order, _("案件 %(code)s 已结束，对您的点单自动取消。") % {"code": case.display_code})
