"""The safety map (平安地图): what it shows for a user and a request.

- The *areas* are the children of the chosen region (or the region itself when it has none),
  each with its outline (its own GeoJSON, or the union of its descendants' when it has none)
  and its figures summed from the rollups (services.sums_by on region_path prefixes), plus
  the open sheets by colour (a stock, read live like the dashboard's) and its population.
  Areas are coloured by one indicator in up to five equal-interval classes.
- The *case layers* read the cases themselves, within the user's jurisdiction
  (cases.scope.visible_cases): single points capped at POINT_CAP, or counts in a grid of cells
  aggregated by the database (no cap: one row per cell).

Scope and parameters follow the dashboard (dashboard.scope_of, period_dates); a bad or
out-of-scope parameter raises ValidationError with a Chinese message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, F, FloatField, Max, Min, Value
from django.db.models.functions import Cast, Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiefen.cases.models import Status
from jiefen.cases.scope import visible_cases
from jiefen.regions.models import Department, Region

from . import services
from .dashboard import PERIODS, period_dates, scope_of
from .indicators import INDICATORS, Indicator, fmt
from .services import Filter

POINT_CAP = 5000
HEAT_CELLS = 40  # cells across the longer side of the points' extent
CLASSES = 5
# Sequential palettes (ColorBrewer): Greens where more is better, Oranges-Reds where more is
# more work or more trouble.
GOOD = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
MORE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
NO_DATA = "#d1d5db"
BETTER_HIGH = {"success_rate", "on_time_respond", "on_time_sort", "on_time_sign", "on_time_handle",
               "satisfaction"}

PER_10K = Indicator(
    "per_10k", gettext_lazy("万人案件数"),
    gettext_lazy("期间内登记的案件数 ÷ 常住人口 × 10000（人口取地区资料中的常住人口）。"),
    lambda s: None if not s.get("population") else s["received"] * 10000 / s["population"], "per10k")
SHEETS_RED = Indicator(
    "sheets_red", gettext_lazy("在办红色督办单"),
    gettext_lazy("当前未解除的红色督办单数（当前存量，不随统计期间变化）。"), lambda s: s["sheets_red"])
SHEETS_YELLOW = Indicator(
    "sheets_yellow", gettext_lazy("在办黄色交办单"),
    gettext_lazy("当前未解除的黄色交办单数（当前存量，不随统计期间变化）。"), lambda s: s["sheets_yellow"])
MAP_INDICATORS: list[Indicator] = [*INDICATORS[:6], PER_10K, *INDICATORS[6:], SHEETS_RED, SHEETS_YELLOW]
MAP_BY_KEY = {i.key: i for i in MAP_INDICATORS}

LAYERS = {"points": gettext_lazy("案件点位"), "heat": gettext_lazy("热力格"), "none": gettext_lazy("不显示案件")}
OPEN = "open"


def show(ind: Indicator, value) -> str:
    if value is not None and ind.unit == "per10k":
        return f"{value:.2f}"
    return fmt(ind, value)


def _int(value, label) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(label)s参数不正确。") % {"label": label}) from None


@dataclass
class MapQuery:
    """A request to the map, checked: the region (within the user's scope), the period, the
    indicator that colours the areas and the filters of the case layer."""

    user: object
    region: Region
    roots: list[Region]
    department: Department | None
    period: str
    start: dt.date
    end: dt.date
    indicator: Indicator
    category_id: int | None = None
    status: str = ""
    layer: str = "points"

    def params(self, **override) -> dict:
        """The GET parameters that reproduce this query (for links and the JSON endpoints)."""
        p = {"region": self.region.pk, "period": self.period, "indicator": self.indicator.key,
             "layer": self.layer}
        if self.period == "custom":
            p |= {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.department:
            p["department"] = self.department.pk
        if self.category_id:
            p["category"] = self.category_id
        if self.status:
            p["status"] = self.status
        p |= override
        return {k: v for k, v in p.items() if v not in (None, "")}

    def query_string(self, **override) -> str:
        return urlencode(self.params(**override))

    def filter(self) -> Filter:
        return Filter(self.region.path, self.department.pk if self.department else None)

    def breadcrumbs(self) -> list[Region]:
        """From the top region the user may see down to the chosen one."""
        top = next(r for r in self.roots if self.region.path.startswith(r.path))
        return [r for r in self.region.lineage if r.path.startswith(top.path)]


def parse(user, params) -> MapQuery:
    roots, own_departments = scope_of(user)
    if own_departments and not roots:  # a department's staff: the department's cases, mapped
        roots = sorted({d.region for d in Department.objects.filter(pk__in=own_departments)
                        .select_related("region")}, key=lambda r: r.path)
    if not roots:
        raise ValidationError(_("您没有可查看平安地图的岗位。"))
    period = params.get("period") or "this_month"
    start, end = period_dates(period, params.get("start"), params.get("end"), timezone.localdate())
    region_id = _int(params.get("region"), _("地区"))
    if region_id is None:
        region = roots[0]
    else:
        region = Region.objects.filter(pk=region_id).first()
        if region is None or not any(region.path.startswith(r.path) for r in roots):
            raise ValidationError(_("该地区不存在或不在您的辖区内。"))
    department_id = _int(params.get("department"), _("部门"))
    if own_departments:
        if department_id is not None and department_id not in own_departments:
            raise ValidationError(_("您只能查看本部门的统计。"))
        department_id = department_id or own_departments[0]
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationError(_("该部门不存在。"))
    key = params.get("indicator") or "received"
    if key not in MAP_BY_KEY:
        raise ValidationError(_("未知的指标。"))
    category_id = _int(params.get("category"), _("类别"))
    if category_id is not None:
        from jiefen.taxonomy.models import Category
        if not Category.objects.filter(pk=category_id).exists():
            raise ValidationError(_("该类别不存在。"))
    status = params.get("status") or ""
    if status and status != OPEN and status not in Status.values:
        raise ValidationError(_("未知的案件状态。"))
    layer = params.get("layer") or "points"
    if layer not in LAYERS:
        raise ValidationError(_("未知的图层。"))
    return MapQuery(user, region, roots, department, period, start, end, MAP_BY_KEY[key],
                    category_id, status, layer)


# --- areas: outlines and figures ----------------------------------------------------------


def areas_of(region: Region) -> list[Region]:
    children = list(Region.objects.filter(parent=region).order_by("path"))
    return children or [region]


def outline_of(region: Region) -> dict | None:
    """The region's outline, or the union of its descendants' outlines when it has none."""
    if region.outline:
        return region.outline
    from shapely import set_precision
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    parts = [shape(r.outline) for r in Region.objects.filter(path__startswith=region.path)
             .exclude(pk=region.pk).exclude(outline__isnull=True).only("outline")]
    parts = [p for p in parts if p.is_valid and not p.is_empty]
    if not parts:
        return None
    return mapping(set_precision(unary_union(parts), 1e-6))


def _open_sheets(q: MapQuery) -> dict[str, dict[str, int]]:
    """Open red and yellow sheets now, by the case's region path."""
    from jiefen.sla.sheet_models import Sheet, SheetColour

    qs = Sheet.objects.filter(cleared_at__isnull=True, colour__in=[SheetColour.RED, SheetColour.YELLOW],
                              case__region_path__startswith=q.region.path)
    if q.department:
        qs = qs.filter(case__department_id=q.department.pk)
    out: dict[str, dict[str, int]] = {}
    for path, colour, n in qs.values_list("case__region_path", "colour").annotate(n=Count("id")):
        out.setdefault(path, {})[colour] = n
    return out


def area_sums(q: MapQuery, areas: list[Region]) -> dict[int, dict]:
    """For each area: the summed rollup counters of the period, its population and its open
    red/yellow sheets (the keys MAP_INDICATORS compute from)."""
    by_path = services.sums_by(q.filter(), q.start, q.end, "region_path")
    sheets = _open_sheets(q)
    out = {}
    for area in areas:
        s = {k: 0 for k in services.SUM_FIELDS}
        for path, row in by_path.items():
            if path.startswith(area.path):
                for k, v in row.items():
                    s[k] += v
        s["population"] = area.population
        s["sheets_red"] = sum(c.get("red", 0) for p, c in sheets.items() if p.startswith(area.path))
        s["sheets_yellow"] = sum(c.get("yellow", 0) for p, c in sheets.items() if p.startswith(area.path))
        out[area.pk] = s
    return out


@dataclass
class Legend:
    indicator: Indicator
    classes: list[dict]  # {"low", "high", "label", "colour"}

    def colour(self, value) -> str:
        if value is None:
            return NO_DATA
        for c in self.classes:
            if value <= c["high"]:
                return c["colour"]
        return self.classes[-1]["colour"] if self.classes else NO_DATA


def legend_for(ind: Indicator, values: list) -> Legend:
    """Up to five classes of equal width between the smallest and largest value; with five
    distinct values or fewer, one class per value. Counts get whole-number bounds."""
    palette = GOOD if ind.key in BETTER_HIGH else MORE
    present = sorted({v for v in values if v is not None})
    if not present:
        return Legend(ind, [])
    if len(present) <= CLASSES:
        bounds = [(v, v) for v in present]
    else:
        lo, hi = present[0], present[-1]
        step = (hi - lo) / CLASSES
        if ind.unit == "count":
            edges = [round(lo + i * step) for i in range(CLASSES)] + [hi + 1]
            bounds = [(edges[i], edges[i + 1] - 1) for i in range(CLASSES)]
        else:
            bounds = [(lo + i * step, lo + (i + 1) * step) for i in range(CLASSES)]
            bounds[-1] = (bounds[-1][0], hi)
    n = len(bounds)
    shades = [palette[2]] if n == 1 else [palette[round(i * (len(palette) - 1) / (n - 1))] for i in range(n)]
    classes = []
    for (low, high), colour in zip(bounds, shades, strict=True):
        label = show(ind, low) if low == high else f"{show(ind, low)} – {show(ind, high)}"
        classes.append({"low": low, "high": high, "label": label, "colour": colour})
    return Legend(ind, classes)


def _urls(q: MapQuery, area: Region, has_children: bool) -> dict:
    cases = {"tab": "all", "region": area.pk, "created_after": q.start.isoformat(),
             "created_before": q.end.isoformat()}
    dash = {"region": area.pk, "period": q.period, "start": q.start.isoformat(), "end": q.end.isoformat()}
    if q.department:
        dash["department"] = q.department.pk
    urls = {"cases": f"{reverse('worklist')}?{urlencode(cases)}",
            "dashboard": f"{reverse('analytics:dashboard')}?{urlencode(dash)}"}
    if has_children:
        urls["drill"] = f"{reverse('analytics:map')}?{q.query_string(region=area.pk)}"
    return urls


def regions_layer(q: MapQuery) -> dict:
    """The areas as a GeoJSON FeatureCollection with their figures and colours, the legend,
    the chosen region's own outline (`frame`) and the totals of the chosen region."""
    areas = areas_of(q.region)
    sums = area_sums(q, areas)
    values = {a.pk: q.indicator.compute(sums[a.pk]) for a in areas}
    legend = legend_for(q.indicator, list(values.values()))
    with_children = set(Region.objects.filter(parent__in=areas).values_list("parent_id", flat=True))
    features, missing = [], []
    for area in areas:
        geometry = outline_of(area)
        if geometry is None:
            missing.append(area.name)
            continue
        s, value = sums[area.pk], values[area.pk]
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "id": area.pk, "name": area.name, "level": area.level,
            "value": value, "text": show(q.indicator, value), "colour": legend.colour(value),
            "figures": [{"key": i.key, "label": str(i.label), "definition": str(i.definition),
                         "text": show(i, i.compute(s))} for i in MAP_INDICATORS],
            "urls": _urls(q, area, area.pk in with_children),
        }})
    total = {k: sum(s[k] for s in sums.values()) for k in next(iter(sums.values()))}
    total["population"] = q.region.population or total["population"]
    frame = outline_of(q.region) if areas != [q.region] else None
    return {
        "type": "FeatureCollection", "features": features,
        "indicator": {"key": q.indicator.key, "label": str(q.indicator.label),
                      "definition": str(q.indicator.definition)},
        "legend": [{"label": c["label"], "colour": c["colour"]} for c in legend.classes]
        + ([{"label": _("无数据"), "colour": NO_DATA}] if any(v is None for v in values.values()) else []),
        "region": {"id": q.region.pk, "name": q.region.name, "text": show(q.indicator, q.indicator.compute(total)),
                   "frame": frame},
        "missing": missing,
        "period": {"start": q.start.isoformat(), "end": q.end.isoformat()},
    }


# --- case layers -------------------------------------------------------------------------


def _cases(q: MapQuery):
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(q.start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(q.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    qs = visible_cases(q.user).filter(
        region_path__startswith=q.region.path, created_at__gte=since, created_at__lt=until,
        latitude__isnull=False, longitude__isnull=False)
    if q.department:
        qs = qs.filter(department_id=q.department.pk)
    if q.category_id:
        qs = qs.filter(category_id=q.category_id)
    if q.status == OPEN:
        qs = qs.open()
    elif q.status:
        qs = qs.filter(status=q.status)
    return qs


def points_layer(q: MapQuery) -> dict:
    """The newest POINT_CAP cases with a map point: [lat, lon, tracking code, status, open]."""
    from jiefen.cases.models import TERMINAL_STATUSES

    rows = list(_cases(q).order_by("-created_at").values_list(
        "latitude", "longitude", "tracking_code", "status")[:POINT_CAP + 1])
    capped = len(rows) > POINT_CAP
    labels = dict(Status.choices)
    points = [[float(lat), float(lon), code, str(labels.get(status, status)), status not in TERMINAL_STATUSES]
              for lat, lon, code, status in rows[:POINT_CAP]]
    note = _("点位过多，仅显示最新登记的 %(n)s 个；请缩小地区或期间，或改用热力格。") % {"n": f"{POINT_CAP:,}"}
    return {"layer": "points", "points": points, "count": len(points), "capped": capped,
            "note": note if capped else ""}


def heat_layer(q: MapQuery) -> dict:
    """Counts of cases in square cells (in degrees) over the extent of the matching points,
    grouped by the database: [[south, west, north, east, count], ...]."""
    qs = _cases(q)
    ext = qs.aggregate(y0=Min("latitude"), y1=Max("latitude"), x0=Min("longitude"), x1=Max("longitude"))
    if ext["y0"] is None:
        return {"layer": "heat", "cells": [], "count": 0, "max": 0, "size": 0}
    y0, x0 = float(ext["y0"]), float(ext["x0"])
    span = max(float(ext["y1"]) - y0, float(ext["x1"]) - x0)
    size = span * 1.0001 / HEAT_CELLS if span > 0 else 0.005  # the extreme points in the last cell
    lat, lon = Cast(F("latitude"), FloatField()), Cast(F("longitude"), FloatField())
    rows = (qs.order_by().annotate(
        i=Floor((lat - Value(y0)) / Value(size), output_field=FloatField()),
        j=Floor((lon - Value(x0)) / Value(size), output_field=FloatField()))
        .values("i", "j").annotate(n=Count("id")))
    cells = []
    for r in rows:
        i, j = int(r["i"]), int(r["j"])
        south, west = y0 + i * size, x0 + j * size
        cells.append([round(south, 6), round(west, 6), round(south + size, 6), round(west + size, 6), r["n"]])
    return {"layer": "heat", "cells": cells, "count": sum(c[4] for c in cells),
            "max": max((c[4] for c in cells), default=0), "size": size}


def case_layer(q: MapQuery) -> dict:
    if q.layer == "heat":
        return heat_layer(q)
    if q.layer == "points":
        return points_layer(q)
    return {"layer": "none"}


def page_context(q: MapQuery) -> dict:
    from jiefen.taxonomy.models import Category

    statuses = [(OPEN, _("在办（未办结）")), *Status.choices]
    return {"q": q, "periods": PERIODS, "indicators": MAP_INDICATORS, "layers": LAYERS,
            "categories": Category.objects.order_by("code"), "statuses": statuses,
            "crumbs": [(r, q.query_string(region=r.pk)) for r in q.breadcrumbs()],
            "other_roots": [(r, q.query_string(region=r.pk)) for r in q.roots
                            if not q.region.path.startswith(r.path)]}
