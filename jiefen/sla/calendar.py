"""Deadlines on the working calendar (工作日历).

A day is a working day unless a `CalendarDay` row says otherwise; without a row, Monday to
Friday are working days and Saturday and Sunday rest days. Rows carry the public holidays
(法定节假日) and the make-up working days on weekends (调休上班), shipped for the coming
years in `data/cn_holidays.json` (`jiefen load-defaults`) and kept in the Django admin.

Three kinds of limit:

- working days (`add_working_days`): until the end of the Nth working day after the day the
  clock started (办理时限);
- working hours (`add_working_hours`): counted only inside the office hours of working days,
  08:30–12:00 and 13:30–17:30 local time (签收时限);
- natural time: urgent clocks (respond within 30 minutes, sort within 24 hours) run day and
  night, holidays included; callers add a `datetime.timedelta` to the start, nothing here.

`WorkingCalendar()` is cheap: the rows are read once per process and kept in a module
cache, which a change to a row in this process clears at once (signals), and which is read
again after `CACHE_SECONDS` so that the web server and the worker see an administrator's
edit made in another process soon after.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from types import MappingProxyType

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import CalendarDay

# Office hours on a working day, local time: (start, end) of each working period.
MORNING = (dt.time(8, 30), dt.time(12, 0))
AFTERNOON = (dt.time(13, 30), dt.time(17, 30))
WORKING_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (MORNING, AFTERNOON)

# How long a process trusts its copy of the calendar rows before reading them again.
CACHE_SECONDS = 60.0

# Safety net for a calendar that an administrator has filled with rest days.
MAX_DAYS_SCANNED = 3660


class WorkingCalendar:
    """Answers whether a date is a working day, and adds working days or hours to a moment.

    `WorkingCalendar()` uses the rows in the database (through the module cache, so build
    one wherever it is needed); `WorkingCalendar({date: is_workday, …})` uses the given
    overrides instead (tests, bulk generators)."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        self.overrides = cached_overrides() if overrides is None else overrides

    def is_workday(self, day: dt.date) -> bool:
        workday = self.overrides.get(day)
        if workday is not None:
            return workday
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day after `day`."""
        for _ in range(MAX_DAYS_SCANNED):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError(f"no working day within {MAX_DAYS_SCANNED} days after {day}")

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the `days`-th working day after `start` (local time, 23:59:59).

        A limit of N working days gives until the end of the Nth working day after the day
        the clock started, so a case dispatched on Friday with 1 day is due Monday night,
        and one dispatched on a holiday counts from the first working day after it."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = timezone.localtime(start).date()
        for _ in range(days):
            day = self.next_workday(day)
        return _local(day, dt.time(23, 59, 59))

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` of office time after `start` (see WORKING_PERIODS).

        Rest days and holidays are skipped, make-up working days count. A start outside
        office hours (at night, over lunch, on a holiday) counts from the next working
        period. A limit that runs out at the end of a period is due at that end (12:00 or
        17:30), not at the start of the next one."""
        remaining = dt.timedelta(hours=hours)
        if remaining < dt.timedelta(0):
            raise ValueError("hours must not be negative")
        cursor = timezone.localtime(start)
        day = cursor.date()
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_workday(day):
                for opens, closes in WORKING_PERIODS:
                    period_end = _local(day, closes)
                    if cursor >= period_end:
                        continue
                    begin = max(cursor, _local(day, opens))
                    available = period_end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    cursor = period_end
            day += dt.timedelta(days=1)
        raise ValueError(f"no working time within {MAX_DAYS_SCANNED} days after {start}")


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at), timezone.get_current_timezone())


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return WorkingCalendar().add_working_days(start, days)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    return WorkingCalendar().add_working_hours(start, hours)


# ------------------------------------------------------------------ the cache of the rows

_lock = threading.Lock()
_cache: tuple[float, Mapping[dt.date, bool]] | None = None
# A row was changed inside a transaction that has not committed yet. Until it has, every
# reader inside a transaction reads the rows afresh and nothing is cached: the change may
# still be rolled back (a failed admin save; every test that adds rows).
_uncommitted_change = False


def cached_overrides() -> Mapping[dt.date, bool]:
    """{date: is_workday} for every CalendarDay row; at most CACHE_SECONDS old."""
    global _cache, _uncommitted_change
    if _uncommitted_change:
        if transaction.get_connection().in_atomic_block:
            return _read()
        _uncommitted_change = False
        _cache = None
    cache = _cache
    now = time.monotonic()
    if cache is not None and now - cache[0] < CACHE_SECONDS:
        return cache[1]
    with _lock:
        rows = _read()
        if not _uncommitted_change:
            _cache = (now, rows)
    return rows


def clear_cache() -> None:
    """Forget the cached rows (the next WorkingCalendar() reads them again)."""
    global _cache
    _cache = None


def _read() -> Mapping[dt.date, bool]:
    # read-only: every WorkingCalendar() shares it
    return MappingProxyType(dict(CalendarDay.objects.values_list("date", "is_workday")))


def _committed() -> None:
    global _uncommitted_change
    _uncommitted_change = False
    clear_cache()


@receiver(post_save, sender=CalendarDay, dispatch_uid="sla-calendar-saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="sla-calendar-deleted")
def _calendar_changed(sender, using=None, **kwargs) -> None:
    global _uncommitted_change
    clear_cache()
    if transaction.get_connection(using).in_atomic_block:
        _uncommitted_change = True
        transaction.on_commit(_committed, using=using)
