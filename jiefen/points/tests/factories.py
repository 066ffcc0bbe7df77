"""A district where communities order from departments: the county enables points, each of
the first and third communities has a clerk, the west street has a department of its own."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiefen.accounts.models import Role
from jiefen.points import services
from jiefen.points.models import PointsSetting
from jiefen.testing.factories import DepartmentFactory, World, staff


def enable(world: World, **rules) -> PointsSetting:
    """Points enabled at the county (completion 10, good rating ≥4 +5, late −5, offer ≤20)."""
    world.users.setdefault("east_clerk", staff(Role.CLERK, region=world.communities[0], username="east_clerk",
                                               full_name="东关1社区张主任"))
    world.users.setdefault("west_clerk", staff(Role.CLERK, region=world.communities[2], username="west_clerk",
                                               full_name="西城1社区李主任"))
    if not hasattr(world, "west_office"):
        world.west_office = DepartmentFactory(name="西城街道城管办", type=world.housing.type, region=world.streets[1])
        world.users["west_handler"] = staff(Role.HANDLER, department=world.west_office, username="west_handler")
    return PointsSetting.objects.create(region=world.county, **rules)


def png(name: str = "photo.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 140, 90)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def order_data(world: World, **overrides) -> dict:
    data = {
        "title": "幸福小区路灯损坏需维修",
        "description": "小区东门至3号楼之间5盏路灯不亮，老人夜间出行不便。",
        "category": str(world.property_item.category_id),
        "place": "幸福小区东门",
        "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "offered_points": "3",
    }
    data.update(overrides)
    return data


def posted(world: World, user: str = "east_clerk", **overrides):
    return services.post_order(world[user], order_data(world, **overrides))
