"""The page django-axes shows to a locked-out username+address (AXES_LOCKOUT_CALLABLE)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    response = render(request, "accounts/locked.html", {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": minutes,
    }, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
