"""Two workers due the same report at the same moment: one report, no stray files. On
PostgreSQL only: SQLite's in-memory test database refuses concurrent writers ("table is
locked") instead of waiting, and an embedded SQLite deployment runs one worker."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from jiefen.reports import services
from jiefen.reports.models import Kind, Report
from jiefen.testing.race import at_once

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")


def test_two_workers_write_one_report(live_world):
    def work():
        return services.generate(live_world.county, Kind.MONTHLY, dt.date(2026, 10, 1))

    outcomes = at_once(work, work)
    assert [o.error for o in outcomes] == [None, None]
    results = [o.result for o in outcomes]
    assert Report.objects.count() == 1
    assert sorted(r is None for r in results) == [False, True]
    files = sorted(p.suffix for p in Path(settings.MEDIA_ROOT, "reports").rglob("*") if p.is_file())
    assert files == [".pdf", ".xlsx"]
