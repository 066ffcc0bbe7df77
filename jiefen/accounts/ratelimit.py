"""A fixed-window counter in Django's cache (shared by all processes when
JIEFEN_CACHE_LOCATION is set)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address; behind JIEFEN_NUM_PROXIES proxies, taken from X-Forwarded-For."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, count: int, seconds: int) -> int:
    """Counts one request for `key`; returns 0 if allowed, else seconds until the window ends."""
    now = int(time.time())
    window = now - now % seconds
    cache_key = f"jiefen:rl:{key}:{window}"
    cache.add(cache_key, 0, seconds + 5)
    try:
        n = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, seconds + 5)
        n = 1
    if n > count:
        return window + seconds - now or 1
    return 0
