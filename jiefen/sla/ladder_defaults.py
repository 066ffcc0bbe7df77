"""The example escalation ladders that ship with the product (`data/escalation_ladders.json`):
Xiangxi's 3-2-1 and Xigu's four levels. None is active until an administrator copies it onto
a region (`jiefen load-ladder CODE --region REGION`) or enters rules in the admin."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from jiefen.regions.models import Level, Region

from .ladder_models import EscalationRule

LADDERS_FILE = Path(__file__).parent / "data" / "escalation_ladders.json"
LEVELS = {"city": Level.CITY, "county": Level.COUNTY, "street": Level.STREET, "community": Level.COMMUNITY}


def read_ladders(path: Path | str = LADDERS_FILE) -> dict[str, dict]:
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    ladders = {}
    for ladder in spec["ladders"]:
        for rule in ladder["rules"]:
            if rule["level"] not in LEVELS:
                raise ValueError(f"{ladder['code']}: unknown level {rule['level']!r}")
            if not rule.get("max_attempts") and not rule.get("budget_days"):
                raise ValueError(f"{ladder['code']}: a rule needs attempts or days")
        ladders[ladder["code"]] = ladder
    return ladders


@transaction.atomic
def load_ladder(ladder: dict, region: Region, *, replace: bool = False) -> dict[str, int]:
    result = {"created": 0, "replaced": 0, "kept": 0}
    for rule in ladder["rules"]:
        level = LEVELS[rule["level"]]
        if level < region.level:
            continue  # a level above the region: its rule would never apply
        values = {
            "max_attempts": rule.get("max_attempts"), "budget_days": rule.get("budget_days"),
            "automatic": bool(rule.get("automatic")), "note": rule.get("note", "")[:200], "enabled": True,
        }
        existing = EscalationRule.objects.filter(region=region, level=level).first()
        if existing is None:
            EscalationRule.objects.create(region=region, level=level, **values)
            result["created"] += 1
        elif replace:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            result["replaced"] += 1
        else:
            result["kept"] += 1
    return result
