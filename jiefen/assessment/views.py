"""The scorecard page (考评) and its Excel export: parse, call services.build, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _card(request):
    """(scorecard, None) or (None, error response)."""
    if not services.may_assess(request.user):
        return None, _error(request, _("您没有查看考评的权限。"), 403)
    try:
        return services.build(request.user, request.GET), None
    except PermissionDenied as exc:
        return None, _error(request, str(exc) or _("您没有查看考评的权限。"), 403)
    except ValidationError as exc:
        return None, _error(request, " ".join(exc.messages), 400)


def _error(request, message: str, status: int):
    return render(request, "assessment/error.html", {"message": message}, status=status)


@login_required
def scorecard(request):
    card, error = _card(request)
    if error:
        return error
    return render(request, "assessment/scorecard.html", {
        "card": card, "periods": services.PERIODS, "query": request.GET.urlencode()})


@login_required
def export(request):
    card, error = _card(request)
    if error:
        return error
    return FileResponse(services.workbook(card), as_attachment=True, filename=services.file_name(card),
                        content_type=XLSX_TYPE)
