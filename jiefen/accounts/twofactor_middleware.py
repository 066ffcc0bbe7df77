"""Holds a signed-in user who still owes the second factor at the verify (or setup) page."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jiefen.api.auth import key_from

from . import twofactor

# Pages anyone may open (the resident side, sign-in and sign-out, the language switch).
PUBLIC_NAMES = {
    "home", "report", "report_done", "track", "track_case", "regions_json", "region_outlines",
    "healthz", "set_language", "login", "logout", "posters:short",
}
PUBLIC_NAMESPACES = {"open311"}
PAGE_FOR = {"verify": "accounts:verify", "setup": "accounts:setup"}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        name = match.view_name
        if name in PUBLIC_NAMES or set(match.namespaces) & PUBLIC_NAMESPACES:
            return self.get_response(request)
        is_api = "api" in match.namespaces
        if is_api and key_from(request):
            # Systems authenticate with their API key; the session plays no part.
            return self.get_response(request)
        owed = twofactor.state(request)
        if owed is None or name == PAGE_FOR[owed]:
            return self.get_response(request)
        if is_api:
            message = (_("请先在网页上输入动态验证码完成登录。") if owed == "verify"
                       else _("请先在网页上开启动态验证码（双重验证）。"))
            return JsonResponse({"detail": message}, status=403)
        url = reverse(PAGE_FOR[owed])
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
