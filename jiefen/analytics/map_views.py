"""The safety map page (平安地图) and its two JSON layers; the rules live in map.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import map as safety_map
from .dashboard import may_see_dashboard

DENIED = gettext_lazy("您没有查看平安地图的权限。")


@login_required
def map_page(request):
    if not may_see_dashboard(request.user):
        return render(request, "analytics/map_error.html", {"message": str(DENIED)}, status=403)
    try:
        q = safety_map.parse(request.user, request.GET)
    except ValidationError as exc:
        return render(request, "analytics/map_error.html", {"message": " ".join(exc.messages)}, status=400)
    return render(request, "analytics/map.html", safety_map.page_context(q))


def _json(request, layer):
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("请先登录。")}, status=403)
    if not may_see_dashboard(request.user):
        return JsonResponse({"error": str(DENIED)}, status=403)
    try:
        q = safety_map.parse(request.user, request.GET)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(layer(q), json_dumps_params={"ensure_ascii": False})


def map_regions(request):
    return _json(request, safety_map.regions_layer)


def map_points(request):
    return _json(request, safety_map.case_layer)
