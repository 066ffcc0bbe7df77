"""The webhook door: a source pushes one work order, signed with its secret.

Checks, in order: the signature (HMAC-SHA256 of "{timestamp}.{raw body}") and a timestamp
within five minutes (else 401); a delivery seen before gets its first answer again (200,
nothing written); the order is mapped and filed like an imported row (400 with the reasons
in the sender's field names when it is bad). See docs/imports.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .mapping import errors_by_column, file_case, to_form_data
from .models import Delivery, Source

MAX_BODY = 1024 * 1024
REPLAY_WINDOW = 300  # seconds either side of our clock
SIGNATURE_PREFIX = "sha256="


@dataclass
class Answer:
    status: int
    body: dict


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """The X-Jiefen-Signature header value for a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def check_signature(source: Source, timestamp: str, signature: str, body: bytes, now: float | None = None) -> str | None:
    """Why the delivery is not authentic, or None when it is."""
    if not timestamp or not signature:
        return _("缺少签名：请提供 X-Jiefen-Timestamp 和 X-Jiefen-Signature 请求头。")
    if not hmac.compare_digest(sign(source.secret, timestamp, body), signature.strip()):
        return _("签名不正确。")
    try:
        sent = int(timestamp)
    except ValueError:
        return _("时间戳应为 Unix 秒数。")
    if abs((now if now is not None else time.time()) - sent) > REPLAY_WINDOW:
        return _("时间戳与服务器时间相差超过5分钟，请求已过期。")
    return None


def receive(source: Source, body: bytes, *, timestamp: str, signature: str, delivery_id: str = "") -> Answer:
    problem = check_signature(source, timestamp, signature, body)
    if problem:
        return Answer(401, {"error": problem})
    delivery_id = (delivery_id or signature).replace("\x00", "").strip()[:100]
    first = Delivery.objects.filter(source=source, delivery_id=delivery_id).first()
    if first is not None:
        return replayed(first)
    try:
        record = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Answer(400, {"error": _("请求体不是有效的 UTF-8 JSON。")})
    try:
        data = to_form_data(source, record)
        with transaction.atomic():
            case = file_case(source, data)
            answer = Answer(201 if case.created else 200, {
                "tracking_code": case.tracking_code, "external_id": case.external_id,
                "status": case.status, "created": case.created, "duplicate": not case.created,
            })
            Delivery.objects.create(source=source, delivery_id=delivery_id, external_id=case.external_id,
                                    status_code=answer.status, result=answer.body, case=case)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for column, message in errors_by_column(source, exc, names=list(record) if isinstance(record, dict) else None):
            errors.setdefault(column or "工单", []).append(message)
        return Answer(400, {"error": _("工单有误，未接收。"), "errors": errors})
    except IntegrityError:
        # the same delivery, accepted by another worker meanwhile
        first = Delivery.objects.filter(source=source, delivery_id=delivery_id).first()
        if first is None:
            raise
        return replayed(first)
    return answer


def replayed(delivery: Delivery) -> Answer:
    return Answer(200, {**delivery.result, "created": False, "duplicate": True, "replayed": True})
