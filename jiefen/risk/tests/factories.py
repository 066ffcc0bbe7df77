"""Test data of the register: the default policy, the marriage and family items of the
default taxonomy, and a person on the register."""

from __future__ import annotations

from jiefen.regions.models import DepartmentType
from jiefen.risk.defaults import load_defaults
from jiefen.testing.factories import CategoryFactory, ItemFactory


def family_items() -> dict:
    """Marriage (0101) and domestic violence (0102), as the default taxonomy codes them."""
    load_defaults()
    family = CategoryFactory(code="01", name="婚姻家庭")
    women = DepartmentType.objects.get_or_create(code="womens_federation", defaults={"name": "妇联"})[0]
    return {
        "divorce": ItemFactory(code="0101", name="婚姻纠纷", category=family, department_type=women),
        "violence": ItemFactory(code="0102", name="家庭暴力", category=family, department_type=women),
    }


def id_number(body: str = "11010119900307123") -> str:
    """A valid resident ID number from its first 17 digits."""
    from jiefen.lib.personal import id_check_digit

    return body + id_check_digit(body)
