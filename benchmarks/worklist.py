"""Latency of the staff worklist (/work/) at scale.

A fresh database gets the demo district and N demo cases (`jiefen demo-data`, default
100,000), then ANALYZE, as autovacuum would after a while. Through Django's test client
(the whole middleware, view, queries and template, no network), each page is requested a
few times to warm up, then `--repeat` times: median and 95th percentile.

    dispatcher · to do      /work/                 the county dispatcher sees every case
    dispatcher · all        /work/?tab=all
    handler · to do         /work/                 a department handler (清河区人社局)
    handler · all           /work/?tab=all
    search · tracking code  /work/?tab=all&q=CODE  as the dispatcher, a different case each time
    search · phone          /work/?tab=all&q=PHONE as the dispatcher, a different resident each time

Baseline: /healthz (a request with one small query), in the same run.

Each page's queries are captured once; the slowest is reported, and when it takes more
than --slow-ms its EXPLAIN (ANALYZE, BUFFERS) is kept for RESULTS.md."""

from __future__ import annotations

import argparse
import io
import random
import time
from contextlib import redirect_stdout

from benchmarks.common import emit, fresh_database, log, median, percentile, setup_django, vendor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--slow-ms", type=float, default=100.0, help="EXPLAIN queries slower than this")
    args = parser.parse_args()
    setup_django()
    fresh_database(district=False)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiefen.accounts.models import User
    from jiefen.cases.models import Case, Party, PartyRole

    log(f"  demo data: {args.cases:,} cases …")
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        call_command("demo_data", cases=args.cases, seed=1)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(1)
    codes = rng.sample(sorted(Case.objects.values_list("tracking_code", flat=True)), args.repeat + 5)
    phones = rng.sample(sorted(
        Party.objects.filter(role=PartyRole.COMPLAINANT).exclude(phone="").values_list("phone", flat=True)
    ), args.repeat + 5)

    clients = {}
    for username in ("dispatcher", "handler"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    anonymous = Client()

    def cycle(values: list[str]):
        i = 0

        def nxt() -> str:
            nonlocal i
            i += 1
            return values[i % len(values)]

        return nxt

    next_code, next_phone = cycle(codes), cycle(phones)
    pages = [
        ("healthz", "/healthz", anonymous, lambda: "/healthz"),
        ("dispatcher · to do", "/work/", clients["dispatcher"], lambda: "/work/"),
        ("dispatcher · all", "/work/?tab=all", clients["dispatcher"], lambda: "/work/?tab=all"),
        ("handler · to do", "/work/", clients["handler"], lambda: "/work/"),
        ("handler · all", "/work/?tab=all", clients["handler"], lambda: "/work/?tab=all"),
        ("search · tracking code", "/work/?tab=all&q=CODE", clients["dispatcher"],
         lambda: f"/work/?tab=all&q={next_code()}"),
        ("search · phone", "/work/?tab=all&q=PHONE", clients["dispatcher"],
         lambda: f"/work/?tab=all&q={next_phone()}"),
    ]

    results = []
    for name, shown, client, url in pages:
        for _ in range(3):
            response = client.get(url())
            assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as capture:
            response = client.get(url())
        queries = list(capture.captured_queries)  # the next request resets the connection's log
        slowest = max(queries, key=lambda q: float(q["time"]), default=None)
        times = []
        for _ in range(args.repeat if name != "healthz" else args.repeat * 2):
            target = url()
            t = time.perf_counter()
            response = client.get(target)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        row = {
            "name": name,
            "url": shown,
            "median_ms": median(times),
            "p95_ms": percentile(times, 95),
            "queries": len(queries),
            "query_ms": sum(float(q["time"]) for q in queries) * 1000,
            "slowest_query_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
            "slowest_query": slowest["sql"] if slowest else "",
        }
        if slowest and row["slowest_query_ms"] >= args.slow_ms and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                row["explain"] = "\n".join(line for (line,) in cursor.fetchall())
        log(f"  {name:<24} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"{row['queries']} queries, slowest {row['slowest_query_ms']:.1f} ms")
        results.append(row)

    emit({
        "vendor": vendor(),
        "cases": Case.objects.count(),
        "load_seconds": load_seconds,
        "repeat": args.repeat,
        "pages": results,
    })


if __name__ == "__main__":
    main()
