"""Test data for grid field work: a phone photo, a patrol report's form data, and tasks of
each kind placed at known points of the test district."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiefen.followup.models import FollowUp
from jiefen.risk.models import PersonStatus, RiskPerson, RiskVisit

# build_world's first grid (清河区 东关1社区第1网格) spans lon 117.00–117.01, lat 36.60–36.62.
IN_GRID = ("36.605000", "117.005000")
NEAR_NORTH = ("36.619000", "117.005000")
OTHER_GRID = ("36.610000", "117.015000")


def photo_bytes(colour=(40, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buf, "JPEG")
    return buf.getvalue()


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes(), content_type="image/jpeg")


def report_data(world, **overrides) -> dict:
    data = {
        "item": world.property_item.pk,
        "description": "锦绣小区3号楼楼道堆放杂物堵塞消防通道，物业多次劝说无果。",
        "region": world.grids[0].pk,
        "address": "锦绣小区3号楼",
        "latitude": IN_GRID[0],
        "longitude": IN_GRID[1],
        "group_size": 1,
        "submission_key": "k-1",
    }
    data.update(overrides)
    return data


def follow_up_at(case, worker, due: dt.date | None = None) -> FollowUp:
    return FollowUp.objects.create(
        case=case, due_date=due or timezone.localdate(), region=case.region, assignee=worker,
        assignee_label=str(worker), created_at=timezone.now(),
    )


def risk_visit_in(region, worker, name="刘秀英", due: dt.date | None = None) -> RiskVisit:
    person = RiskPerson.objects.create(name=name, region=region, level="yellow", status=PersonStatus.ACTIVE,
                                       grid_worker=worker, reasons="邻里长期积怨")
    return RiskVisit.objects.create(person=person, due_date=due or timezone.localdate())
