"""The dashboard's figures at scale (PostgreSQL): from the rollups versus straight from the
cases table.

The demo generator writes --cases cases over twelve months in one district; `rebuild()`
computes the rollups; then the dashboard's figures (the indicators for this year, the
previous period and a year before; the children's figures; by category, channel, risk and
day) are timed for the whole district and for one street, cold (first call after a fresh
connection) and warm (p95 of 20), and the same figures computed from the cases and events
tables. The issue's goal: warm p95 under 200 ms at 10,000,000 cases."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from benchmarks.common import emit, fresh_database, log, percentile, setup_django, timed, vendor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    fresh_database()
    if vendor() != "postgresql":
        raise SystemExit("the analytics benchmark runs on PostgreSQL")

    import io
    from contextlib import redirect_stdout

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from jiefen.analytics import services
    from jiefen.regions.models import Level, Region

    log(f"  {args.cases:,} demo cases …")
    started = time.monotonic()
    with redirect_stdout(io.StringIO()):
        call_command("demo_data", cases=args.cases, seed=1, verbosity=0)
    generated = time.monotonic() - started
    log(f"  rebuild the rollups … (cases written in {generated:.0f} s)")
    rebuild = timed(lambda: services.rebuild())
    with connection.cursor() as cur:
        cur.execute("ANALYZE analytics_rollup")
        cur.execute("SELECT count(*) FROM analytics_rollup")
        rollup_rows = cur.fetchone()[0]
    district = Region.objects.filter(level=Level.COUNTY).order_by("path").first()
    street = Region.objects.filter(parent=district).order_by("path").first()
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1) - dt.timedelta(days=365), today

    result = {"vendor": vendor(), "cases": args.cases, "rollup_rows": rollup_rows,
              "rebuild_seconds": rebuild, "generate_seconds": generated}
    for name, region in (("district", district), ("street", street)):
        f = services.Filter(region.path)
        connection.close()
        cold = timed(lambda f=f, r=region: rollup_figures(f, r, start, end))
        warm = [timed(lambda f=f, r=region: rollup_figures(f, r, start, end)) for _ in range(args.runs)]
        connection.close()
        direct_cold = timed(lambda r=region: direct_figures(r, start, end))
        direct = [timed(lambda r=region: direct_figures(r, start, end)) for _ in range(max(3, args.runs // 4))]
        w, d = percentile(warm, 95), percentile(direct, 95)
        log(f"  {name}: rollups cold {cold * 1000:.0f} ms, warm p95 {w * 1000:.0f} ms; "
            f"cases table cold {direct_cold * 1000:.0f} ms, warm p95 {d * 1000:.0f} ms; ratio {d / w:.0f}×")
        result[name] = {"cold_ms": cold * 1000, "warm_p95_ms": w * 1000, "direct_cold_ms": direct_cold * 1000,
                        "direct_warm_p95_ms": d * 1000, "ratio": d / w}
    emit(result)


def rollup_figures(f, region, start, end) -> dict:
    """What the dashboard reads (jiefen.analytics.dashboard.build) for one filter and period."""
    from jiefen.analytics import services
    from jiefen.analytics.indicators import INDICATORS

    span = end - start
    out = {"now": services.sums(f, start, end),
           "prev": services.sums(f, start - span - dt.timedelta(days=1), start - dt.timedelta(days=1)),
           "yoy": services.sums(f, start.replace(year=start.year - 1), end.replace(year=end.year - 1, day=min(end.day, 28)))}
    out["court"] = services.sums(services.Filter(f.region_path, channel="court"), start, end)
    out["values"] = [i.compute(out["now"]) for i in INDICATORS]
    for field in ("region_path", "category_id", "channel", "risk_grade", "day"):
        out[field] = services.sums_by(f, start, end, field)
    return out


def direct_figures(region, start, end) -> dict:
    """The same counts straight from cases_case and cases_event (no rollups)."""
    from django.db.models import Avg, Count, F, Q

    from jiefen.cases.models import Case, Event, Status

    cases = Case.objects.filter(region_path__startswith=region.path)
    span = end - start
    periods = {"now": (start, end), "prev": (start - span - dt.timedelta(days=1), start - dt.timedelta(days=1))}
    out = {}
    for name, (a, b) in periods.items():
        received = cases.filter(created_at__date__gte=a, created_at__date__lte=b)
        closed = cases.filter(status=Status.CLOSED, closed_at__date__gte=a, closed_at__date__lte=b)
        ev = Event.objects.filter(case__region_path__startswith=region.path, created_at__date__gte=a,
                                  created_at__date__lte=b)
        out[name] = {
            "received": received.count(),
            "events": dict(ev.filter(Q(action="accept") | Q(to_status__in=["declined", "resolved", "unresolved"]))
                           .values_list("action").annotate(n=Count("id"))),
            "closed": closed.aggregate(n=Count("id"), hours=Avg(F("closed_at") - F("created_at")),
                                       rated=Count("satisfaction"), sat=Count("id", filter=Q(satisfaction=3))),
        }
    a, b = start, end
    received = cases.filter(created_at__date__gte=a, created_at__date__lte=b)
    for field in ("region_path", "category_id", "channel", "risk_grade"):
        out[field] = dict(received.values_list(field).annotate(n=Count("id")))
    out["day"] = dict(received.values_list("created_at__date").annotate(n=Count("id")))
    return out


if __name__ == "__main__":
    main()
