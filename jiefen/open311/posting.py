"""POST requests: an Open311 service request turned into a case through the one intake.

The spec's parameters map onto the machine intake form (SystemIntakeForm) and
`submit_case`; the form's checks apply as they do for every other door."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jiefen.cases.models import Case, Channel
from jiefen.intake.forms import IntakeForm, SystemIntakeForm
from jiefen.intake.services import field_messages, submit_case
from jiefen.taxonomy.models import Item

from .formats import Open311Error
from .models import Token
from .public import handling_notice, request_id

ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
SIX_PLACES = Decimal("0.000001")
MAX_IDEMPOTENCY_KEY = 100
# Form fields → the Open311 parameter a client sent them as.
PARAMETERS = {
    "description": "description", "latitude": "lat", "longitude": "long", "address": "address_string",
    "name": "first_name/last_name", "phone": "phone", "item": "service_code", "attributes": "attribute",
}


def post_request(params, *, client, idempotency_key: str = "") -> tuple[Case, Token]:
    """Create (or, on a retry with the same Idempotency-Key, find) the case for a POSTed
    service request and its token. Raises Open311Error(400) and writes nothing on bad input."""
    data, errors = _form_data(params, client)
    if errors:
        raise Open311Error(400, *errors)
    key = idempotency_key.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise Open311Error(400, _("Idempotency-Key 太长（不能超过%(n)d个字符）。") % {"n": MAX_IDEMPOTENCY_KEY})
    with transaction.atomic():
        try:
            case = submit_case(
                data, channel=channel_of(client), actor=client.user,
                idempotency_key=f"o311:{client.pk}:{key}" if key else None,
                form_class=SystemIntakeForm,
                form_kwargs={"within": client.region, "default_region": client.region},
            )
        except ValidationError as exc:
            raise Open311Error(400, *_messages(exc, data)) from None
        token, _created = Token.objects.get_or_create(
            case=case, defaults={"client": client, "account_id": (params.get("account_id") or "")[:100]}
        )
    return case, token


def channel_of(client) -> str:
    """The client's own channel (a 12345 hotline speaking Open311 stays 12345); a generic
    API client's requests are marked as Open311."""
    return client.channel if client.channel != Channel.API else Channel.OPEN311


def created_answer(case: Case, token: Token, account_id: str | None) -> dict:
    notice = _("已登记，查询码 %(code)s，可凭查询码在 %(url)s 查询办理进度（实名报事还需报事手机号）。") % {
        "code": case.display_code, "url": settings.JIEFEN_PUBLIC_URL + reverse("track"),
    }
    return {
        "service_request_id": request_id(case),
        "token": token.token,
        "service_notice": f"{notice}{handling_notice(case.reported_item)}",
        "account_id": account_id or None,
    }


def _form_data(params, client) -> tuple[dict, list[str]]:
    errors = []
    code = (params.get("service_code") or "").strip()
    if not code:
        errors.append(_("service_code: 必填，请提供事项代码（见 services 接口）。"))
    elif not Item.objects.filter(active=True, code=code).exists():
        errors.append(_("service_code: 事项代码“%(code)s”不存在或已停用。") % {"code": code})
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    address = (params.get("address_string") or "").strip()
    address_id = (params.get("address_id") or "").strip()
    if not ((lat and lon) or address or address_id):
        errors.append(_("location: 请提供位置：lat 和 long，或 address_string，或 address_id（12位行政区划代码）。"))
    description = (params.get("description") or "").strip()
    if not description:
        errors.append(_("description: 必填。本系统要求诉求内容至少10个字，请说明发生了什么事。"))
    else:
        try:  # the form's own rule for the resident's text, before a photo link is added to it
            IntakeForm.base_fields["description"].clean(description)
        except ValidationError as exc:
            errors.extend(f"description: {m}" for m in exc.messages)
    media_url = (params.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url: 应为 http 或 https 开头的网址。"))
        else:
            description = f"{description}\n{_('附图')}：{media_url}"
    phone = (params.get("phone") or "").strip()
    data = {
        "item": code,
        "description": description,
        "latitude": _six_places(lat),
        "longitude": _six_places(lon),
        "address": address,
        "region": address_id,
        "attributes": _attributes(params),
        "anonymous": not phone,  # the spec makes contact optional: no phone, an anonymous report
        "name": _full_name(params.get("first_name") or "", params.get("last_name") or ""),
        "phone": phone,
        "group_size": 1,
    }
    return data, errors


def _six_places(value: str):
    if not value:
        return None
    try:
        return Decimal(value).quantize(SIX_PLACES)  # clients send full GPS precision
    except InvalidOperation:
        return value  # the form says what is wrong with it


def _full_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if (first + last).isascii():
        return " ".join(p for p in (first, last) if p)
    return f"{last}{first}"  # Chinese order: family name first


def _attributes(params) -> dict:
    """`attribute[code]=v`, and `attribute[code][]=v` (or the same key repeated) for lists."""
    answers: dict = {}
    for key in params:
        match = ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        values = [v for v in params.getlist(key) if v != ""] if hasattr(params, "getlist") else [params[key]]
        code = match.group(1)
        if match.group(2) or len(values) > 1:
            answers[code] = [*answers.get(code, []), *values] if isinstance(answers.get(code), list) else values
        elif values:
            answers[code] = values[0]
    return answers


def _messages(exc: ValidationError, data: dict) -> list[str]:
    rows = []
    for field, message in field_messages(exc):
        if field == "region":
            param = "address_id" if data.get("region") else "location"
        else:
            param = PARAMETERS.get(field, field)
        rows.append(message if field == "__all__" else f"{param}: {message}")
    return rows
