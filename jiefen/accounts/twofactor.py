"""The optional second factor (TOTP, 动态验证码) for staff accounts.

A user turns it on at /accounts/2fa/setup/ (an authenticator app scans a QR code), and from then
on every sign-in asks for the 6-digit code after the password. JIEFEN_REQUIRE_2FA_FOR
("superuser", "staff", comma separated) makes it mandatory for those users. The rules live
here; the middleware (twofactor_middleware.py) and the views only call them.
"""

from __future__ import annotations

import os

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Wrong codes in one session after which the session is signed out.
MAX_FAILURES = 5
FAILURES = "jiefen_2fa_failures"
DEVICE_NAME = "authenticator"
GROUPS = {"superuser", "staff"}


def required_groups() -> set[str]:
    """The groups named by JIEFEN_REQUIRE_2FA_FOR (setting, else environment); unknown words
    are ignored."""
    raw = getattr(settings, "JIEFEN_REQUIRE_2FA_FOR", None)
    if raw is None:
        raw = os.environ.get("JIEFEN_REQUIRE_2FA_FOR", "")
    if isinstance(raw, str):
        raw = raw.split(",")
    return {w.strip().lower() for w in raw if w and w.strip()} & GROUPS


def is_required_for(user) -> bool:
    groups = required_groups()
    if not groups or not user.is_authenticated:
        return False
    if "superuser" in groups and user.is_superuser:
        return True
    if "staff" in groups and (user.is_staff or user.is_superuser or user.memberships.exists()):
        return True
    return False


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one per user; created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app expects it when typed by hand, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (drawn locally, no network)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def clean_token(raw: str) -> str | None:
    token = "".join((raw or "").split())
    return token if len(token) == 6 and token.isdigit() else None


def throttled_seconds(device: TOTPDevice) -> int:
    """Seconds to wait before the device accepts another attempt (django-otp's back-off)."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))


def confirm(request, device: TOTPDevice, token: str) -> bool:
    """Checks the first code of a new device; on success the device becomes the user's only
    active one and this session counts as verified."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def verify(request, token: str) -> str:
    """One attempt at the sign-in code. Returns "ok", "wrong", "throttled" or "signed_out"
    (the MAX_FAILURES-th wrong code in this session signs the session out)."""
    device = confirmed_device(request.user)
    if device is None:
        return "ok"
    if throttled_seconds(device):
        return "throttled"
    if token and device.verify_token(token):
        request.session.pop(FAILURES, None)
        otp_login(request, device)
        return "ok"
    failures = request.session.get(FAILURES, 0) + 1
    if failures >= MAX_FAILURES:
        logout(request)
        return "signed_out"
    request.session[FAILURES] = failures
    return "wrong"


def remaining_attempts(request) -> int:
    return MAX_FAILURES - request.session.get(FAILURES, 0)


def state(request) -> str | None:
    """What the signed-in user of this request still owes: "verify" (has a device, code not
    given in this session), "setup" (required to have one but has none) or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request.session.get(DEVICE_ID_SESSION_KEY) and user.is_verified():
        return None
    if has_confirmed_device(user):
        return "verify"
    if is_required_for(user):
        return "setup"
    return None
