"""The default sources (12345, 110, petition office, court) and their mappings."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .mapping import check_mapping
from .models import Source

DEFAULT_SOURCES = Path(__file__).parent / "data" / "default_sources.json"


@transaction.atomic
def load_sources(path=DEFAULT_SOURCES, *, region=None) -> tuple[list[Source], list[Source]]:
    """Create the sources that are missing and refresh the name, channel and mapping of the
    others; their secret, active flag and region are kept (the region is set when given).
    Returns (created, updated). Loading twice changes nothing."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    created, updated = [], []
    for entry in spec["sources"]:
        problems = check_mapping(entry["mapping"])
        if problems:
            raise ValueError(f"{entry['code']}: {'; '.join(problems)}")
        values = {"name": entry["name"], "channel": entry["channel"], "mapping": entry["mapping"]}
        if region is not None:
            values["region"] = region
        source, is_new = Source.objects.get_or_create(code=entry["code"], defaults=values)
        if is_new:
            created.append(source)
            continue
        changed = [k for k, v in values.items() if getattr(source, k if k != "region" else "region_id")
                   != (v.pk if k == "region" else v)]
        if changed:
            for k in changed:
                setattr(source, k, values[k])
            source.save(update_fields=changed)
            updated.append(source)
    return created, updated
