"""Speed of the bulk demo generator, `jiefen.demo.cases.generate_cases`.

On a fresh database with the demo district, N cases (seed 1, default batch size) are
generated and timed: cases/s, events/s, and rows/s over all the tables written (cases,
events, parties, mediation sessions, helper departments).

Baseline: the database's own write speed in the same run: as many minimal rows (a bigint id
and an integer) as the generator wrote, into a plain table, the way the generator writes
(COPY on PostgreSQL, executemany on SQLite), in one transaction; the median of three."""

from __future__ import annotations

import argparse

from benchmarks.common import emit, fresh_database, log, median, setup_django, timed, vendor


def plain_rows_per_second(n: int) -> float:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute("CREATE TABLE bench_plain (id bigint PRIMARY KEY, n integer NOT NULL)")

    def write() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY bench_plain (id, n) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int8", "int4"])
                    for i in range(n):
                        copy.write_row((i, i))
            else:
                cursor.executemany("INSERT INTO bench_plain (id, n) VALUES (%s, %s)", [(i, i) for i in range(n)])

    seconds = timed(write)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain")
    return n / seconds


def skips_foreign_key_checks() -> bool:
    """Whether the generator may switch off the per-row foreign key checks (PostgreSQL, a
    role that may set session_replication_role): it then writes about twice as fast."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            transaction.set_rollback(True)
    except DatabaseError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    fresh_database()

    from jiefen.demo.cases import generate_cases
    from jiefen.demo.district import get_district

    district = get_district()
    log(f"  generating {args.cases:,} cases …")
    generated = generate_cases(args.cases, seed=1, district=district)

    from jiefen.cases.models import Case

    helpers = Case.helper_departments.through.objects.count()
    # the generator writes each case's clocks (stopped and running) itself
    rows = generated.cases + generated.events + generated.parties + generated.mediations + helpers + generated.clocks
    log(f"  baseline: {rows:,} plain rows × {args.baseline_repeat} …")
    plain = [plain_rows_per_second(rows) for _ in range(args.baseline_repeat)]
    emit({
        "vendor": vendor(),
        "cases": generated.cases,
        "events": generated.events,
        "rows": rows,
        "seconds": generated.seconds,
        "cases_rate": generated.cases / generated.seconds,
        "events_rate": generated.events / generated.seconds,
        "rows_rate": rows / generated.seconds,
        "plain_rate": median(plain),
        "plain_rates": plain,
        "clocks": generated.clocks,
        "foreign_key_checks": not skips_foreign_key_checks(),
    })


if __name__ == "__main__":
    main()
