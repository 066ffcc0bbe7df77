"""Scorecards: every subject of a scheme in the user's scope, each indicator's value and
points, the weighted total, the rank and the light (亮牌). Figures come from the analytics
rollups (analytics.services.sums_by) and the indicator definitions of analytics.indicators,
so a scorecard and the dashboard always agree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.accounts.models import Role, User
from jiefen.analytics import dashboard
from jiefen.analytics import services as analytics
from jiefen.analytics.dashboard import period_dates
from jiefen.analytics.indicators import fmt
from jiefen.analytics.services import Filter
from jiefen.regions.models import PATH_STEP, Department, Region

from .indicators import BY_KEY
from .models import Scheme, SubjectKind, Weight

PERIODS = {
    "this_month": gettext_lazy("本月"), "last_month": gettext_lazy("上月"),
    "this_quarter": gettext_lazy("本季度"), "last_quarter": gettext_lazy("上季度"),
    "this_year": gettext_lazy("本年"), "custom": gettext_lazy("自定义"),
}
REGION_ROLES = {Role.LEADER, Role.SUPERVISOR, Role.ADMIN}
LIGHTS = {"green": gettext_lazy("绿牌"), "yellow": gettext_lazy("黄牌"), "red": gettext_lazy("红牌")}


def may_assess(user) -> bool:
    return dashboard.may_see_dashboard(user, REGION_ROLES)


def scope_of(user) -> tuple[list[Region], list[int]]:
    """(regions whose subtrees the user assesses, none nested in another; the departments the
    user belongs to as a handler, who see only their own department)."""
    return dashboard.scope_of(user, REGION_ROLES)


def period_of(params, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """(period key, first day, last day); ValidationError (Chinese) for a bad period."""
    key = params.get("period") or "this_month"
    if key not in PERIODS:
        raise ValidationError(_("未知的考评期间。"))
    if key in ("this_quarter", "last_quarter"):
        first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if key == "this_quarter":
            return key, first, today
        end = first - dt.timedelta(days=1)
        return key, dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    start, end = period_dates(key, params.get("start"), params.get("end"), today)
    return key, start, end


@dataclass
class Subject:
    key: int
    name: str
    sums: dict
    drill: dict  # dashboard parameters that show this subject


@dataclass
class Cell:
    weight: Weight
    value: float | None
    text: str
    points: float | None


@dataclass
class Row:
    subject: Subject
    closed: int
    cells: list[Cell]
    total: float | None
    insufficient: bool
    light: str = ""
    rank: int | None = None
    url: str = ""

    @property
    def light_label(self) -> str:
        return str(LIGHTS[self.light]) if self.light else _("样本不足")


@dataclass
class Scorecard:
    scheme: Scheme
    schemes: list[Scheme]
    period: str
    start: dt.date
    end: dt.date
    weights: list[Weight]
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def _add(into: dict, row: dict) -> None:
    for k, v in row.items():
        into[k] += v


def _zero() -> dict:
    return defaultdict(int)


def subjects(scheme: Scheme, roots: list[Region], departments: list[int],
             start: dt.date, end: dt.date) -> list[Subject]:
    """The subjects of the scheme's kind inside the scope, with their summed counters."""
    out: dict[int, Subject] = {}
    if scheme.kind == SubjectKind.DEPARTMENT:
        for root in roots:
            by_dep = analytics.sums_by(Filter(root.path), start, end, "department_id")
            for dep in Department.objects.filter(region__path__startswith=root.path, active=True):
                s = _zero()
                _add(s, by_dep.get(dep.pk, {}))
                out[dep.pk] = Subject(dep.pk, dep.name, s, {"region": root.pk, "department": dep.pk})
        for dep in Department.objects.filter(pk__in=departments).exclude(pk__in=out.keys()):
            s = _zero()
            _add(s, analytics.sums(Filter("", department_id=dep.pk), start, end))
            out[dep.pk] = Subject(dep.pk, dep.name, s, {"department": dep.pk})
    elif scheme.kind == SubjectKind.CENTER:
        for root in roots:
            centers = {r.path: r for r in Region.objects.subtree(root).with_center().filter(
                level=scheme.region_level)}
            if not centers:
                continue
            for c in centers.values():
                out[c.pk] = Subject(c.pk, c.display_center, _zero(), {"region": c.pk})
            for path, row in analytics.sums_by(Filter(root.path), start, end, "region_path").items():
                for i in range(PATH_STEP, len(path) + 1, PATH_STEP):
                    if path[:i] in centers:
                        _add(out[centers[path[:i]].pk].sums, row)
                        break
    else:
        scopes = [(Filter(r.path), {"region": r.pk}) for r in roots]
        scopes += [(Filter("", department_id=d), {"department": d}) for d in departments]
        for f, drill in scopes:
            for mediator_id, row in analytics.sums_by(f, start, end, "mediator_id").items():
                if not mediator_id:
                    continue
                if mediator_id not in out:
                    out[mediator_id] = Subject(mediator_id, "", _zero(), drill | {"mediator": mediator_id})
                _add(out[mediator_id].sums, row)
        for user in User.objects.filter(pk__in=out.keys()):
            out[user.pk].name = str(user)
        _add_ratings(out, roots, start, end)
    return sorted(out.values(), key=lambda s: s.name)


def _add_ratings(out: dict, roots: list[Region], start: dt.date, end: dt.date) -> None:
    """The residents' ratings of each mediator's orders (点单) on cases within the scope, rated
    in the period, as the counters rating_sum and rating_count."""
    from django.db.models import Count, Q, Sum

    from jiefen.mediators.models import MediatorOrder

    within = Q()
    for root in roots:
        within |= Q(case__region_path__startswith=root.path)
    rated = (MediatorOrder.objects.filter(within, rating__isnull=False, mediator__user_id__in=out.keys(),
                                          rated_at__date__gte=start, rated_at__date__lte=end)
             .values("mediator__user_id").annotate(n=Count("id"), total=Sum("rating")))
    for row in rated:
        sums = out[row["mediator__user_id"]].sums
        sums["rating_sum"] += row["total"]
        sums["rating_count"] += row["n"]


def score(scheme: Scheme, weights: list[Weight], found: list[Subject]) -> list[Row]:
    """Points, weighted totals, ranks and lights. An indicator without a value (no case to
    compute it from) is left out of that subject's total, whose weights are rescaled; a
    subject with fewer closed cases than the scheme's minimum is shown but not ranked."""
    rows = []
    for subject in found:
        cells = []
        for w in weights:
            value = w.ind.compute(subject.sums)
            cells.append(Cell(w, value, fmt(w.ind, value), w.points(value)))
        scored = [(float(c.weight.weight), c.points) for c in cells if c.points is not None]
        total = round(sum(w * p for w, p in scored) / sum(w for w, _p in scored), 2) if scored else None
        closed = int(subject.sums.get("closed", 0))
        insufficient = closed < scheme.min_cases or total is None
        rows.append(Row(subject, closed, cells, total, insufficient,
                        light="" if insufficient else scheme.light(total)))
    ranked = sorted((r for r in rows if not r.insufficient), key=lambda r: (-r.total, r.subject.name))
    for i, row in enumerate(ranked):
        row.rank = ranked[i - 1].rank if i and ranked[i - 1].total == row.total else i + 1
    return ranked + [r for r in rows if r.insufficient]


def build(user, params) -> Scorecard:
    """PermissionDenied or ValidationError (Chinese messages) for what the user may not see
    or asked wrongly."""
    roots, departments = scope_of(user)
    if not roots and not departments:
        raise PermissionDenied(_("您没有查看考评的权限。"))
    schemes = list(Scheme.objects.filter(active=True))
    if not schemes:
        raise ValidationError(_("还没有启用的考评方案，请管理员在管理后台添加（或运行 jiefen load-defaults）。"))
    raw = params.get("scheme")
    if raw in (None, ""):
        own = [s for s in schemes if s.kind == SubjectKind.DEPARTMENT]
        scheme = schemes[0] if roots or not own else own[0]
    else:
        scheme = next((s for s in schemes if str(s.pk) == str(raw)), None)
        if scheme is None:
            raise ValidationError(_("该考评方案不存在或未启用。"))
    if scheme.kind == SubjectKind.CENTER and not roots:
        raise PermissionDenied(_("部门用户只能查看本部门的考评。"))
    key, start, end = period_of(params, timezone.localdate())
    weights = [w for w in scheme.weights.all() if w.indicator in BY_KEY]
    card = Scorecard(scheme, schemes, key, start, end, weights)
    card.rows = score(scheme, weights, subjects(scheme, roots, departments, start, end))
    base = reverse("analytics:dashboard")
    for row in card.rows:
        row.url = f"{base}?" + urlencode(row.subject.drill | {
            "period": "custom", "start": start.isoformat(), "end": end.isoformat()})
    if not card.rows:
        card.note = _("您的辖区内没有该方案的考评对象。")
    return card


def workbook(card: Scorecard):
    """The scorecard as an Excel workbook (a temporary file): the same rows and cells as the
    page, lights as cell fills."""
    import tempfile

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    fills = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "": "E5E7EB"}
    wb = Workbook()
    ws = wb.active
    ws.title = _("考评")
    ws.append([f"{card.scheme.name}　{card.start:%Y-%m-%d} — {card.end:%Y-%m-%d}"])
    ws["A1"].font = Font(bold=True, size=13)
    head = [_("排名"), _("考评对象"), _("办结数")]
    for w in card.weights:
        head += [w.label, _("%(label)s得分") % {"label": w.label}]
    head += [_("总分"), _("亮牌")]
    ws.append(head)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in card.rows:
        values = [row.rank if row.rank is not None else "—", row.subject.name, row.closed]
        for c in row.cells:
            values += [c.text, round(c.points, 1) if c.points is not None else "—"]
        values += [row.total if row.total is not None else "—", row.light_label]
        ws.append(values)
        r = ws.max_row
        for col in range(5, 4 + 2 * len(row.cells), 2):
            ws.cell(r, col).number_format = "0.0"
        ws.cell(r, len(values) - 1).number_format = "0.00"
        fill = PatternFill("solid", start_color=fills[row.light], end_color=fills[row.light])
        ws.cell(r, len(values)).fill = fill
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 28
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out


def file_name(card: Scorecard) -> str:
    return f"{card.scheme.name}-{card.start:%Y%m%d}-{card.end:%Y%m%d}.xlsx"
