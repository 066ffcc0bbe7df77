"""The clock tick at scale: `jiefen.sla.sheets.tick` over a table of open clocks of which a
small share has come due (PostgreSQL).

The demo generator writes the cases (--cases, with their own clocks); then --clocks more
running clocks are added in one INSERT … SELECT, spread over those cases, all due in the
future. Three ticks are timed, each at the same moment:

    baseline  nothing due                       (the index probe, the least a tick costs)
    0.1%      a thousandth of the clocks due     (each raises one blue warning sheet)
    1%        a hundredth of the clocks due      (a disjoint set, ten times as many)

    bare SQL  another 1%, raised by set-based SQL (the database's floor for these writes)

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

    # The database's own floor for the same writes: another disjoint 1% raised by three
    # set-based statements in one transaction (the sheets, their timeline events, the
    # clocks' new stage), with the same tables, indexes and key checks, and no Python.
    bare_due = make_due(100, 51)
    bare = timed(lambda: bare_raise(now))
    log(
        f"  tick: nothing due {baseline * 1000:.1f} ms, {small_due:,} due {small:.2f} s, "
        f"{big_due:,} due {big:.2f} s; bare SQL for {bare_due:,} {bare:.2f} s"
    )

    emit({
        "vendor": vendor(), "open_clocks": open_clocks,
        "baseline_seconds": baseline,
        "small_due": small_due, "small_seconds": small, "small_raised": small_raised,
        "big_due": big_due, "big_seconds": big, "big_raised": big_raised,
        "bare_due": bare_due, "bare_seconds": bare,
    })


BARE_RAISE = [
    """CREATE TEMP TABLE bench_due ON COMMIT DROP AS
       SELECT c.id, c.case_id, k.status, k.center_id FROM sla_clock c JOIN cases_case k ON k.id = c.case_id
       WHERE c.next_check_at <= %(now)s FOR UPDATE OF c SKIP LOCKED""",
    """INSERT INTO sla_sheet (case_id, clock_id, colour, reason, recipient_role, recipient_region_id,
                              recipient_label, raised_at, cleared_reason)
       SELECT case_id, id, 'blue', '办理时限将至（期限 2026-12-05 20:00）', 'dispatcher', center_id,
              '综治中心', %(now)s, '' FROM bench_due""",
    """INSERT INTO cases_event (case_id, action, from_status, to_status, actor_label, reason, data, public, created_at)
       SELECT case_id, 'raise_sheet', status, status, '系统', '办理时限将至（期限 2026-12-05 20:00）',
              jsonb_build_object('sheet_id', id, 'number', 'YJ2026-000000', 'colour', 'blue',
                                 'clock', 'handle', 'recipient', '综治中心'), false, %(now)s FROM bench_due""",
    "UPDATE sla_clock SET stage = 1, next_check_at = due_at WHERE id IN (SELECT id FROM bench_due)",
]


def bare_raise(now) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        for sql in BARE_RAISE:
            cur.execute(sql, {"now": now})


if __name__ == "__main__":
    main()
