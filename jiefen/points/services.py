"""The rules of community orders (社区下单、部门抢单) and of the points they earn.

- A region enables ordering with a PointsSetting; a community follows the nearest setting at
  or above it. Where none is enabled, nobody may post.
- A community's staff (clerk, dispatcher, leader at the community's center, or a grid worker
  in one of its grids) post orders for it and confirm them.
- The departments whose region covers the community (the region is the community or above
  it) see its open orders in the hall (抢单大厅); one of their handlers takes an order, first
  come: the order's row is locked and moved only from 待接单, so a second taker is refused.
- The taker's department reports completion (note, photo); the community confirms with a
  rating of 1–5, or sends it back with a reason.
- On confirmation the department earns, as PointsEntry rows that are never changed: the
  completion points, the points offered by the community, a bonus for a good rating, minus a
  penalty when completed after the deadline. An order still unfinished after its deadline is
  penalised by the worker's scan (each order at most once).
- A community sees its own orders; a department the orders of the communities it covers;
  leaders, supervisors and administrators the orders in their region's subtree."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Role
from jiefen.intake.forms import PhotosField
from jiefen.notify.services import announce
from jiefen.regions.models import PATH_STEP, Department, Level, Region
from jiefen.taxonomy.models import Category

from .models import (
    EntryKind,
    Order,
    OrderStatus,
    OrderStep,
    Period,
    PointsEntry,
    PointsSetting,
    StepAction,
)

COMMUNITY_ROLES = (Role.CLERK, Role.DISPATCHER, Role.LEADER, Role.GRID_WORKER)
OVERSEER_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
NOTICE_KIND = "points"
MAX_NOTE = 500
MAX_DAYS_AHEAD = 366


class PointsError(Exception):
    """A refusal the user can act on; `message` is already translated."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status


# ---------------------------------------------------------------- settings and places


def _ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def setting_for(region: Region) -> PointsSetting | None:
    """The nearest setting at or above the region."""
    return (PointsSetting.objects.filter(region__path__in=_ancestor_paths(region.path))
            .select_related("region").order_by("-region__path").first())


def enabled_for(region: Region) -> bool:
    s = setting_for(region)
    return s is not None and s.enabled


def community_of(region: Region) -> Region | None:
    return region.at_level(Level.COMMUNITY) if region.level >= Level.COMMUNITY else None


def communities_of(user) -> list[Region]:
    """The communities this user posts and confirms orders for."""
    if not getattr(user, "is_authenticated", False):
        return []
    out: dict[int, Region] = {}
    for m in user.memberships_cached():
        if m.role not in COMMUNITY_ROLES or not m.region_id:
            continue
        if m.region.level == Level.COMMUNITY or (m.role == Role.GRID_WORKER and m.region.level > Level.COMMUNITY):
            community = community_of(m.region)
            if community is not None:
                out[community.pk] = community
    return sorted(out.values(), key=lambda r: r.path)


def departments_of(user) -> list[Department]:
    """The active departments in which this user is a handler."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = {m.department.pk: m.department for m in user.memberships_cached()
             if m.role == Role.HANDLER and m.department_id and m.department.active}
    return sorted(found.values(), key=lambda d: (d.region.path, d.name))


def overseen_regions(user) -> list[Region]:
    """Regions whose subtree the user oversees (leader, supervisor, administrator)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True))
    return [m.region for m in user.memberships_cached() if m.role in OVERSEER_ROLES and m.region_id]


def covering_departments(community: Region) -> QuerySet[Department]:
    """Active departments whose region is the community or lies above it."""
    return Department.objects.filter(active=True, region__path__in=_ancestor_paths(community.path))


def covers(department: Department, community: Region) -> bool:
    return department.active and community.path.startswith(department.region.path)


# ---------------------------------------------------------------- who sees what


def scope_q(user) -> Q | None:
    """The orders this user may see (None: all)."""
    if user.is_superuser:
        return None
    q = Q(pk__in=[])
    for c in communities_of(user):
        q |= Q(community_id=c.pk)
    for d in departments_of(user):
        q |= Q(community__path__startswith=d.region.path)
        q |= Q(department_id=d.pk)
    for r in overseen_regions(user):
        q |= Q(community__path__startswith=r.path)
    return q


def visible_orders(user) -> QuerySet[Order]:
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    q = scope_q(user)
    qs = Order.objects.all() if q is None else Order.objects.filter(q)
    return qs.select_related("community", "category", "department", "posted_by", "taken_by")


def hall(user) -> QuerySet[Order]:
    """抢单大厅: open orders, not past their deadline, of the communities the user's departments cover."""
    q = Q(pk__in=[])
    for d in departments_of(user):
        q |= Q(community__path__startswith=d.region.path)
    return (visible_orders(user).filter(q, status=OrderStatus.OPEN, deadline__gte=timezone.localdate())
            .order_by("deadline", "posted_at", "id"))


def is_community_of(user, order: Order) -> bool:
    return any(c.pk == order.community_id for c in communities_of(user))


def taker_departments(user, order: Order) -> list[Department]:
    return [d for d in departments_of(user) if covers(d, order.community)]


def is_taker(user, order: Order) -> bool:
    return order.department_id is not None and any(d.pk == order.department_id for d in departments_of(user))


def may_see(user, order: Order) -> bool:
    return visible_orders(user).filter(pk=order.pk).exists()


# ---------------------------------------------------------------- notices


def _community_staff(order: Order) -> list:
    """The community's desk (clerk, dispatcher, leader) and whoever posted the order."""
    User = get_user_model()
    q = Q(memberships__role__in=[Role.CLERK, Role.DISPATCHER, Role.LEADER], memberships__region_id=order.community_id)
    q |= Q(pk=order.posted_by_id)
    return list(User.objects.filter(q, is_active=True).distinct())


def _handlers(departments) -> list:
    User = get_user_model()
    ids = [d.pk for d in departments]
    return list(User.objects.filter(memberships__role=Role.HANDLER, memberships__department_id__in=ids,
                                    is_active=True).distinct())


def _tell(users, actor, text: str, order: Order) -> int:
    users = [u for u in users if u.pk != getattr(actor, "pk", None)]
    return announce(users, text, kind=NOTICE_KIND, url=reverse("points:order", args=[order.pk]))


# ---------------------------------------------------------------- input


def _text(value, label: str, *, required: bool, limit: int = MAX_NOTE) -> str:
    value = str(value or "").strip()
    if "\x00" in value:
        raise PointsError(_("%(label)s中含有非法字符。") % {"label": label})
    if required and not value:
        raise PointsError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise PointsError(_("%(label)s不能超过%(limit)d个字（现有%(n)d个字）。") % {
            "label": label, "limit": limit, "n": len(value)})
    return value


def _photo(upload):
    if not upload:
        return None
    try:
        return PhotosField.clean_one(upload)
    except ValidationError as exc:
        raise PointsError(" ".join(exc.messages)) from None


def _label(actor, where: str) -> str:
    return f"{actor}（{where}）"[:120]


def _step(order: Order, action: str, actor, where: str, note: str = "", photo=None, now=None) -> OrderStep:
    step = OrderStep(order=order, action=action, actor=actor, actor_label=_label(actor, where) if actor else _("系统"),
                     note=note, created_at=now or timezone.now())
    if photo is not None:
        step.photo = photo
    step.save()
    return step


def _locked(order: Order, allowed) -> Order:
    fresh = Order.objects.select_for_update(of=("self",)).select_related("community", "department").get(pk=order.pk)
    if fresh.status not in allowed:
        raise PointsError(_("该需求单已是“%(status)s”，不能再这样操作，请刷新后查看。") % {
            "status": fresh.get_status_display()}, 409)
    return fresh


def _move(order: Order, allowed, caller: Order, **fields) -> None:
    """Change the order only if it is still in an allowed status (a compare-and-set, so that
    two people at once cannot both move it, on any database); the caller's copy follows."""
    if not Order.objects.filter(pk=order.pk, status__in=allowed).update(**fields):
        raise PointsError(_("该需求单刚刚已被他人处理，请刷新后查看。"), 409)
    for name, value in fields.items():
        setattr(order, name, value)
        setattr(caller, name, value)


# ---------------------------------------------------------------- the order's life


def post_order(user, data, photo=None) -> Order:
    """A community posts an order; the covering departments' handlers are told."""
    communities = communities_of(user)
    if not communities:
        raise PointsError(_("只有社区（村）的受理员、调度员、负责人或网格员可以下单。"), 403)
    raw = str(data.get("community") or "").strip()
    if len(communities) == 1 and not raw:
        community = communities[0]
    else:
        community = next((c for c in communities if str(c.pk) == raw), None)
        if community is None:
            raise PointsError(_("请选择您所在的社区。"))
    setting = setting_for(community)
    if setting is None or not setting.enabled:
        raise PointsError(_("%(name)s所在区域未开通社区下单，暂不能发布需求。如需开通，请联系区级管理员。") % {
            "name": community.name}, 403)
    title = _text(data.get("title"), _("标题"), required=True, limit=60)
    description = _text(data.get("description"), _("需求说明"), required=True, limit=1000)
    place = _text(data.get("place"), _("地点"), required=True, limit=120)
    raw_category = str(data.get("category") or "").strip()
    category = Category.objects.filter(pk=int(raw_category), active=True).first() if raw_category.isdigit() else None
    if category is None:
        raise PointsError(_("请选择需求类别。"))
    try:
        deadline = dt.date.fromisoformat(str(data.get("deadline") or "").strip())
    except ValueError:
        raise PointsError(_("请填写完成期限（日期，如 %(example)s）。") % {
            "example": (timezone.localdate() + dt.timedelta(days=7)).isoformat()}) from None
    today = timezone.localdate()
    if deadline < today:
        raise PointsError(_("完成期限不能早于今天。"))
    if deadline > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise PointsError(_("完成期限不能超过一年。"))
    raw_points = str(data.get("offered_points") or "0").strip()
    if not raw_points.isdigit():
        raise PointsError(_("悬赏积分应为不小于 0 的整数。"))
    offered = int(raw_points)
    if offered > setting.max_offered:
        raise PointsError(_("悬赏积分不能超过%(limit)d分。") % {"limit": setting.max_offered})
    photo = _photo(photo)
    departments = list(covering_departments(community))
    if not departments:
        raise PointsError(_("没有覆盖%(name)s的职能部门，需求无人可接。") % {"name": community.name}, 409)
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.create(
            community=community, title=title, description=description, category=category, place=place,
            deadline=deadline, offered_points=offered, posted_by=user, posted_at=now,
        )
        _step(order, StepAction.POST, user, community.name, photo=photo, now=now)
        text = _("%(community)s发布了新需求“%(title)s”，期限 %(deadline)s，欢迎抢单。") % {
            "community": community.name, "title": title, "deadline": deadline.isoformat()}
        _tell(_handlers(departments), user, text, order)
    return order


def take(order: Order, user, department_id=None) -> Order:
    """A handler of a covering department takes an open order; the first one wins."""
    choices = taker_departments(user, order)
    if not choices:
        raise PointsError(_("只有辖区覆盖%(name)s的职能部门承办人可以抢单。") % {"name": order.community.name}, 403)
    department = choices[0]
    if department_id not in (None, ""):
        department = next((d for d in choices if str(d.pk) == str(department_id)), None)
        if department is None:
            raise PointsError(_("请选择您所在的、辖区覆盖该社区的部门。"))
    now = timezone.now()
    with transaction.atomic():
        fresh = Order.objects.select_for_update(of=("self",)).select_related("community", "department").get(pk=order.pk)
        if fresh.status == OrderStatus.TAKEN or fresh.department_id:
            raise PointsError(_("手慢了：这张需求单已被%(dept)s抢走。") % {
                "dept": fresh.department or _("其他部门")}, 409)
        if fresh.status != OrderStatus.OPEN:
            raise PointsError(_("该需求单已是“%(status)s”，不能再抢单。") % {"status": fresh.get_status_display()}, 409)
        if fresh.expired:
            raise PointsError(_("该需求单已过完成期限（%(date)s），不能再抢单。") % {
                "date": fresh.deadline.isoformat()}, 409)
        _move(fresh, [OrderStatus.OPEN], order, status=OrderStatus.TAKEN, department=department, taken_by=user,
              taken_at=now)
        _step(fresh, StepAction.TAKE, user, department.name, now=now)
        text = _("需求“%(title)s”已由%(dept)s接单（%(who)s）。") % {
            "title": fresh.title, "dept": department.name, "who": user}
        _tell(_community_staff(fresh), user, text, fresh)
    return fresh


def complete(order: Order, user, note, photo=None) -> Order:
    """The taker's department reports the work done."""
    if not is_taker(user, order):
        raise PointsError(_("只有承接该需求的部门可以报告完成。"), 403)
    note = _text(note, _("完成情况"), required=True)
    photo = _photo(photo)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked(order, [OrderStatus.TAKEN])
        _move(fresh, [OrderStatus.TAKEN], order, status=OrderStatus.COMPLETED, completed_at=now)
        _step(fresh, StepAction.COMPLETE, user, fresh.department.name, note, photo, now)
        text = _("%(dept)s已完成需求“%(title)s”，请确认并评价。") % {"dept": fresh.department.name, "title": fresh.title}
        _tell(_community_staff(fresh), user, text, fresh)
    return fresh


def send_back(order: Order, user, reason) -> Order:
    """The community is not satisfied: back to the department, with the reason."""
    if not is_community_of(user, order):
        raise PointsError(_("只有下单社区的工作人员可以退回。"), 403)
    reason = _text(reason, _("退回原因"), required=True)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked(order, [OrderStatus.COMPLETED])
        _move(fresh, [OrderStatus.COMPLETED], order, status=OrderStatus.TAKEN)
        _step(fresh, StepAction.SEND_BACK, user, fresh.community.name, reason, now=now)
        text = _("%(community)s退回了需求“%(title)s”：%(reason)s") % {
            "community": fresh.community.name, "title": fresh.title, "reason": reason}
        _tell(_handlers([fresh.department]), user, text, fresh)
    return fresh


def _rating(value) -> int:
    try:
        rating = int(str(value or "").strip())
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        raise PointsError(_("请选择 1 到 5 星的评分。"))
    return rating


def confirm(order: Order, user, rating, comment="") -> list[PointsEntry]:
    """The community confirms the work and rates it; the department's points are added."""
    if not is_community_of(user, order):
        raise PointsError(_("只有下单社区的工作人员可以确认和评价。"), 403)
    rating = _rating(rating)
    comment = _text(comment, _("评价内容"), required=False)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked(order, [OrderStatus.COMPLETED])
        _move(fresh, [OrderStatus.COMPLETED], order, status=OrderStatus.CONFIRMED, confirmed_at=now, rating=rating)
        note = f"{rating}/5" + (f"，{comment}" if comment else "")
        _step(fresh, StepAction.CONFIRM, user, fresh.community.name, note, now=now)
        entries = award(fresh, user, now)
        total = sum(e.amount for e in entries)
        text = _("%(community)s确认了需求“%(title)s”，评分 %(rating)d 星，%(dept)s得 %(total)+d 分。") % {
            "community": fresh.community.name, "title": fresh.title, "rating": rating,
            "dept": fresh.department.name, "total": total}
        _tell(_handlers([fresh.department]), user, text, fresh)
    return entries


def rules_for(order: Order) -> PointsSetting:
    """The rules that apply to the order: its community's setting (defaults if none now)."""
    return setting_for(order.community) or PointsSetting(region=order.community)


def award(order: Order, actor, now) -> list[PointsEntry]:
    """The entries a confirmed order earns, by the rules of its community's setting."""
    rules = rules_for(order)
    wanted = [(EntryKind.COMPLETION, rules.completion_points, _("完成需求“%(title)s”"))]
    if order.offered_points:
        wanted.append((EntryKind.OFFERED, order.offered_points, _("社区悬赏：“%(title)s”")))
    if order.rating >= rules.good_rating and rules.rating_bonus:
        wanted.append((EntryKind.RATING_BONUS, rules.rating_bonus, _("好评（%(rating)d 星）：“%(title)s”")))
    late = order.is_late and not order.entries.filter(kind=EntryKind.LATE_PENALTY).exists()
    if late and rules.late_penalty:
        wanted.append((EntryKind.LATE_PENALTY, -rules.late_penalty,
                       _("逾期完成（期限 %(deadline)s）：“%(title)s”")))
    values = {"title": order.title, "rating": order.rating, "deadline": order.deadline.isoformat()}
    entries = []
    for kind, amount, why in wanted:
        if amount:
            entries.append(PointsEntry.objects.create(
                department=order.department, order=order, kind=kind, amount=amount,
                reason=(why % values)[:300], created_by=actor, created_at=now))
    return entries


def cancel(order: Order, user, reason) -> Order:
    """The community withdraws an order nobody has taken yet."""
    if not is_community_of(user, order):
        raise PointsError(_("只有下单社区的工作人员可以撤销需求。"), 403)
    reason = _text(reason, _("撤销原因"), required=True)
    with transaction.atomic():
        fresh = _locked(order, [OrderStatus.OPEN])
        _move(fresh, [OrderStatus.OPEN], order, status=OrderStatus.CANCELLED)
        _step(fresh, StepAction.CANCEL, user, fresh.community.name, reason)
    return fresh


def penalise_overdue(today: dt.date | None = None) -> int:
    """Orders taken but not completed by the end of their deadline day are marked overdue
    once, and lose the department the late penalty (once: the entry is unique per order); the
    department is told. Returns how many were marked."""
    today = today or timezone.localdate()
    done = 0
    overdue = Order.objects.filter(status=OrderStatus.TAKEN, deadline__lt=today).exclude(
        steps__action=StepAction.OVERDUE).select_related("community", "department")
    for order in overdue[:500]:
        penalty = rules_for(order).late_penalty
        values = {"date": order.deadline.isoformat(), "title": order.title, "n": penalty}
        try:
            with transaction.atomic():
                locked = Order.objects.select_for_update().get(pk=order.pk)  # then read anew: another
                if locked.status != OrderStatus.TAKEN or locked.steps.filter(action=StepAction.OVERDUE).exists():
                    continue  # worker marked it, or the department completed it, a moment ago
                if penalty:
                    PointsEntry.objects.create(
                        department=order.department, order=order, kind=EntryKind.LATE_PENALTY, amount=-penalty,
                        reason=(_("逾期未完成（期限 %(date)s）：“%(title)s”") % values)[:300])
                note = _("已过完成期限 %(date)s，扣 %(n)d 分。") if penalty else _("已过完成期限 %(date)s。")
                _step(order, StepAction.OVERDUE, None, "", note % values)
        except IntegrityError:  # another worker penalised it a moment ago
            continue
        text = (_("需求“%(title)s”已超过完成期限，扣 %(n)d 分，请尽快办理。") if penalty
                else _("需求“%(title)s”已超过完成期限，请尽快办理。"))
        _tell(_handlers([order.department]), None, text % values, order)
        done += 1
    return done


# ---------------------------------------------------------------- ranking


PERIOD_HINTS = {Period.MONTH: "2026-11", Period.QUARTER: "2026-Q4", Period.YEAR: "2026"}


def period_bounds(kind: str, at: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """(label, first day, last day) of a month ("2026-11"), quarter ("2026-Q4") or year ("2026");
    an empty `at` is the period containing today."""
    at = (at or "").strip()
    if kind == Period.MONTH:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", at)
        year, month = (int(m[1]), int(m[2])) if m else (today.year, today.month)
        if (at and not m) or not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise PointsError(_("月份格式应为 %(hint)s。") % {"hint": PERIOD_HINTS[Period.MONTH]})
        last = calendar.monthrange(year, month)[1]
        return f"{year}-{month:02d}", dt.date(year, month, 1), dt.date(year, month, last)
    if kind == Period.QUARTER:
        m = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", at)
        year, q = (int(m[1]), int(m[2])) if m else (today.year, (today.month - 1) // 3 + 1)
        if (at and not m) or not 2000 <= year <= 2100:
            raise PointsError(_("季度格式应为 %(hint)s。") % {"hint": PERIOD_HINTS[Period.QUARTER]})
        last = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        return f"{year}-Q{q}", dt.date(year, 3 * q - 2, 1), last
    if kind == Period.YEAR:
        year = int(at) if re.fullmatch(r"\d{4}", at) else today.year
        if (at and not re.fullmatch(r"\d{4}", at)) or not 2000 <= year <= 2100:
            raise PointsError(_("年份格式应为 %(hint)s。") % {"hint": PERIOD_HINTS[Period.YEAR]})
        return str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise PointsError(_("排名周期只能是月度、季度或年度。"))


def areas_for(user) -> list[Region]:
    """The regions whose ranking the user may see: the subtree they oversee, their department's
    region, their community."""
    found = overseen_regions(user) + [d.region for d in departments_of(user)] + communities_of(user)
    roots: list[Region] = []
    for r in sorted(found, key=lambda r: r.path):
        if not any(r.path.startswith(o.path) for o in roots):
            roots.append(r)
    return roots


@dataclass
class Row:
    department: Department
    points: int = 0
    taken: int = 0
    on_time: int = 0
    rating: float | None = None
    rank: int = 0


@dataclass
class Ranking:
    area: Region
    areas: list[Region]
    kind: str
    label: str
    start: dt.date
    end: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(Period(self.kind).label)


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz))


def ranking(user, params, today: dt.date | None = None) -> Ranking:
    """The departments covering an area, by the points they earned there in a period, with the
    orders taken, the orders completed on time and the average rating."""
    today = today or timezone.localdate()
    areas = areas_for(user)
    if not areas:
        raise PointsError(_("您没有查看社区下单积分排名的权限。"), 403)
    raw = str(params.get("area") or "").strip()
    area = areas[0] if not raw else next((a for a in areas if str(a.pk) == raw), None)
    if area is None:
        raise PointsError(_("所选区域不在您的管辖范围内。"), 403)
    setting = setting_for(area)
    kind = str(params.get("period") or (setting.period if setting else Period.MONTH))
    label, start, end = period_bounds(kind, str(params.get("at") or ""), today)
    since, until = _day_range(start, end)
    departments = Department.objects.filter(active=True).filter(
        Q(region__path__startswith=area.path) | Q(region__path__in=_ancestor_paths(area.path))
    ).select_related("region")
    rows = {d.pk: Row(d) for d in departments}
    orders = Order.objects.filter(community__path__startswith=area.path, department_id__in=rows)
    entries = PointsEntry.objects.filter(department_id__in=rows, created_at__gte=since, created_at__lt=until).filter(
        Q(order__community__path__startswith=area.path) | Q(order__isnull=True))
    for r in entries.values("department_id").annotate(total=Sum("amount")):
        rows[r["department_id"]].points = r["total"] or 0
    for r in orders.filter(taken_at__gte=since, taken_at__lt=until).values("department_id").annotate(n=Count("id")):
        rows[r["department_id"]].taken = r["n"]
    confirmed = orders.filter(status=OrderStatus.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until)
    for r in confirmed.values("department_id").annotate(avg=Avg("rating")):
        rows[r["department_id"]].rating = round(r["avg"], 2) if r["avg"] is not None else None
    for o in confirmed.values("department_id", "completed_at", "deadline"):
        if timezone.localdate(o["completed_at"]) <= o["deadline"]:
            rows[o["department_id"]].on_time += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.points, -r.on_time, -(r.rating or 0), r.department.name))
    for i, row in enumerate(ordered):
        row.rank = ordered[i - 1].rank if i and ordered[i - 1].points == row.points else i + 1
    return Ranking(area=area, areas=areas, kind=kind, label=label, start=start, end=end, rows=ordered)


def workbook(r: Ranking):
    """The ranking as an Excel workbook (a temporary file), the same rows as the page."""
    import tempfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("积分排名")
    ws.append([_("%(area)s社区下单积分排名　%(kind)s %(label)s（%(start)s — %(end)s）") % {
        "area": r.area.name, "kind": r.kind_label, "label": r.label,
        "start": r.start.isoformat(), "end": r.end.isoformat()}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("排名"), _("部门"), _("积分"), _("接单数"), _("按期完成数"), _("平均评分")])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in r.rows:
        ws.append([row.rank, row.department.name, row.points, row.taken, row.on_time,
                   row.rating if row.rating is not None else "—"])
        ws.cell(ws.max_row, 6).number_format = "0.00"
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 28
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out


def file_name(r: Ranking) -> str:
    return f"points-{r.area.pk}-{r.label}.xlsx"


# ---------------------------------------------------------------- for the pages


def steps_of(order: Order) -> QuerySet[OrderStep]:
    return order.steps.select_related("actor")


def entries_of(order: Order) -> QuerySet[PointsEntry]:
    return order.entries.order_by("created_at", "id")


def waiting_counts(user) -> dict[str, int]:
    """For the header: open orders in the hall, my department's orders to finish, my community's
    orders to confirm."""
    out = {}
    if departments_of(user):
        out["hall"] = hall(user).count()
        out["todo"] = Order.objects.filter(department__in=departments_of(user), status=OrderStatus.TAKEN).count()
    communities = communities_of(user)
    if communities:
        out["confirm"] = Order.objects.filter(community__in=communities, status=OrderStatus.COMPLETED).count()
    return out


def in_use(user) -> bool:
    """Whether ordering is enabled anywhere at, above or under the user's posts (the header
    shows the app only then)."""
    if user.is_superuser:
        return PointsSetting.objects.filter(enabled=True).exists()
    paths = [r.path for r in areas_for(user)]
    if not paths:
        return False
    q = Q(region__path__in=[a for p in paths for a in _ancestor_paths(p)])
    for p in paths:
        q |= Q(region__path__startswith=p)
    return PointsSetting.objects.filter(q, enabled=True).exists()


STATUS_FILTERS = {
    "": gettext_lazy("全部"),
    OrderStatus.OPEN: OrderStatus.OPEN.label,
    OrderStatus.TAKEN: OrderStatus.TAKEN.label,
    OrderStatus.COMPLETED: OrderStatus.COMPLETED.label,
    OrderStatus.CONFIRMED: OrderStatus.CONFIRMED.label,
    OrderStatus.CANCELLED: OrderStatus.CANCELLED.label,
}

