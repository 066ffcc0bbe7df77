"""How a delivery leaves the platform, one sender per channel. A sender raises on failure
(the message is recorded on the delivery and it is tried again later) and returns on success.
A new channel is a function added to SENDERS and a name in kinds.CHANNELS."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from . import sms
from .kinds import EMAIL, SMS, WEBHOOK
from .models import Delivery


class NoAddress(Exception):
    """Nowhere to send any more (the email, phone or endpoint was removed): not retried."""


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.JIEFEN_PUBLIC_URL + url


def send_email(delivery: Delivery) -> None:
    address = delivery.user.email if delivery.user else ""
    if not address:
        raise NoAddress(_("该用户没有邮箱地址。"))
    body = delivery.text + (f"\n\n{absolute(delivery.url)}" if delivery.url else "")
    subject = _("【解纷】%(text)s") % {"text": delivery.text[:60]}
    EmailMessage(subject, body, None, [address]).send()


def phone_of(delivery: Delivery) -> str:
    if delivery.user_id:
        return delivery.user.phone
    case = delivery.case
    if case is None or case.anonymous or case.complainant is None:
        return ""
    return case.complainant.phone


def send_sms(delivery: Delivery) -> None:
    phone = phone_of(delivery)
    if not phone:
        raise NoAddress(_("没有可用的手机号。"))
    sms.get_backend().send(phone, delivery.text)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret, hex; a receiver checks it
    and that the timestamp is recent (a replayed old request fails)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_body(delivery: Delivery) -> bytes:
    payload = {
        "delivery": delivery.key,
        "kind": delivery.kind,
        "text": delivery.text,
        "url": absolute(delivery.url),
        "case": delivery.case.display_code if delivery.case_id else None,
        "event": delivery.event.action if delivery.event_id else None,
        "created_at": timezone.localtime(delivery.created_at).isoformat(),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def send_webhook(delivery: Delivery) -> None:
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise NoAddress(_("接收地址已删除或停用。"))
    body = webhook_body(delivery)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Jiefen-Webhook/1",
        "X-Jiefen-Delivery": delivery.key,
        "X-Jiefen-Timestamp": timestamp,
        "X-Jiefen-Signature": signature(endpoint.secret, timestamp, body),
    })
    timeout = getattr(settings, "JIEFEN_WEBHOOK_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (admin-set URL)
            status = response.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code}") from exc
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}")


SENDERS: dict[str, Callable[[Delivery], None]] = {
    EMAIL: send_email,
    SMS: send_sms,
    WEBHOOK: send_webhook,
}
