"""Two workers due the same report at the same moment: one report, no stray files. On
PostgreSQL only: SQLite's in-memory test database refuses concurrent writers ("table is
locked") instead of waiting, and an embedded SQLite deployment runs one worker."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from jiefen.reports import services
from jiefen.reports.models import Kind, Report

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")


def test_two_workers_write_one_report(live_world):
    results, errors = [], []
    start = threading.Barrier(2)

    def work():
        try:
            start.wait()
            results.append(services.generate(live_world.county, Kind.MONTHLY, dt.date(2026, 10, 1)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Report.objects.count() == 1
    assert sorted(r is None for r in results) == [False, True]
    files = sorted(p.suffix for p in Path(settings.MEDIA_ROOT, "reports").rglob("*") if p.is_file())
    assert files == [".pdf", ".xlsx"]
