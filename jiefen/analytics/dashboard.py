"""What the dashboard shows for a user and a request: scope, period, comparisons, drill-down.
Kept out of the view so reports can reuse it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import CENTER_ROLES, Role, User
from jiefen.regions.models import Department, Region

from . import lawsuits, services
from .indicators import INDICATORS, LAWSUITS, PRE_LITIGATION, fmt
from .services import Filter

PERIODS = {"this_month": gettext_lazy("本月"), "last_month": gettext_lazy("上月"), "this_year": gettext_lazy("本年"),
           "custom": gettext_lazy("自定义")}
DASHBOARD_ROLES = CENTER_ROLES - {Role.GRID_WORKER}
# The counters the children's figures (the first six indicators) read.
CHILD_FIELDS = ["received", "accepted", "declined", "resolved", "unresolved"]


def may_see_dashboard(user, roles=DASHBOARD_ROLES) -> bool:
    """A post of one of `roles` at a region, or a department handler (who sees their department)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        (m.role in roles and m.region_id) or (m.role == Role.HANDLER and m.department_id)
        for m in user.memberships_cached())


def scope_of(user, roles=DASHBOARD_ROLES) -> tuple[list[Region], list[int]]:
    """(regions whose subtrees the user may see through posts of `roles`, none nested in
    another, in path order; the departments the user is limited to as a handler). The
    dashboard, the map, the reports and the assessment (with its own roles) all read it."""
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True)), []
    regions, departments = [], []
    for m in user.memberships_cached():
        if m.role == Role.HANDLER and m.department_id:
            departments.append(m.department_id)
        elif m.region_id and m.role in roles:
            regions.append(m.region)
    roots: list[Region] = []
    for r in sorted(regions, key=lambda r: r.path):
        if not any(r.path.startswith(o.path) for o in roots):
            roots.append(r)
    return roots, sorted(set(departments))


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def period_dates(period: str, start: str, end: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == "this_month":
        return _month_start(today), today
    if period == "last_month":
        last = _month_start(today) - dt.timedelta(days=1)
        return _month_start(last), last
    if period == "this_year":
        return today.replace(month=1, day=1), today
    if period == "custom":
        try:
            a, b = dt.date.fromisoformat(start or ""), dt.date.fromisoformat(end or "")
        except ValueError:
            raise ValidationError(_("请填写正确的开始和结束日期（如 2026-03-01）。")) from None
        if a > b:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if (b - a).days > 3660:
            raise ValidationError(_("统计期间不能超过十年。"))
        return a, b
    raise ValidationError(_("未知的统计期间。"))


def _int(value, label) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(label)s参数不正确。") % {"label": label}) from None


def change(now, before) -> dict | None:
    if now is None or before is None:
        return None
    if before == 0:
        return None if now == 0 else {"arrow": "↑", "text": _("新增")}
    pct = (now - before) / abs(before) * 100
    arrow = "↑" if pct > 0 else ("↓" if pct < 0 else "→")
    return {"arrow": arrow, "text": f"{pct:+.1f}%"}


@dataclass
class Dashboard:
    region: Region | None
    department: Department | None
    mediator: User | None
    period: str
    start: dt.date
    end: dt.date
    rows: list = field(default_factory=list)
    children: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_channel: list = field(default_factory=list)
    by_risk: list = field(default_factory=list)
    by_day: list = field(default_factory=list)
    sheets: list = field(default_factory=list)
    pre_litigation: str = "—"
    lawsuits: str = "—"
    lawsuit_months: int | None = None  # months with imported court counts; None: not by region
    roots: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    mediators: list = field(default_factory=list)


def _shift_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def build(user, params) -> Dashboard:
    """Raise ValidationError (a Chinese message) for parameters out of range or scope."""
    roots, own_departments = scope_of(user)
    if not roots and not own_departments:
        raise ValidationError(_("您没有可查看统计的岗位。"))
    period = params.get("period") or "this_month"
    start, end = period_dates(period, params.get("start"), params.get("end"), timezone.localdate())
    region_id = _int(params.get("region"), _("地区"))
    department_id = _int(params.get("department"), _("部门"))
    mediator_id = _int(params.get("mediator"), _("调解员"))
    region = None
    if region_id is not None:
        region = Region.objects.filter(pk=region_id).first()
        if region is None or not any(region.path.startswith(r.path) for r in roots):
            raise ValidationError(_("该地区不存在或不在您的辖区内。"))
    elif roots:
        region = roots[0]
    if own_departments:
        if department_id is not None and department_id not in own_departments:
            raise ValidationError(_("您只能查看本部门的统计。"))
        department_id = department_id or own_departments[0]
        if not roots:
            region = None
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationError(_("该部门不存在。"))
    mediator = None
    if mediator_id is not None:
        mediator = User.objects.filter(pk=mediator_id).first()
        if mediator is None:
            raise ValidationError(_("该调解员不存在。"))
    f = Filter(region.path if region else "", department_id, mediator_id)
    d = Dashboard(region, department, mediator, period, start, end, roots=roots,
                  departments=list(Department.objects.filter(active=True).order_by("name")[:200]),
                  mediators=_mediators(roots))
    fill(d, f)
    return d


def fill(d: Dashboard, f: Filter) -> None:
    """The figures of d's period for the filter: what the page reads from the rollups (and the
    open sheets). benchmarks/analytics.py times this."""
    start, end, region = d.start, d.end, d.region
    span = end - start
    prev = (start - span - dt.timedelta(days=1), start - dt.timedelta(days=1))
    yoy = (_shift_year(start), _shift_year(end))
    now, before, last_year = services.sums(f, start, end), services.sums(f, *prev), services.sums(f, *yoy)
    for ind in INDICATORS:
        v, p, y = ind.compute(now), ind.compute(before), ind.compute(last_year)
        d.rows.append({"ind": ind, "value": fmt(ind, v), "prev": fmt(ind, p), "yoy": fmt(ind, y),
                       "vs_prev": change(v, p), "vs_yoy": change(v, y)})
    court = services.sums(Filter(f.region_path, f.department_id, f.mediator_id, channel="court"), start, end,
                          ["resolved", "unresolved"])
    d.pre_litigation = fmt(PRE_LITIGATION, PRE_LITIGATION.compute(court))
    if f.department_id is None and f.mediator_id is None:  # court counts are kept by region only
        value, d.lawsuit_months = lawsuits.per_10k(region, start, end)
        d.lawsuits = fmt(LAWSUITS, value)
    if region is not None:
        children = list(Region.objects.filter(parent=region).order_by("path"))
        shown = INDICATORS[:6]
        by_child = services.sums_by_region(f, start, end, children, CHILD_FIELDS)
        for child in children:
            s = by_child[child.path]
            d.children.append({"region": child, "figures": [fmt(i, i.compute(s)) for i in shown]})
    received = ["received"]
    by = services.breakdowns(f, start, end, ["category_id", "channel", "risk_grade"], received)
    from jiefen.cases.models import Channel
    from jiefen.taxonomy.models import RiskGrade
    d.by_category = named_counts(by["category_id"], category_names())
    d.by_channel = named_counts(by["channel"], dict(Channel.choices))
    d.by_risk = named_counts(by["risk_grade"], dict(RiskGrade.choices))
    d.by_day = [(day, row["received"]) for day, row in services.sums_by(f, start, end, "day", received).items()]
    d.sheets = _open_sheets(f)


def _mediators(roots: list[Region]) -> list:
    """The mediators whose posts lie within the user's regions, for the mediator filter."""
    if not roots:
        return []
    within = Q()
    for r in roots:
        within |= Q(memberships__region__path__startswith=r.path)
    return list(User.objects.filter(within, memberships__role=Role.MEDIATOR, is_active=True)
                .distinct().order_by("full_name", "username")[:300])


def category_names() -> dict:
    """Category id → name, with 0 (not yet classified) named 未分类."""
    from jiefen.taxonomy.models import Category
    names = dict(Category.objects.values_list("pk", "name"))
    names[0] = _("未分类")
    return names


def named_counts(rows: dict, names: dict) -> list[tuple[str, int]]:
    """(name, received) pairs of a breakdown, largest first, leaving out those with none."""
    out = [(str(names.get(k, k)), int(r["received"])) for k, r in rows.items() if r["received"]]
    return sorted(out, key=lambda x: -x[1])


def _open_sheets(f: Filter) -> list[tuple[str, int]]:
    """Open sheets by colour, now (a stock, not a flow): read live from the sheets' open index."""
    from jiefen.sla.sheet_models import Sheet, SheetColour
    qs = Sheet.objects.filter(cleared_at__isnull=True)
    if f.region_path:
        qs = qs.filter(case__region_path__startswith=f.region_path)
    if f.department_id:
        qs = qs.filter(case__department_id=f.department_id)
    counts = dict(qs.values_list("colour").annotate(n=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in SheetColour.choices]
