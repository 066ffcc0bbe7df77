"""The rollup refresher inside `jiefen worker`: a thread that folds new events into the
rollups every `interval` seconds. Several workers may run; refresh() locks the watermark."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection

from .services import refresh

log = logging.getLogger(__name__)


def run_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            n = refresh()
            if n:
                log.info("analytics: %d case(s) folded into the rollups", n)
        except Exception:  # retried next interval; the worker goes on
            log.exception("analytics refresh failed")
        finally:
            connection.close()
        stop.wait(max(interval - (time.monotonic() - started), 1.0))


def start(interval: float = 60.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(interval, stop), name="analytics-refresher",
                     daemon=True).start()
    return stop
