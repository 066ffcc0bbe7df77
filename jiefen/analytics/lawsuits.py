"""万人成诉率 (lawsuits per 10,000 residents): the courts' monthly counts of lawsuits filed per
region, imported from their statistics (`jiefen analytics lawsuits FILE`), over the region's
resident population (Region.population).

The file has one row per region and month: the region's 12-digit division code (行政区划代码)
or its id, the month (2026-10, 2026年10月 or a date in it) and the count. A file with any bad
row writes nothing and lists every bad row; a region and month already imported is replaced."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jiefen.imports.importer import FileError, read_table
from jiefen.regions.models import Region

from .models import LawsuitCount

COLUMNS = {
    "region": ("行政区划代码", "区划代码", "地区代码", "地区", "region", "division_code"),
    "month": ("月份", "month"),
    "count": ("成诉数", "诉讼案件数", "起诉数", "count", "lawsuits"),
}
MONTH = re.compile(r"^(\d{4})\s*(?:-|/|年|\.)\s*(\d{1,2})")


@dataclass
class Imported:
    rows: int = 0
    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _month(value) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    m = MONTH.match(str(value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _count(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def import_file(file, file_name: str, *, source: str = "", dry_run: bool = False) -> Imported:
    """Read and check every row; write them all in one transaction, or nothing."""
    header, rows = read_table(file, file_name)
    index = {}
    for key, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            raise FileError(_("缺少“%(name)s”列（表头应含：%(names)s）。") % {"name": names[0], "names": "、".join(names[:3])})
        index[key] = found[0]
    result, good = Imported(), {}
    for number, values in rows:
        if not any(v not in (None, "") for v in values):
            continue
        result.rows += 1
        code, month_text, count_text = (values[index[k]] if index[k] < len(values) else None
                                        for k in ("region", "month", "count"))
        region = Region.objects.by_code(code).first()
        month, count = _month(month_text), _count(count_text)
        if region is None:
            result.errors.append((number, _("地区“%(code)s”不存在（请填12位行政区划代码）。") % {"code": code or ""}))
        elif month is None:
            result.errors.append((number, _("月份“%(value)s”无法识别（如 2026-10）。") % {"value": month_text or ""}))
        elif count is None:
            result.errors.append((number, _("成诉数“%(value)s”应为非负整数。") % {"value": count_text or ""}))
        elif (region.pk, month) in good:
            result.errors.append((number, _("与第 %(row)d 行重复（同一地区同一月份）。") % {"row": good[(region.pk, month)][0]}))
        else:
            good[(region.pk, month)] = (number, count)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for (region_id, month), (_number, count) in good.items():
            LawsuitCount.objects.update_or_create(region_id=region_id, month=month,
                                                  defaults={"count": count, "source": source[:100]})
    result.written = len(good)
    return result


def _population(region: Region) -> int:
    if region.population:
        return region.population
    return sum(Region.objects.filter(parent=region).values_list("population", flat=True))


def per_10k(region: Region | None, start: dt.date, end: dt.date) -> tuple[float | None, int]:
    """(lawsuits per 10,000 residents in the region's subtree over the months that overlap
    start..end, the number of those months with imported counts); None without counts or
    without a population."""
    if region is None:
        return None, 0
    qs = LawsuitCount.objects.filter(region__path__startswith=region.path,
                                     month__gte=start.replace(day=1), month__lte=end)
    got = qs.aggregate(n=Sum("count"))["n"]
    months = qs.values("month").distinct().count()
    population = _population(region)
    if got is None or not population:
        return None, months
    return got / population * 10_000, months
