"""What Open311 publishes: services from the taxonomy, and cases as service requests.

The service request listing is public (no key), so a case is shown as little as the spec
needs: no names, phones or ID numbers, no exact address or point, no photos, and not the
tracking code (查询码), which lets the holder of an anonymous case follow, rate and reopen it
on the resident pages. Everything that decides what the public sees is in this module."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiefen.cases.models import OPEN311_STATUS, Case
from jiefen.lib.personal import mask_id_number, mask_name, mask_phone
from jiefen.taxonomy.models import AttributeType, HandlingKind, Item

from .formats import Open311Error

COORDINATE_PLACES = Decimal("0.001")  # about 110 m north-south: the block, not the door
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"
)
URL_IN_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)
LIST_TYPES = {AttributeType.SINGLE, AttributeType.MULTI}


# --- ids ---------------------------------------------------------------------------------

def request_id(case: Case) -> str:
    """The public id of a case in Open311 (`service_request_id`): its database number.

    Not the tracking code: the listing is public and the tracking code is a credential."""
    return str(case.pk)


def case_pks(ids: str) -> list[int]:
    """The case numbers in a comma list of service request ids; other text matches nothing."""
    return [int(part) for part in (p.strip() for p in ids.split(",")) if part.isdigit() and len(part) < 19]


# --- services ----------------------------------------------------------------------------

def item_name(item: Item) -> str:
    if (get_language() or "").startswith("en") and item.name_en:
        return item.name_en
    return item.name


def category_name(item: Item) -> str:
    category = item.category
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


def handling_notice(item: Item | None) -> str:
    if item is None:
        return _("受理后将按事项类别确定办理时限。")
    if item.handling_kind == HandlingKind.IMMEDIATE:
        return _("即办件：受理后当场或当日办理。")
    return _("%(kind)s：受理后%(days)d个工作日内办结。") % {
        "kind": item.get_handling_kind_display(), "days": item.handle_days,
    }


def service(item: Item) -> dict:
    return {
        "service_code": item.code,
        "service_name": item_name(item),
        "description": f"{category_name(item)} / {item_name(item)}。{handling_notice(item)}",
        "metadata": bool(item.extra_fields.all()),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([item_name(item), category_name(item)])),
        "group": category_name(item),
    }


DATATYPE_HINTS = {
    AttributeType.STRING: _l("短文本，不超过200字"),
    AttributeType.TEXT: _l("长文本，不超过2000字"),
    AttributeType.NUMBER: _l("数字，如 12 或 3500.50"),
    AttributeType.DATETIME: _l("日期时间（W3C格式），如 2026-11-29T14:30:00+08:00"),
    AttributeType.SINGLE: _l("从 values 中选一项，提交其 key"),
    AttributeType.MULTI: _l("从 values 中选一项或多项，以 attribute[code][]=key 重复提交"),
}


def service_definition(item: Item) -> dict:
    return {
        "service_code": item.code,
        "attributes": [
            {
                "variable": True,
                "code": field.code,
                "datatype": field.datatype,
                "required": field.required,
                "datatype_description": field.description or str(DATATYPE_HINTS[field.datatype]),
                "order": field.order,
                "description": field.label,
                "values": [
                    {"key": str(v.get("key")), "name": str(v.get("name"))} for v in field.values or []
                ] if field.datatype in LIST_TYPES else [],
            }
            for field in item.extra_fields.all()
        ],
    }


# --- service requests --------------------------------------------------------------------

def w3c(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def coordinate(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP))


def redact(text: str, names: list[str]) -> str:
    """The description with ID numbers, phone numbers and links masked, and the names the
    case's parties gave masked wherever they occur. Names nobody registered as a party
    cannot be recognised; set JIEFEN_OPEN311_DESCRIPTION = "none" to publish no text."""
    text = ID_IN_TEXT.sub(lambda m: mask_id_number(m.group().upper()), text)
    text = PHONE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())[-11:]), text)
    text = URL_IN_TEXT.sub(_("[链接]"), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def public_description(case: Case) -> str:
    if getattr(settings, "JIEFEN_OPEN311_DESCRIPTION", "redacted") == "none":
        return ""
    return redact(case.description, [p.name for p in case.parties.all()])


def status_notes(case: Case) -> str:
    return str(case.get_status_display())


def requests_queryset():
    return Case.objects.select_related(
        "item", "reported_item", "department", "center", "region"
    ).prefetch_related("parties")


class RegionNames:
    """Full names of regions, read once per answer (a listing repeats the same places)."""

    def __init__(self):
        self.names: dict[int, str] = {}

    def __call__(self, region) -> str:
        if region.pk not in self.names:
            self.names[region.pk] = region.full_name or region.name
        return self.names[region.pk]


def service_request(case: Case, region_names: RegionNames | None = None) -> dict:
    item = case.item or case.reported_item
    if case.handle_due:
        expected = w3c(case.handle_due)
    elif case.committed_date:
        expected = w3c(timezone.make_aware(dt.datetime.combine(case.committed_date, dt.time(23, 59, 59))))
    else:
        expected = None
    return {
        "service_request_id": request_id(case),
        "status": OPEN311_STATUS[case.status],
        "status_notes": status_notes(case),
        "service_name": item_name(item) if item else None,
        "service_code": item.code if item else None,
        "description": public_description(case),
        "agency_responsible": case.holder_label,
        "service_notice": handling_notice(item),
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": expected,
        "address": (region_names or RegionNames())(case.region),
        "address_id": case.region.division_code or None,
        "zipcode": None,
        "lat": coordinate(case.latitude),
        "long": coordinate(case.longitude),
        "media_url": None,
    }


# --- the listing -------------------------------------------------------------------------

DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
CLOSED = [s for s, v in OPEN311_STATUS.items() if v == "closed"]
SPACED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


def find_requests(params):
    """The cases a GET requests call asks for: by id (other filters then ignored, per the
    spec), else by service code, status and the requested date window (the last 90 days
    when no date is given); newest first, at most 1000."""
    cases = requests_queryset().order_by("-created_at", "-pk")
    ids = (params.get("service_request_id") or "").strip()
    if ids:
        return list(cases.filter(pk__in=case_pks(ids))[:MAX_RESULTS])
    codes = _comma_list(params.get("service_code"))
    if codes:
        cases = cases.filter(Q(item__code__in=codes) | Q(item__isnull=True, reported_item__code__in=codes))
    statuses = _comma_list(params.get("status"))
    bad = [s for s in statuses if s not in ("open", "closed")]
    if bad:
        raise Open311Error(400, _("status: 只能是 open 或 closed（可用逗号分隔），收到“%(value)s”。") % {"value": ",".join(bad)})
    if statuses and set(statuses) != {"open", "closed"}:
        cases = cases.filter(status__in=CLOSED) if statuses == ["closed"] else cases.exclude(status__in=CLOSED)
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start and end and end < start:
        raise Open311Error(400, _("end_date 早于 start_date。"))
    if start is None:
        start = (end or timezone.now()) - DEFAULT_WINDOW
    cases = cases.filter(created_at__gte=start)
    if end is not None:
        cases = cases.filter(created_at__lte=end)
    return list(cases[:MAX_RESULTS])


def _comma_list(value) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


def _moment(params, name: str):
    text = (params.get(name) or "").strip()
    if not text:
        return None
    text = SPACED_OFFSET.sub(r"+\1", text)  # a "+" sent unencoded arrives as a space
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s: 日期时间格式不对，应为 W3C 格式，如 2026-11-01T00:00:00+08:00。") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
