"""What every benchmark shares: Django on a fresh database, timing, and the result line.

A benchmark module runs in its own process (the database is chosen by environment
variables before Django starts), measures, and prints one line `BENCH-RESULT {json}` that
benchmarks/run.py collects."""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout

RESULT_MARK = "BENCH-RESULT "


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiefen.settings")
    import django

    django.setup()


def fresh_database(*, defaults: bool = True, district: bool = True) -> None:
    """Migrate the (empty) database and, if asked, load the default policy tables and the
    demo district (without cases)."""
    from django.core.management import call_command

    with redirect_stdout(io.StringIO()):
        call_command("migrate", verbosity=0, interactive=False)
        if defaults or district:
            call_command("load_defaults", verbosity=0)
        if district:
            call_command("demo_data", cases=0, seed=1, verbosity=0)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), interpolated between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def emit(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result, ensure_ascii=False), flush=True)


async def http_load(port: int, requests: list[bytes], seconds: float, connections: int) -> dict:
    """Closed loop over keep-alive HTTP/1.1 connections to 127.0.0.1:port: each connection
    sends its next raw request (taken in turn from `requests`) when the last answer has come;
    every latency is kept. Returns requests, ok (2xx), errors, statuses, rate (ok/s), p50/p99."""
    import asyncio

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds

    async def one(i: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = i
        try:
            while time.monotonic() < deadline:
                request = requests[n % len(requests)]
                n += connections
                started = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                if not status_line:  # the server closed the connection: open another
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    statuses[0] = statuses.get(0, 0) + 1
                    continue
                length, close = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "connection" and value.strip().lower() == "close":
                        close = True
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                status = int(status_line.split()[1])
                statuses[status] = statuses.get(status, 0) + 1
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(connections)))
    elapsed = time.monotonic() - started
    ok = sum(count for status, count in statuses.items() if 200 <= status < 300)
    return {
        "requests": len(latencies), "ok": ok, "errors": len(latencies) - ok + statuses.get(0, 0),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rate": ok / elapsed, "p50_ms": percentile(latencies, 50) * 1000 if latencies else 0.0,
        "p99_ms": percentile(latencies, 99) * 1000 if latencies else 0.0,
    }
