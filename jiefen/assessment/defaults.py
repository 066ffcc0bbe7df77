"""The default assessment schemes (`jiefen load-defaults`): one for departments, one for the
street centers and one for mediators, on the same five indicators. Adds a scheme only when
no scheme of that name exists, so schemes an administrator has edited are left alone."""

from __future__ import annotations

from django.db import transaction

from jiefen.regions.models import Level

from .models import Direction, Scheme, SubjectKind, Weight

# indicator key, weight, direction, floor, target (rates in percent)
WEIGHTS = [
    ("success_rate", 30, Direction.HIGHER, 60, 95),
    ("on_time_handle", 25, Direction.HIGHER, 60, 100),
    ("satisfaction", 25, Direction.HIGHER, 60, 100),
    ("on_time_sign", 10, Direction.HIGHER, 60, 100),
    ("reopen_rate", 10, Direction.LOWER, 20, 0),
]

# the mediator scheme also weighs the residents' ratings of ordered mediators (1–5)
MEDIATOR_WEIGHTS = [*WEIGHTS, ("mediator_rating", 10, Direction.HIGHER, 3, 5)]

SCHEMES = [
    {"name": "职能部门考评", "kind": SubjectKind.DEPARTMENT, "min_cases": 5},
    {"name": "街道综治中心考评", "kind": SubjectKind.CENTER, "region_level": Level.STREET, "min_cases": 5},
    {"name": "调解员考评", "kind": SubjectKind.MEDIATOR, "min_cases": 3},
]


@transaction.atomic
def load_defaults() -> str:
    added = 0
    for values in SCHEMES:
        values = dict(values)
        scheme, created = Scheme.objects.get_or_create(name=values.pop("name"), defaults=values)
        if not created:
            continue
        added += 1
        Weight.objects.bulk_create([
            Weight(scheme=scheme, indicator=key, weight=w, direction=d, floor=f, target=t, order=i)
            for i, (key, w, d, f, t) in enumerate(
                MEDIATOR_WEIGHTS if scheme.kind == SubjectKind.MEDIATOR else WEIGHTS)])
    return f"{added} assessment schemes added."
