"""Load the public holidays that ship with the product into the working calendar.

`data/cn_holidays.json` lists, year by year, the rest days (放假) and the make-up working days
(调休上班) of the State Council's notice; a year whose notice is not out yet ships as
provisional: the statutory days only, each named with "（暂定）".

Loading is idempotent and leaves an administrator's work alone:

- a date without a row gets one;
- a row the file shipped as provisional (its name has "（暂定）") is updated to the file's
  values, and removed if the file no longer lists its date;
- any other row that differs from the file is an administrator's and is kept as it is;
- a provisional year is skipped whole once an administrator has entered a row for it
  without "（暂定）" (they have the notice: rows they deleted must not come back).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import CalendarDay

DEFAULT_CALENDAR = Path(__file__).parent / "data" / "cn_holidays.json"
PROVISIONAL = "（暂定）"


@dataclass(frozen=True)
class ShippedDay:
    date: dt.date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class ShippedYear:
    year: int
    provisional: bool
    days: tuple[ShippedDay, ...]


def read_calendar(path: Path | str = DEFAULT_CALENDAR) -> list[ShippedYear]:
    """The file's years, each with its days in date order; raises ValueError on a bad file."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    years = []
    seen: set[dt.date] = set()
    for y in spec["years"]:
        year, provisional = int(y["year"]), bool(y.get("provisional", False))
        days = []
        for r in y.get("rest", []):
            first, last = dt.date.fromisoformat(r["from"]), dt.date.fromisoformat(r["to"])
            if last < first:
                raise ValueError(f"{r['name']}: {first} is after {last}")
            days += [ShippedDay(first + dt.timedelta(days=i), False, r["name"]) for i in range((last - first).days + 1)]
        days += [ShippedDay(dt.date.fromisoformat(w["date"]), True, w["name"]) for w in y.get("work", [])]
        for day in days:
            if day.date.year != year:
                raise ValueError(f"{day.date} listed under {year}")
            if day.date in seen:
                raise ValueError(f"{day.date} listed twice")
            if not day.name or len(day.name) > CalendarDay._meta.get_field("name").max_length:
                raise ValueError(f"{day.date}: bad name {day.name!r}")
            if provisional and PROVISIONAL not in day.name:
                raise ValueError(f"{day.date}: a provisional year's names must say {PROVISIONAL}")
            seen.add(day.date)
        years.append(ShippedYear(year, provisional, tuple(sorted(days, key=lambda d: d.date))))
    return years


def shipped_overrides(path: Path | str = DEFAULT_CALENDAR) -> dict[dt.date, bool]:
    """{date: is_workday} as the file has it, without a database (tests, tools)."""
    return {d.date: d.is_workday for y in read_calendar(path) for d in y.days}


@dataclass
class CalendarLoad:
    years: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0
    skipped: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Loaded the working calendar for {', '.join(self.years) or 'no year'}: "
            f"{self.created} days created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.kept} kept as an administrator set them, {self.removed} provisional removed."
        )
        if self.skipped:
            text += f" Skipped provisional {', '.join(map(str, self.skipped))}: an administrator keeps it."
        return text


def _is_shipped_provisional(row: CalendarDay) -> bool:
    return PROVISIONAL in row.name


@transaction.atomic
def load_calendar(path: Path | str = DEFAULT_CALENDAR) -> CalendarLoad:
    result = CalendarLoad()
    for year in read_calendar(path):
        rows = {r.date: r for r in CalendarDay.objects.select_for_update().filter(date__year=year.year)}
        if year.provisional and any(not _is_shipped_provisional(r) for r in rows.values()):
            result.skipped.append(year.year)
            continue
        result.years.append(f"{year.year}{' (provisional)' if year.provisional else ''}")
        listed = set()
        for day in year.days:
            listed.add(day.date)
            row = rows.get(day.date)
            if row is None:
                CalendarDay.objects.create(date=day.date, is_workday=day.is_workday, name=day.name)
                result.created += 1
            elif (row.is_workday, row.name) == (day.is_workday, day.name):
                result.unchanged += 1
            elif _is_shipped_provisional(row):
                row.is_workday, row.name = day.is_workday, day.name
                row.save(update_fields=["is_workday", "name"])
                result.updated += 1
            else:
                result.kept += 1
        for date, row in rows.items():
            if date not in listed and _is_shipped_provisional(row):
                row.delete()
                result.removed += 1
    return result
