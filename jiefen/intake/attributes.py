"""Answers to an item's extra fields (补充字段), checked the same way whatever the door."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jiefen.taxonomy.models import AttributeType, Item

MAX_TEXT = {AttributeType.STRING: 200, AttributeType.TEXT: 2000}


def clean_attributes(item: Item | None, raw) -> dict:
    """The answers normalised (numbers as strings of decimals, datetimes in ISO 8601, list
    answers as keys), or ValidationError listing every bad or missing answer by its code.
    Answers to codes the item does not ask for are refused: they would be silently lost."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationError(_("补充信息应为“代码: 值”的对象。"))
    if item is None:
        if raw:
            raise ValidationError(_("未指定事项，不能填写补充信息。"))
        return {}
    fields = {f.code: f for f in item.extra_fields.all()}
    errors, clean = [], {}
    for code in raw:
        if code not in fields:
            errors.append(_("“%(item)s”没有补充字段“%(code)s”。") % {"item": item.name, "code": code})
    for code, field in fields.items():
        value = raw.get(code)
        if value in (None, "", []):
            if field.required:
                errors.append(_("请填写“%(label)s”（%(code)s）。") % {"label": field.label, "code": code})
            continue
        try:
            clean[code] = _clean_one(field, value)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_one(field, value):
    kind = field.datatype
    label = {"label": field.label, "code": field.code}
    if kind in (AttributeType.STRING, AttributeType.TEXT):
        text = str(value).strip()
        if len(text) > MAX_TEXT[kind]:
            raise ValidationError(_("“%(label)s”（%(code)s）太长，不能超过%(n)d个字。") % {**label, "n": MAX_TEXT[kind]})
        return text
    if kind == AttributeType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("“%(label)s”（%(code)s）应为数字。") % label) from None
        return str(number)
    if kind == AttributeType.DATETIME:
        moment = parse_datetime(str(value).strip()) if not isinstance(value, dt.datetime) else value
        if moment is None:
            try:
                moment = dt.datetime.combine(dt.date.fromisoformat(str(value).strip()), dt.time())
            except ValueError:
                raise ValidationError(
                    _("“%(label)s”（%(code)s）的日期时间格式不对，应如 2026-11-29T14:30:00+08:00。") % label
                ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.isoformat()
    keys = field.keys
    chosen = value if isinstance(value, list | tuple) else [value]
    chosen = [str(v).strip() for v in chosen]
    if kind == AttributeType.SINGLE and len(chosen) != 1:
        raise ValidationError(_("“%(label)s”（%(code)s）只能选一项。") % label)
    bad = [v for v in chosen if v not in keys]
    if bad:
        raise ValidationError(
            _("“%(label)s”（%(code)s）没有选项“%(value)s”，可选：%(keys)s。")
            % {**label, "value": "、".join(bad), "keys": "、".join(keys)}
        )
    return chosen[0] if kind == AttributeType.SINGLE else chosen
