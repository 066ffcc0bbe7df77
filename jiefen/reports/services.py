"""Stability reports: the periods, the figures (from the analytics indicators and a few
live lists), the sentences written from them, the PDF and Excel files, and generation.

A report's figures are computed once, when it is generated, and kept with it (`figures`),
so an archived report reads the same later even as cases move on."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from itertools import zip_longest

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case as Sql_Case
from django.db.models import Count, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.analytics import services as analytics
from jiefen.analytics.dashboard import (
    category_names,
    change,
    may_see_dashboard,
    named_counts,
    scope_of,
)
from jiefen.analytics.indicators import INDICATORS, fmt
from jiefen.analytics.services import Filter
from jiefen.cases.models import Case, Status
from jiefen.regions.models import Level, Region
from jiefen.taxonomy.models import RiskGrade

from .models import Kind, Report

log = logging.getLogger(__name__)

HIGH_RISK = [RiskGrade.SIGNIFICANT, RiskGrade.MAJOR]
NOTABLE_GROUP_SIZE = 10  # a resolved case involving this many people is worth a line
LIST_LIMIT = 20
TOP = 5


class ReportError(ValidationError):
    """Bad input for a report: a Chinese message the person can act on."""


# --- periods -------------------------------------------------------------------------------


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The daily, weekly (Monday to Sunday) or monthly period holding `day`."""
    if kind == Kind.DAILY:
        return day, day
    if kind == Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == Kind.MONTHLY:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    raise ReportError(_("未知的专报类型。"))


def previous_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, start - dt.timedelta(days=1))


def issue_of(kind: str, start: dt.date) -> tuple[int, int]:
    """(year, number): offices number each kind of report within the year, so the number
    follows from the period: the day of the year, the ISO week, or the month."""
    if kind == Kind.DAILY:
        return start.year, start.timetuple().tm_yday
    if kind == Kind.WEEKLY:
        iso = start.isocalendar()
        return iso.year, iso.week
    return start.year, start.month


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _during(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return _moment(start), _moment(end + dt.timedelta(days=1))


# --- who may see what ----------------------------------------------------------------------


def regions_for(user) -> list[Region]:
    """The regions (with a center) a user may read and generate reports for."""
    if not may_see_dashboard(user):
        return []
    roots, _departments = scope_of(user)
    out: list[Region] = []
    for root in roots:
        out += Region.objects.subtree(root).with_center()
    return sorted({r.pk: r for r in out}.values(), key=lambda r: r.path)


def may_see(user, report: Report) -> bool:
    if not may_see_dashboard(user):
        return False
    roots, _departments = scope_of(user)
    return any(report.region.path.startswith(r.path) for r in roots)


def reports_for(user):
    if not may_see_dashboard(user):
        return Report.objects.none()
    roots, _departments = scope_of(user)
    if not roots:
        return Report.objects.none()
    q = Q()
    for root in roots:
        q |= Q(region__path__startswith=root.path)
    return Report.objects.filter(q).select_related("region", "by")


# --- figures -------------------------------------------------------------------------------


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _children(region: Region, f: Filter, start: dt.date, end: dt.date) -> list[dict]:
    """The child regions by cases received in the period, most first."""
    by_path = analytics.sums_by(f, start, end, "region_path")
    rows = []
    for child in Region.objects.filter(parent=region).order_by("path"):
        received = sum(r["received"] for path, r in by_path.items() if path.startswith(child.path))
        if received:
            rows.append({"name": child.name, "received": int(received)})
    return sorted(rows, key=lambda r: -r["received"])


def _case_row(case: Case) -> dict:
    from jiefen.open311.public import redact

    return {
        "code": case.display_code,
        "summary": redact(case.summary, [p.name for p in case.parties.all()]),
        "grade": str(case.get_risk_grade_display()),
        "place": case.region.name,
        "status": str(case.get_status_display()),
        "category": case.category.name if case.category_id else _("未分类"),
        "group_size": case.group_size,
        "date": timezone.localtime(case.created_at).date().isoformat(),
    }


def _high_risk(cases, since, until) -> tuple[int, Counter, list[dict]]:
    qs = cases.filter(created_at__gte=since, created_at__lt=until, risk_grade__in=HIGH_RISK)
    grades = Counter(dict(qs.values_list("risk_grade").annotate(n=Count("id"))))
    graver_first = When(risk_grade=RiskGrade.MAJOR, then=Value(0))
    rows = [_case_row(c) for c in qs.select_related("region", "category").prefetch_related("parties")
            .order_by(Sql_Case(graver_first, default=Value(1)), "created_at")[:LIST_LIMIT]]
    return qs.count(), grades, rows


def _groups(region: Region, since, until) -> list[dict]:
    from jiefen.incidents.models import GroupWarning

    qs = (GroupWarning.objects.filter(region__path__startswith=region.path, opened_at__gte=since,
                                      opened_at__lt=until)
          .select_related("region").annotate(n=Count("links")).order_by("opened_at"))
    return [{"subject": w.subject_label, "place": w.region.name, "cases": w.n,
             "status": str(w.get_status_display()),
             "opened": timezone.localtime(w.opened_at).strftime("%Y-%m-%d %H:%M")} for w in qs]


def _sheets(region: Region, since, until) -> dict:
    from jiefen.sla.sheet_models import Sheet, SheetColour

    under = Sheet.objects.filter(case__region_path__startswith=region.path)
    raised = dict(under.filter(raised_at__gte=since, raised_at__lt=until)
                  .values_list("colour").annotate(n=Count("id")))
    still_open = dict(under.filter(cleared_at__isnull=True).values_list("colour").annotate(n=Count("id")))
    reds = (under.filter(cleared_at__isnull=True, colour=SheetColour.RED)
            .select_related("case").order_by("raised_at")[:LIST_LIMIT])
    return {
        "colours": [{"colour": value, "label": str(label), "raised": raised.get(value, 0),
                     "open": still_open.get(value, 0)} for value, label in SheetColour.choices],
        "red": [{"number": s.number, "code": s.case.display_code,
                 "reason": s.reason, "recipient": s.recipient_label,
                 "raised": timezone.localtime(s.raised_at).date().isoformat()} for s in reds],
    }


def _warnings(region: Region, since, until) -> dict:
    from jiefen.warnings.models import ThreatSignal

    qs = ThreatSignal.objects.filter(case__region_path__startswith=region.path, created_at__gte=since,
                                     created_at__lt=until)
    kinds = qs.values_list("kind").annotate(n=Count("id")).order_by("-n", "kind")
    labels = dict(ThreatSignal._meta.get_field("kind").choices)
    return {"total": qs.count(), "unhandled": qs.filter(handled_at__isnull=True).count(),
            "kinds": [{"label": str(labels.get(k, k)), "count": n} for k, n in kinds]}


def _notable_resolved(cases, since, until) -> list[dict]:
    qs = (cases.filter(status=Status.CLOSED, closed_at__gte=since, closed_at__lt=until)
          .filter(Q(risk_grade__in=HIGH_RISK) | Q(group_size__gte=NOTABLE_GROUP_SIZE))
          .filter(events__to_status=Status.RESOLVED).distinct()
          .select_related("region", "category").prefetch_related("parties").order_by("closed_at"))
    rows = []
    for case in qs[:LIST_LIMIT]:
        row = _case_row(case)
        row["result"] = " ".join(case.result_summary.split())[:80]
        row["closed"] = timezone.localtime(case.closed_at).date().isoformat()
        rows.append(row)
    return rows


def compute(region: Region, kind: str, start: dt.date) -> dict:
    """Every figure of the report for this region, kind and period starting at `start`."""
    start, end = period_of(kind, start)
    prev_start, prev_end = previous_period(kind, start)
    year, number = issue_of(kind, start)
    f = Filter(region.path)
    now, before = analytics.sums(f, start, end), analytics.sums(f, prev_start, prev_end)
    indicators = []
    for ind in INDICATORS:
        v, p = ind.compute(now), ind.compute(before)
        vs = change(v, p)
        indicators.append({"key": ind.key, "label": str(ind.label), "unit": ind.unit,
                           "value": v, "prev": p, "text": fmt(ind, v), "prev_text": fmt(ind, p),
                           "change": f"{vs['arrow']} {vs['text']}" if vs else "—"})
    since, until = _during(start, end)
    cases = Case.objects.filter(region_path__startswith=region.path)
    high_total, grades, high_rows = _high_risk(cases, since, until)
    kind_label = str(Kind(kind).label)
    categories = analytics.sums_by(f, start, end, "category_id")
    unclassified = categories.pop(0, {}).get("received", 0)
    figures = {
        "region": region.name, "region_id": region.pk, "kind": kind, "kind_label": kind_label,
        "start": start.isoformat(), "end": end.isoformat(),
        "prev_start": prev_start.isoformat(), "prev_end": prev_end.isoformat(),
        "year": year, "number": number,
        "title": _("%(region)s矛盾纠纷稳定专报") % {"region": region.name},
        "issue": _("%(year)s年第%(number)s期（%(kind)s）") % {"year": year, "number": number, "kind": kind_label},
        "office": region.display_center,
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "indicators": indicators,
        "high_risk": {"total": high_total, "major": grades.get(RiskGrade.MAJOR, 0),
                      "significant": grades.get(RiskGrade.SIGNIFICANT, 0), "cases": high_rows},
        "groups": _groups(region, since, until),
        "sheets": _sheets(region, since, until),
        "warnings": _warnings(region, since, until),
        "categories": [{"name": n, "received": c} for n, c in named_counts(categories, category_names())[:TOP]],
        "unclassified": int(unclassified),
        "places": _children(region, f, start, end)[:TOP],
        "resolved": _notable_resolved(cases, since, until),
    }
    figures["distribution"] = [
        [c["name"] if c else "", c["received"] if c else "", p["name"] if p else "", p["received"] if p else ""]
        for c, p in zip_longest(figures["categories"], figures["places"])]
    figures["sections"] = sentences(figures)
    return figures


def _period_text(figures: dict) -> str:
    start, end = dt.date.fromisoformat(figures["start"]), dt.date.fromisoformat(figures["end"])
    if start == end:
        return _("%(y)s年%(m)s月%(d)s日") % {"y": start.year, "m": start.month, "d": start.day}
    return _("%(y1)s年%(m1)s月%(d1)s日至%(y2)s年%(m2)s月%(d2)s日") % {
        "y1": start.year, "m1": start.month, "d1": start.day, "y2": end.year, "m2": end.month, "d2": end.day}


def _vs(row: dict) -> str:
    now, before = row["value"], row["prev"]
    if now is None or before is None:
        return ""
    if before == 0:
        return _("，上期为0") if now else _("，与上期持平")
    pct = (now - before) / abs(before) * 100
    if pct > 0:
        return _("，较上期上升%(p).1f%%") % {"p": pct}
    if pct < 0:
        return _("，较上期下降%(p).1f%%") % {"p": -pct}
    return _("，与上期持平")


def sentences(figures: dict) -> list[dict]:
    """The report's sections: a heading and short sentences written from the figures."""
    by = {row["key"]: row for row in figures["indicators"]}
    out = []

    overview = [_("%(period)s，%(region)s共登记矛盾纠纷%(received)s件%(vs)s。") % {
        "period": _period_text(figures), "region": figures["region"], "received": by["received"]["text"],
        "vs": _vs(by["received"])}]
    overview.append(_("受理%(accepted)s件，不予受理%(declined)s件；办结%(closed)s件，其中化解%(resolved)s件、"
                      "未化解%(unresolved)s件。") % {
        "accepted": by["accepted"]["text"], "declined": by["declined"]["text"],
        "closed": f"{int((by['resolved']['value'] or 0) + (by['unresolved']['value'] or 0)):,}",
        "resolved": by["resolved"]["text"], "unresolved": by["unresolved"]["text"]})
    if by["success_rate"]["value"] is not None:
        overview.append(_("调成率%(rate)s%(vs)s。") % {"rate": by["success_rate"]["text"],
                                                   "vs": _vs(by["success_rate"])})
    if by["on_time_handle"]["value"] is not None:
        overview.append(_("办理按时率%(rate)s。") % {"rate": by["on_time_handle"]["text"]})
    if by["avg_hours"]["value"] is not None:
        overview.append(_("平均办理时长%(hours)s小时。") % {"hours": by["avg_hours"]["text"]})
    if by["satisfaction"]["value"] is not None:
        overview.append(_("群众满意率%(rate)s。") % {"rate": by["satisfaction"]["text"]})
    out.append({"heading": _("一、总体情况"), "lines": overview})

    high, groups = figures["high_risk"], figures["groups"]
    lines = []
    if high["total"]:
        lines.append(_("新增较大以上风险矛盾纠纷%(total)s件，其中重大%(major)s件、较大%(significant)s件。") % high)
    else:
        lines.append(_("本期未新增较大以上风险矛盾纠纷。"))
    if groups:
        lines.append(_("发出群体性预警%(n)s起，涉及案件%(cases)s件。") % {
            "n": len(groups), "cases": sum(g["cases"] for g in groups)})
    else:
        lines.append(_("本期未发生群体性预警。"))
    out.append({"heading": _("二、重点风险"), "lines": lines})

    sheets, warnings = figures["sheets"], figures["warnings"]
    lines = []
    raised = "、".join(f"{c['label']}{c['raised']}份" for c in sheets["colours"] if c["raised"])
    lines.append(_("本期发出%(raised)s。") % {"raised": raised} if raised else _("本期未发出督办单。"))
    still = "、".join(f"{c['label']}{c['open']}份" for c in sheets["colours"] if c["open"])
    if still:
        lines.append(_("截至生成时，尚未解除%(open)s。") % {"open": still})
    if warnings["total"]:
        lines.append(_("发现极端言行预警%(total)s条，尚未处置%(unhandled)s条。") % warnings)
    else:
        lines.append(_("本期未发现极端言行预警。"))
    out.append({"heading": _("三、超期督办与预警"), "lines": lines})

    lines = []
    if figures["categories"]:
        lines.append(_("矛盾纠纷主要集中在%(list)s。") % {"list": "、".join(
            _("%(name)s（%(n)s件）") % {"name": c["name"], "n": c["received"]} for c in figures["categories"][:3])})
    if figures["unclassified"]:
        lines.append(_("另有%(n)s件尚未分类。") % {"n": figures["unclassified"]})
    if figures["places"]:
        lines.append(_("登记数较多的地区为%(list)s。") % {"list": "、".join(
            _("%(name)s（%(n)s件）") % {"name": p["name"], "n": p["received"]} for p in figures["places"][:3])})
    if not figures["categories"] and not figures["places"] and not figures["unclassified"]:
        lines.append(_("本期无新登记案件。"))
    out.append({"heading": _("四、类别与地区分布"), "lines": lines})

    resolved = figures["resolved"]
    if resolved:
        lines = [_("本期化解重点矛盾纠纷%(n)s件。") % {"n": len(resolved)}]
    else:
        lines = [_("本期无需单独列出的重点化解案件。")]
    out.append({"heading": _("五、重点化解案例"), "lines": lines})
    return out


# --- files ---------------------------------------------------------------------------------


def render_pdf(figures: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/print.html", {"f": figures})
    return HTML(string=html).write_pdf()


def render_xlsx(figures: dict) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("主要指标")
    ws.append([figures["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([figures["issue"]])
    ws.append([_("期间"), figures["start"], figures["end"]])
    ws.append([_("上期"), figures["prev_start"], figures["prev_end"]])
    ws.append([])
    ws.append([_("指标"), _("本期"), _("上期"), _("变化")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for row in figures["indicators"]:
        ws.append([row["label"], row["value"], row["prev"], row["change"]])
        fmt_code = {"rate": "0.00%", "hours": "0.0", "count": "#,##0"}[row["unit"]]
        ws.cell(ws.max_row, 2).number_format = fmt_code
        ws.cell(ws.max_row, 3).number_format = fmt_code
    ws.column_dimensions["A"].width = 20

    def sheet(title: str, header: list, rows: list) -> None:
        s = wb.create_sheet(title)
        s.append(header)
        for cell in s[1]:
            cell.font = bold
        for r in rows:
            s.append(r)

    high = figures["high_risk"]
    sheet(_("新增高风险案件"), [_("编号"), _("风险等级"), _("类别"), _("发生地"), _("登记日期"), _("状态"), _("概要")],
          [[c["code"], c["grade"], c["category"], c["place"], c["date"], c["status"], c["summary"]]
           for c in high["cases"]])
    sheet(_("群体性预警"), [_("对象"), _("范围"), _("案件数"), _("预警时间"), _("状态")],
          [[g["subject"], g["place"], g["cases"], g["opened"], g["status"]] for g in figures["groups"]])
    sheet(_("督办单"), [_("颜色"), _("本期发出"), _("尚未解除")],
          [[c["label"], c["raised"], c["open"]] for c in figures["sheets"]["colours"]])
    sheet(_("预警"), [_("类型"), _("条数")],
          [[k["label"], k["count"]] for k in figures["warnings"]["kinds"]]
          + [[_("合计"), figures["warnings"]["total"]], [_("尚未处置"), figures["warnings"]["unhandled"]]])
    sheet(_("类别与地区"), [_("类别"), _("登记数"), _("地区"), _("登记数")],
          figures["distribution"] + [[_("未分类"), figures["unclassified"]]])
    sheet(_("重点化解案例"), [_("编号"), _("风险等级"), _("涉及人数"), _("发生地"), _("办结日期"), _("概要"), _("办理结果")],
          [[c["code"], c["grade"], c["group_size"], c["place"], c["closed"], c["summary"], c["result"]]
           for c in figures["resolved"]])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- generation ----------------------------------------------------------------------------


def check_request(user, region_id, kind: str, day: str) -> tuple[Region, str, dt.date]:
    """The region, kind and period start a person asked for, or a ReportError saying what is wrong."""
    if kind not in Kind.values:
        raise ReportError(_("请选择专报类型（日报、周报或月报）。"))
    try:
        region = Region.objects.filter(pk=int(region_id)).first()
    except (TypeError, ValueError):
        region = None
    if region is None or region.pk not in {r.pk for r in regions_for(user)}:
        raise ReportError(_("请选择您辖区内的地区（须设有中心）。"))
    try:
        date = dt.date.fromisoformat(day or "")
    except ValueError:
        raise ReportError(_("请填写正确的日期（如 2026-11-29）。")) from None
    start, end = period_of(kind, date)
    if end >= timezone.localdate():
        raise ReportError(_("该期间尚未结束，只能生成已结束期间的专报（截止日期须早于今天）。"))
    if start.year < 2000:
        raise ReportError(_("日期太早。"))
    return region, kind, start


def existing(region: Region, kind: str, start: dt.date) -> Report | None:
    return Report.objects.filter(region=region, kind=kind, period_start=start).first()


def generate(region: Region, kind: str, day: dt.date, by=None) -> Report | None:
    """Write the report of the period holding `day`; None if it exists already (one report
    per region, kind and period, however many workers or people ask at once)."""
    if region.level >= Level.GRID:
        raise ReportError(_("网格没有中心，不单独生成专报。"))
    start, end = period_of(kind, day)
    if existing(region, kind, start):
        return None
    analytics.refresh()  # the figures include what happened up to now
    figures = compute(region, kind, start)
    pdf, xlsx = render_pdf(figures), render_xlsx(figures)
    name = f"report-{region.pk}-{kind}-{start.isoformat()}"
    report = Report(region=region, kind=kind, period_start=start, period_end=end, year=figures["year"],
                    number=figures["number"], generated_at=timezone.now(), by=by, figures=figures)
    report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # someone else wrote it meanwhile
        log.info("reports: %s %s %s was written meanwhile by another worker", region, kind, start)
        report.pdf.delete(save=False)
        report.xlsx.delete(save=False)
        return None
    return report


def download_name(report: Report, ext: str) -> str:
    return f"{report.figures.get('title', '')}{report.figures.get('issue', '')}.{ext}"
