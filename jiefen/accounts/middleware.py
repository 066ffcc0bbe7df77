"""Web security middleware: idle timeout of staff sessions and per-address rate limits."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .ratelimit import client_ip, hit

LAST_SEEN = "jiefen_last_seen"
# The last-activity stamp is rewritten at most this often, not on every request.
TOUCH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Ends a signed-in session after JIEFEN_SESSION_IDLE_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        idle = settings.JIEFEN_SESSION_IDLE_SECONDS
        if user is not None and user.is_authenticated and idle > 0:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > idle:
                logout(request)
                messages.info(request, _("您已超过 %(minutes)d 分钟未操作，为保护数据已自动退出，请重新登录。")
                              % {"minutes": max(1, idle // 60)})
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= min(TOUCH_SECONDS, idle):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RateLimitMiddleware:
    """Counts POSTs to the public forms and the login page per client address.

    settings.JIEFEN_RATE_LIMITS maps a URL name to (requests, seconds); more in the window
    is answered with HTTP 429 and a page that says when to try again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            limit = settings.JIEFEN_RATE_LIMITS.get(name) if name else None
            if limit:
                count, seconds = limit
                wait = hit(f"{name}:{client_ip(request)}", count, seconds)
                if wait:
                    minutes = max(1, (wait + 59) // 60)
                    response = render(request, "accounts/too_many.html",
                                      {"minutes": minutes}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
        return self.get_response(request)
