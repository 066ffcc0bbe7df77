"""Personal data: validation of Chinese mobile numbers and resident ID numbers, and masking."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").removeprefix("+86")


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(value.replace(" ", ""))):
        raise ValidationError(
            _("请输入正确的手机号（11位，以1开头）或带区号的固定电话。"), code="invalid_phone"
        )


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """Resident identity card number per GB 11643-1999: 17 digits and a check character."""
    number = (value or "").strip().upper()
    if not ID_RE.match(number) or id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("身份证号码无效：应为18位，最后一位校验码需正确（可为X）。"), code="invalid_id"
        )


def mask_phone(value: str) -> str:
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def mask_id_number(value: str) -> str:
    if len(value) >= 8:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    return "*" * len(value)


def mask_name(value: str) -> str:
    if not value:
        return value
    return value[0] + "*" * max(1, len(value) - 1)
