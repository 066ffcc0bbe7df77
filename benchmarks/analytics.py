"""The dashboard's figures at scale (PostgreSQL): from the rollups versus straight from the
cases table.

The demo generator writes --cases cases over twelve months in one district; `rebuild()`
computes both rollup tables (daily, and monthly by community); then the dashboard's figures
(jiefen.analytics.dashboard.fill: the indicators for the period, the previous period and a
year before; the children's figures; by category, channel, risk and day; the open sheets)
for the period from 1 January last year to today are timed for the whole district and for
one street: cold (a fresh connection and an empty cache), warm without the cache (p95 of
--runs, the cache emptied before each) and warm from the cache (p95); and the same counts
computed from the cases and events tables. The issue's goal: warm p95 under 200 ms at
10,000,000 cases. --existing measures the database as it is (no new cases), e.g. one
generated once with `jiefen demo_data --cases 1000000`; --no-rebuild also keeps its rollups."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from benchmarks.common import emit, fresh_database, log, percentile, setup_django, timed, vendor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--existing", action="store_true", help="use the database's cases as they are")
    parser.add_argument("--no-rebuild", action="store_true", help="with --existing: the rollups as they are too")
    args = parser.parse_args()
    setup_django()
    if vendor() != "postgresql":
        raise SystemExit("the analytics benchmark runs on PostgreSQL")

    import io
    from contextlib import redirect_stdout

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from jiefen.analytics import services
    from jiefen.analytics.dashboard import Dashboard, _open_sheets, fill
    from jiefen.analytics.models import CaseFact, MonthRollup, Rollup
    from jiefen.cases.models import Case
    from jiefen.regions.models import Level, Region

    generated = 0.0
    if not args.existing:
        fresh_database()
        log(f"  {args.cases:,} demo cases …")
        started = time.monotonic()
        with redirect_stdout(io.StringIO()):
            call_command("demo_data", cases=args.cases, seed=1, verbosity=0)
        generated = time.monotonic() - started
    cases = Case.objects.count()
    log(f"  rebuild the rollups of {cases:,} cases … (cases written in {generated:.0f} s)")
    rebuild = 0.0 if args.no_rebuild else timed(lambda: services.rebuild())
    with connection.cursor() as cur:
        cur.execute("ANALYZE analytics_rollup")
        cur.execute("ANALYZE analytics_monthrollup")
    result = {"vendor": vendor(), "cases": cases, "rollup_rows": Rollup.objects.count(),
              "month_rows": MonthRollup.objects.count(), "facts": CaseFact.objects.count(),
              "rebuild_seconds": rebuild, "generate_seconds": generated}
    log(f"  rebuilt in {rebuild:.0f} s: {result['rollup_rows']:,} daily rows, {result['month_rows']:,} monthly rows")
    district = Region.objects.filter(level=Level.COUNTY).order_by("path").first()
    street = Region.objects.filter(parent=district).order_by("path").first()
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1) - dt.timedelta(days=365), today

    def figures(region) -> None:
        fill(Dashboard(region, None, None, "custom", start, end), services.Filter(region.path))

    def uncached(region) -> float:
        cache.clear()
        return timed(lambda: figures(region))

    for name, region in (("district", district), ("street", street)):
        connection.close()
        cold = uncached(region)
        warm = [uncached(region) for _ in range(args.runs)]
        cached = [timed(lambda r=region: figures(r)) for _ in range(args.runs)]
        sheets = [timed(lambda r=region: _open_sheets(services.Filter(r.path))) for _ in range(args.runs)]
        connection.close()
        direct_cold = timed(lambda r=region: direct_figures(r, start, end))
        direct = [timed(lambda r=region: direct_figures(r, start, end)) for _ in range(max(3, args.runs // 4))]
        w, c, d, sh = percentile(warm, 95), percentile(cached, 95), percentile(direct, 95), percentile(sheets, 95)
        log(f"  {name}: rollups cold {cold * 1000:.0f} ms, warm p95 {w * 1000:.0f} ms, cached p95 {c * 1000:.1f} ms;"
            f" (open sheets alone p95 {sh * 1000:.1f} ms); cases table cold {direct_cold * 1000:.0f} ms,"
            f" warm p95 {d * 1000:.0f} ms")
        result[name] = {"cold_ms": cold * 1000, "warm_p95_ms": w * 1000, "cached_p95_ms": c * 1000,
                        "sheets_p95_ms": sh * 1000,
                        "direct_cold_ms": direct_cold * 1000, "direct_warm_p95_ms": d * 1000}
    emit(result)


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
