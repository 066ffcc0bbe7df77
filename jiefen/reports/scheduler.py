"""The worker's report schedule: `run_due(now)` writes every report that has fallen due for
the regions in `ReportSchedule`, and `start(interval)` runs it every so often.

A period falls due at 06:00 (local time) on the day after it ends: the daily report for
yesterday, the weekly one for last week on Monday, the monthly one for last month on the 1st.
Only the latest finished period of each kind is written, so a worker that was down catches up
on it when it comes back; a report already written is never written again (the table's
unique key settles a race between two workers)."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.lib.periodic import every

from . import services
from .models import Kind, Report, ReportSchedule

log = logging.getLogger(__name__)

DUE_HOUR = 6


def latest_due(kind: str, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The latest period of this kind that is due at `now`."""
    local = timezone.localtime(now)
    last_day = local.date() - dt.timedelta(days=1 if local.hour >= DUE_HOUR else 2)
    start, end = services.period_of(kind, last_day)
    if end != last_day:  # the period holding last_day is not over yet: take the one before
        start, end = services.previous_period(kind, start)
    return start, end


def tell_leaders(report: Report) -> int:
    from jiefen.accounts.models import Role, User
    from jiefen.notify.services import announce

    leaders = User.objects.filter(is_active=True, memberships__role=Role.LEADER,
                                  memberships__region=report.region).distinct()
    text = _("%(title)s %(issue)s已生成。") % {"title": report.title, "issue": report.issue}
    from django.urls import reverse

    return announce(leaders, text, kind="report", url=reverse("reports:detail", args=[report.pk]))


def run_due(now: dt.datetime | None = None) -> list[Report]:
    now = now or timezone.now()
    made = []
    for schedule in ReportSchedule.objects.filter(active=True).select_related("region"):
        for kind in schedule.kinds:
            start, _end = latest_due(kind, now)
            if services.existing(schedule.region, kind, start):
                continue
            try:
                report = services.generate(schedule.region, kind, start)
            except Exception:  # one region's failure does not hold up the others
                log.exception("reports: %s %s %s failed", schedule.region, kind, start)
                continue
            if report is not None:
                tell_leaders(report)
                made.append(report)
    return made


def once() -> None:
    made = run_due()
    if made:
        log.info("reports: %d report(s) generated", len(made))


def start(interval: float = 300.0) -> threading.Event:
    return every(interval, once, "stability reports")


__all__ = ["Kind", "latest_due", "run_due", "start"]
