"""The short address behind each poster's QR code, and the staff page to print posters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from jiefen.regions.models import Level, Region

from . import services


def short(request, code):
    """`/q/<code>/`: what a resident's phone opens after scanning a grid's poster."""
    grid = services.grid_for_code(code)
    if grid is None:
        return render(request, "posters/message.html", {
            "title": _("没有找到这个二维码"),
            "message": _("二维码或网格码“%(code)s”无效，可能输错了，或海报已经更换。") % {"code": code},
            "report_link": True,
        }, status=404)
    return redirect(services.report_url(grid))


@login_required
def poster_list(request):
    grids = services.printable_grids(request.user).select_related("parent__parent")
    query = request.GET.get("q", "").strip()
    if query:
        grids = grids.filter(name__contains=query)
    page = Paginator(grids, 50).get_page(request.GET.get("page"))
    rows = [(g, services.short_code(g), services.short_url(g)) for g in page]
    return render(request, "posters/list.html", {
        "page": page, "rows": rows, "query": query, "any": bool(rows) or services.printable_grids(request.user).exists(),
    })


@login_required
def poster_pdf(request, pk):
    grid = Region.objects.filter(pk=pk, level=Level.GRID).first()
    if grid is None or not services.can_print(request.user, grid):
        return render(request, "posters/message.html", {
            "title": _("无法打印海报"),
            "message": _("该网格不存在，或不在您的管辖范围内。"),
        }, status=404)
    response = HttpResponse(services.render_posters([grid]), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, services.file_name(grid))
    return response
