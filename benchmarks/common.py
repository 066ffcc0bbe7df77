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
