"""Deadlines on the working calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import CalendarDay


class WorkingCalendar:
    """Loads the overrides once; answers whether a date is a working day."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None) -> None:
        if overrides is None:
            overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self.overrides = overrides

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the `days`-th working day after `start` (local time, 23:59:59).

        A limit of N working days gives until the end of the Nth working day after the day
        the clock started, so a case dispatched on Friday with 1 day is due Monday night."""
        local = timezone.localtime(start)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        end = dt.datetime.combine(day, dt.time(23, 59, 59))
        return timezone.make_aware(end, timezone.get_current_timezone())


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return WorkingCalendar().add_working_days(start, days)
