"""The dashboard page (统计分析)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import charts
from .dashboard import PERIODS, build, may_see_dashboard
from .indicators import LAWSUITS


@login_required
def dashboard(request):
    if not may_see_dashboard(request.user):
        return render(request, "analytics/error.html", {"message": _("您没有查看统计分析的权限。")}, status=403)
    try:
        d = build(request.user, request.GET)
    except ValidationError as exc:
        return render(request, "analytics/error.html", {"message": " ".join(exc.messages)}, status=400)
    return render(request, "analytics/dashboard.html", {
        "d": d, "periods": PERIODS, "lawsuits": LAWSUITS,
        "chart_category": charts.bars(_("按类别（登记数）"), d.by_category) if d.by_category else "",
        "chart_channel": charts.bars(_("按来源渠道（登记数）"), d.by_channel) if d.by_channel else "",
        "chart_trend": charts.trend(_("每日登记数"), d.by_day) if d.by_day else "",
    })
