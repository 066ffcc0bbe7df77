"""Retention of personal data (Personal Information Protection Law): closed cases older than a
period are anonymised, keeping what the statistics need.

For each case closed before the cutoff: every party's name becomes its first character and a
star (张*), phone and ID number are blanked; the case's street address is blanked and its
coordinates are moved to the middle of its community (the community level, no finer).
Region, item, category, dates, status, amounts, group size and ratings stay as they were.
One non-public timeline event per case records it; a case that has that event is skipped, so
a second run changes nothing.

The period is data: the RetentionPolicy row an administrator edits (三年, 1095 days, until
they change it); `jiefen anonymise --closed-before-days N` overrides it for one run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.lib.geo import bounds
from jiefen.lib.personal import mask_name
from jiefen.regions.models import Level, Region

from .models import Case, Event, RetentionPolicy, Status

EVENT = "anonymise"
QUANT = Decimal("0.000001")


@dataclass
class Result:
    cutoff: dt.datetime
    cases: int  # cases anonymised (or, in a dry run, that would be)
    parties: int


def due(cutoff: dt.datetime):
    """Closed cases closed before `cutoff` that have not been anonymised yet."""
    done = Event.objects.filter(action=EVENT).values("case_id")
    return (Case.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)
            .exclude(pk__in=done).select_related("region"))


def community_point(region: Region) -> tuple[Decimal | None, Decimal | None]:
    """The middle of the community the region lies in (latitude, longitude), or nothing."""
    community = region.at_level(Level.COMMUNITY)
    if community is None or not community.outline:
        return None, None
    x0, y0, x1, y1 = bounds(community.outline)
    return Decimal((y0 + y1) / 2).quantize(QUANT), Decimal((x0 + x1) / 2).quantize(QUANT)


def anonymise_case(case: Case, now: dt.datetime) -> int:
    parties = 0
    for party in case.parties.all():
        party.name = mask_name(party.name[:1]) if party.name else ""
        party.phone = ""
        party.id_number = ""
        party.save(update_fields=["name", "phone", "id_number"])
        parties += 1
    latitude, longitude = (None, None)
    if case.latitude is not None or case.longitude is not None:
        latitude, longitude = community_point(case.region)
    # a queryset update: the case's version and updated_at are the workflow's, not ours
    Case.objects.filter(pk=case.pk).update(address="", latitude=latitude, longitude=longitude)
    Event.objects.create(
        case=case, action=EVENT, from_status=case.status, to_status=case.status, actor=None,
        actor_label=_("系统"), reason=_("个人信息已按保存期限匿名化"), public=False, created_at=now,
        data={"parties": parties},
    )
    return parties


def anonymise(days: int | None = None, *, dry_run: bool = False, now: dt.datetime | None = None) -> Result:
    """Anonymise the cases closed more than `days` ago (by default the retention policy's)."""
    if days is None:
        days = RetentionPolicy.current().keep_days
    if days < 0:
        raise ValueError(_("保存期限天数不能为负数。"))
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    cases = list(due(cutoff).order_by("pk"))
    if dry_run:
        parties = sum(c.parties.count() for c in cases)
        return Result(cutoff, len(cases), parties)
    parties = 0
    for case in cases:
        with transaction.atomic():  # one case at a time: an interrupted run resumes cleanly
            parties += anonymise_case(case, now)
    return Result(cutoff, len(cases), parties)
