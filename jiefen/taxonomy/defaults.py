"""Load the default policy tables that ship with the product (idempotent: upsert by code)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from jiefen.regions.models import DepartmentType

from .models import Category, Item, ItemAttribute

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "default_taxonomy.json"


@transaction.atomic
def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> dict[str, int]:
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    types = {}
    for t in spec["department_types"]:
        types[t["code"]], _ = DepartmentType.objects.update_or_create(
            code=t["code"], defaults={"name": t["name"], "name_en": t.get("name_en", "")}
        )
    n_items = 0
    for c in spec["categories"]:
        category, _ = Category.objects.update_or_create(
            code=c["code"], defaults={"name": c["name"], "name_en": c.get("name_en", "")}
        )
        for i in c["items"]:
            item, _ = Item.objects.update_or_create(
                code=i["code"],
                defaults={
                    "category": category,
                    "name": i["name"],
                    "name_en": i.get("name_en", ""),
                    "department_type": types[i["department_type"]],
                    "handling_kind": i["handling_kind"],
                    "respond_minutes": i["respond_minutes"],
                    "sign_hours": i["sign_hours"],
                    "handle_days": i["handle_days"],
                    "default_risk": i["risk"],
                    "examples": i.get("examples", []),
                },
            )
            for order, f in enumerate(i.get("fields", []), 1):
                ItemAttribute.objects.update_or_create(
                    item=item, code=f["code"],
                    defaults={"datatype": f["datatype"], "label": f["label"], "description": f.get("description", ""),
                              "required": f.get("required", False), "values": f.get("values", []), "order": order},
                )
            n_items += 1
    return {"department_types": len(types), "categories": len(spec["categories"]), "items": n_items}
