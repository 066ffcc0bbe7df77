"""The worker's schedule writes each due report once, tells the region's leaders; and the
`jiefen reports generate` command."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from jiefen.notify.models import Notification
from jiefen.reports import scheduler
from jiefen.reports.models import Kind, Report, ReportSchedule

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def periods():
    return sorted((r.region.name, r.kind, r.period_start.isoformat(), r.period_end.isoformat())
                  for r in Report.objects.select_related("region"))


def test_latest_due_period_of_each_kind():
    monday_7 = at(2026, 11, 2, 7, 0)
    assert scheduler.latest_due(Kind.DAILY, monday_7) == (dt.date(2026, 11, 1),) * 2
    assert scheduler.latest_due(Kind.WEEKLY, monday_7) == (dt.date(2026, 10, 26), dt.date(2026, 11, 1))
    assert scheduler.latest_due(Kind.MONTHLY, monday_7) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    monday_5 = at(2026, 11, 2, 5, 59)  # before six: yesterday is not due yet
    assert scheduler.latest_due(Kind.DAILY, monday_5) == (dt.date(2026, 10, 31),) * 2
    assert scheduler.latest_due(Kind.WEEKLY, monday_5) == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    assert scheduler.latest_due(Kind.MONTHLY, monday_5) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    first_5 = at(2026, 11, 1, 5, 59)  # October is due at six on the 1st
    assert scheduler.latest_due(Kind.MONTHLY, first_5) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert scheduler.latest_due(Kind.MONTHLY, at(2026, 11, 1, 6, 0)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    wednesday = at(2026, 11, 4, 12, 0)  # a worker down on Monday still writes last week's
    assert scheduler.latest_due(Kind.WEEKLY, wednesday) == (dt.date(2026, 10, 26), dt.date(2026, 11, 1))


def test_run_due_writes_each_report_once_and_tells_the_leaders(world, october):
    ReportSchedule.objects.create(region=world.county, daily=True, weekly=True, monthly=True)
    ReportSchedule.objects.create(region=world.streets[1], daily=False, weekly=False, monthly=True)
    ReportSchedule.objects.create(region=world.streets[0], monthly=True, active=False)
    made = scheduler.run_due(at(2026, 11, 2, 7, 0))
    assert len(made) == 4
    assert periods() == [
        ("清河区", "daily", "2026-11-01", "2026-11-01"),
        ("清河区", "monthly", "2026-10-01", "2026-10-31"),
        ("清河区", "weekly", "2026-10-26", "2026-11-01"),
        ("西城街道", "monthly", "2026-10-01", "2026-10-31"),
    ]
    assert all(r.by is None for r in made)
    monthly = Report.objects.get(region=world.county, kind=Kind.MONTHLY)
    assert {row["key"]: row["value"] for row in monthly.figures["indicators"]}["received"] == 8
    told = Notification.objects.filter(kind="report")
    assert set(told.values_list("user__username", flat=True)) == {"leader"}  # the county's leader only
    assert told.count() == 3
    assert told.filter(url=f"/reports/{monthly.pk}/", text__contains="清河区矛盾纠纷稳定专报").exists()
    # later the same day, and again: nothing more
    assert scheduler.run_due(at(2026, 11, 2, 7, 5)) == []
    assert scheduler.run_due(at(2026, 11, 2, 23, 0)) == []
    assert Report.objects.count() == 4 and told.count() == 3
    # the next morning, the daily one only
    [daily] = scheduler.run_due(at(2026, 11, 3, 6, 0))
    assert (daily.kind, daily.period_start) == (Kind.DAILY, dt.date(2026, 11, 2))


def test_one_report_per_region_kind_and_period_in_the_database(world):
    Report.objects.create(region=world.county, kind=Kind.DAILY, period_start=dt.date(2026, 11, 1),
                          period_end=dt.date(2026, 11, 1), year=2026, number=305, generated_at=at(2026, 11, 2, 6))
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(region=world.county, kind=Kind.DAILY, period_start=dt.date(2026, 11, 1),
                              period_end=dt.date(2026, 11, 1), year=2026, number=305, generated_at=at(2026, 11, 2, 7))


def test_the_command_generates_one_report(world, october):
    out = StringIO()
    call_command("reports", "generate", "--region", str(world.county.pk), "--kind", "daily", "--date", "2026-10-06",
                 stdout=out)
    report = Report.objects.get()
    assert (report.kind, report.period_start, report.by) == (Kind.DAILY, dt.date(2026, 10, 6), None)
    assert "清河区矛盾纠纷稳定专报" in out.getvalue() and report.pdf.path in out.getvalue()
    out = StringIO()
    call_command("reports", "generate", "--region", str(world.county.pk), "--kind", "daily", "--date", "2026-10-06",
                 stdout=out)
    assert "Exists already" in out.getvalue() and Report.objects.count() == 1
    with pytest.raises(CommandError, match="No such region"):
        call_command("reports", "generate", "--region", "99999", "--kind", "daily", "--date", "2026-10-06")
    with pytest.raises(CommandError, match="Not a date"):
        call_command("reports", "generate", "--region", str(world.county.pk), "--kind", "daily", "--date", "10/06")
    with pytest.raises(CommandError, match="网格"):
        call_command("reports", "generate", "--region", str(world.grids[0].pk), "--kind", "daily", "--date", "2026-10-06")


def test_the_schedule_is_edited_in_the_admin(world):
    from django.test import Client

    from jiefen.testing.factories import PASSWORD, UserFactory

    UserFactory(username="admin", is_superuser=True, is_staff=True)
    c = Client()
    assert c.login(username="admin", password=PASSWORD)
    r = c.post("/admin/reports/reportschedule/add/", {"region": world.streets[0].pk, "daily": "on", "active": "on"})
    assert r.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.region, schedule.kinds) == (world.streets[0], ["daily"])
    assert c.get("/admin/reports/reportschedule/").status_code == 200
    assert c.get("/admin/reports/report/").status_code == 200
    assert c.get("/admin/reports/report/add/").status_code == 403
