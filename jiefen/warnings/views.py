"""Pages of early warning: the scoped list of threat signals (风险预警) and one signal, where
staff record how it was handled."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .services import WHY, WarningError, handle, may_handle, signals_for


@login_required
def signal_list(request):
    tab = request.GET.get("tab", "open")
    qs = signals_for(request.user).select_related("case", "case__region", "sheet")
    if tab != "all":
        tab = "open"
        qs = qs.open()
    page = Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "warnings/list.html", {
        "page": page, "tab": tab, "open_count": signals_for(request.user).open().count(), "why": WHY,
    })


@login_required
def signal_detail(request, pk: int):
    signal = signals_for(request.user).select_related("case", "case__region", "sheet", "event").filter(pk=pk).first()
    if signal is None:
        raise Http404(_("预警不存在，或不在您的管辖范围内。"))
    status, error, note = 200, "", ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            handle(signal, request.user, note)
        except WarningError as exc:
            status, error = exc.http_status, exc.message
        else:
            messages.success(request, _("已记录处置情况。"))
            return redirect("warnings:list")
    return render(request, "warnings/signal.html", {
        "signal": signal, "case": signal.case, "why": WHY.get(signal.why, ""), "error": error, "note": note,
        "may_handle": may_handle(request.user, signal),
    }, status=status)
