"""Pages for the three-colour sheets: the worklist of sheets addressed to me, one sheet
with its urgings, and the two things its recipient does (acknowledge, urge)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiefen.sla import sheets as sla
from jiefen.sla.sheet_models import Sheet, SheetColour


def _sheet_for(request, pk: int) -> Sheet:
    sheet = sla.sheets_for(request.user).select_related(
        "case", "clock", "acknowledged_by", "case__department", "case__center"
    ).filter(pk=pk).first()
    if sheet is None:
        raise Http404
    return sheet


@login_required
def sheet_list(request):
    tab = request.GET.get("tab", "open")
    qs = sla.sheets_for(request.user).select_related("case", "clock")
    if tab == "open":
        qs = qs.filter(cleared_at__isnull=True)
    colour = request.GET.get("colour")
    if colour in SheetColour.values:
        qs = qs.filter(colour=colour)
    page = Paginator(qs.order_by("-raised_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "web/sheet_list.html", {
        "page": page, "tab": tab, "colour": colour, "colours": SheetColour.choices,
        "counts": sla.open_counts(request.user),
    })


@login_required
def sheet_detail(request, pk: int):
    sheet = _sheet_for(request, pk)
    return render(request, "web/sheet_detail.html", {"sheet": sheet, "urgings": sheet.urgings.all()})


@login_required
@require_POST
def sheet_act(request, pk: int, action: str):
    sheet = _sheet_for(request, pk)
    try:
        if action == "acknowledge":
            sla.acknowledge(sheet, request.user)
            messages.success(request, _("已签收督办单。"))
        elif action == "urge":
            sla.urge(sheet, request.user, request.POST.get("note", ""))
            messages.success(request, _("已催办，承办方将收到提醒。"))
        else:
            raise Http404
    except sla.SheetError as exc:
        response = render(request, "web/sheet_detail.html", {
            "sheet": sheet, "urgings": sheet.urgings.all(), "error": exc.message,
            "note": request.POST.get("note", ""),
        }, status=exc.http_status)
        return response
    return redirect("sheet_detail", pk=sheet.pk)
