"""The archive of stability reports (稳定专报), one report's page, its downloads, and the
on-demand generation form."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.analytics.dashboard import may_see_dashboard

from . import services
from .models import Kind, Report
from .services import ReportError


def _refuse(request, message: str, status: int):
    return render(request, "reports/error.html", {"message": message}, status=status)


def _archive(request, *, error: str = "", status: int = 200, form: dict | None = None,
             existing: Report | None = None):
    regions = services.regions_for(request.user)
    qs = services.reports_for(request.user)
    kind = request.GET.get("kind", "")
    region_id = request.GET.get("region", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    region = next((r for r in regions if str(r.pk) == region_id), None)
    if region is not None:
        qs = qs.filter(region=region)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = form or {"region": str(regions[0].pk) if regions else "", "kind": Kind.DAILY,
                    "date": yesterday.isoformat()}
    return render(request, "reports/list.html", {
        "page": page, "regions": regions, "kinds": Kind.choices, "kind": kind, "region": region,
        "query": query.urlencode(), "form": form, "error": error, "existing": existing,
    }, status=status)


@login_required
def archive(request):
    if not may_see_dashboard(request.user):
        return _refuse(request, _("您没有查看稳定专报的权限。"), 403)
    return _archive(request)


@login_required
@require_POST
def generate(request):
    if not may_see_dashboard(request.user):
        return _refuse(request, _("您没有生成稳定专报的权限。"), 403)
    form = {k: request.POST.get(k, "").strip() for k in ("region", "kind", "date")}
    try:
        region, kind, start = services.check_request(request.user, form["region"], form["kind"], form["date"])
    except ReportError as exc:
        return _archive(request, error=" ".join(exc.messages), status=400, form=form)
    done = services.existing(region, kind, start)
    if done is None:
        report = services.generate(region, kind, start, by=request.user)
        if report is not None:
            return redirect("reports:detail", report.pk)
        done = services.existing(region, kind, start)
    message = _("该期专报已经生成（%(title)s %(issue)s），可直接查看或下载。") % {
        "title": done.title, "issue": done.issue}
    return _archive(request, error=message, status=409, form=form, existing=done)


def _report(request, pk: int):
    report = Report.objects.select_related("region", "by").filter(pk=pk).first()
    if report is None:
        return None, _refuse(request, _("该专报不存在。"), 404)
    if not services.may_see(request.user, report):
        return None, _refuse(request, _("该专报所属地区不在您的辖区内，无权查看。"), 403)
    return report, None


@login_required
def detail(request, pk: int):
    report, refusal = _report(request, pk)
    if refusal:
        return refusal
    return render(request, "reports/detail.html", {"report": report, "f": report.figures})


@login_required
def download(request, pk: int, fmt: str):
    report, refusal = _report(request, pk)
    if refusal:
        return refusal
    if fmt not in ("pdf", "xlsx"):
        return _refuse(request, _("不支持的下载格式。"), 404)
    field = report.pdf if fmt == "pdf" else report.xlsx
    if not field or not field.storage.exists(field.name):
        return _refuse(request, _("专报文件缺失，请联系管理员。"), 404)
    return FileResponse(field.open("rb"), as_attachment=True, filename=services.download_name(report, fmt))
