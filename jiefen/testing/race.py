"""Run calls at the same moment, each in a thread of its own with its own database connection,
as two workers or two people clicking at once would: for the tests of row locks and unique
keys (PostgreSQL; SQLite's test database has one writer)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections


@dataclass
class Outcome:
    result: object = None
    error: BaseException | None = None


def at_once(*calls: Callable[[], object], timeout: float = 30) -> list[Outcome]:
    """Release every call together (a barrier) and wait for all; each call's result or the
    exception it raised, in the order the calls were given."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call, outcome):
        try:
            barrier.wait()
            outcome.result = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.error = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(calls, outcomes, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
