"""The clock tick at scale: `jiefen.sla.sheets.tick` over a table of open clocks of which a
small share has come due (PostgreSQL).

The demo generator writes the cases (--cases, with their own clocks); then --clocks more
running clocks are added in one INSERT … SELECT, spread over those cases, all due in the
future. Three ticks are timed, each at the same moment:

    baseline  nothing due                       (the index probe, the least a tick costs)
    0.1%      a thousandth of the clocks due     (each raises one blue warning sheet)
    1%        a hundredth of the clocks due      (a disjoint set, ten times as many)

The issue's goal: the 1% tick over 1,000,000 open clocks in under a second, and the cost
growing with the clocks due (1% / 0.1% near 10), not with the clocks open."""

from __future__ import annotations

import argparse
import datetime as dt

from benchmarks.common import emit, fresh_database, log, setup_django, timed, vendor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--clocks", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()
    fresh_database()
    if vendor() != "postgresql":
        raise SystemExit("the tick benchmark runs on PostgreSQL")

    import io
    from contextlib import redirect_stdout

    from django.core.management import call_command
    from django.db import connection

    from jiefen.sla.sheet_models import Clock, Sheet
    from jiefen.sla.sheets import tick

    log(f"  {args.cases:,} demo cases …")
    with redirect_stdout(io.StringIO()):
        call_command("demo_data", cases=args.cases, seed=1, verbosity=0)
    # The demo's own clocks are late (the demo raises their sheets on its first tick): take
    # them out of the way, so the ticks below see exactly the clocks this benchmark makes due.
    Clock.objects.update(next_check_at=None)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    log(f"  {args.clocks:,} open clocks …")
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO sla_clock (case_id, kind, started_at, due_at, warn_at, red_at, stopped_at, stage, next_check_at)
            SELECT c.ids[1 + (g %% c.n)], 'handle', %(now)s - interval '1 day', %(now)s + interval '10 days',
                   %(now)s + interval '7 days', %(now)s + interval '15 days', NULL, 0,
                   %(now)s + interval '1 hour' + (g %% 10000) * interval '1 minute'
            FROM generate_series(1, %(clocks)s) AS g,
                 (SELECT array_agg(id) AS ids, count(*) AS n FROM cases_case) AS c
            """,
            {"now": now, "clocks": args.clocks},
        )
        cur.execute("SELECT min(id), max(id) FROM sla_clock WHERE next_check_at IS NOT NULL")
        low, high = cur.fetchone()
        cur.execute("ANALYZE sla_clock")
    open_clocks = Clock.objects.filter(stopped_at__isnull=True).count()

    def make_due(modulo: int, remainder: int) -> int:
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE sla_clock SET warn_at = %s, next_check_at = %s WHERE id BETWEEN %s AND %s AND id %% %s = %s",
                [now - dt.timedelta(minutes=1), now - dt.timedelta(minutes=1), low, high, modulo, remainder],
            )
            return cur.rowcount

    tick(now)  # warm up: connection, caches
    baseline = min(timed(lambda: tick(now)) for _ in range(5))

    small_due = make_due(1000, 0)
    before = Sheet.objects.count()
    small = timed(lambda: tick(now))
    small_raised = Sheet.objects.count() - before

    big_due = make_due(100, 50)
    before = Sheet.objects.count()
    big = timed(lambda: tick(now))
    big_raised = Sheet.objects.count() - before
    log(f"  tick: nothing due {baseline * 1000:.1f} ms, {small_due:,} due {small:.2f} s, {big_due:,} due {big:.2f} s")

    emit({
        "vendor": vendor(), "open_clocks": open_clocks,
        "baseline_seconds": baseline,
        "small_due": small_due, "small_seconds": small, "small_raised": small_raised,
        "big_due": big_due, "big_seconds": big, "big_raised": big_raised,
    })


if __name__ == "__main__":
    main()
