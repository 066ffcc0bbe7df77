"""Jobs `jiefen worker` runs beside its task queue every so many seconds (the clock tick, the
audit sealer, the indicator rollups): each in a daemon thread of its own."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import connection

log = logging.getLogger(__name__)


def run_forever(job: Callable[[], object], interval: float, stop: threading.Event, name: str) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            job()
        except Exception:  # retried next interval; the worker goes on
            log.exception("%s failed", name)
        finally:
            connection.close()
        stop.wait(max(interval - (time.monotonic() - started), 1.0))


def every(interval: float, job: Callable[[], object], name: str) -> threading.Event:
    """Run `job` now and then every `interval` seconds (at least one second apart) until the
    returned event is set. A failure is logged and the job tried again next time."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(job, interval, stop, name), name=name, daemon=True).start()
    return stop
