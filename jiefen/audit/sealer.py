"""The audit sealer inside `jiefen worker`: a thread that appends the chain every `interval`
seconds. Several workers may run; seal() takes a lock, so they never fork the chain."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection

from .services import seal_all

log = logging.getLogger(__name__)


def run_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            sealed = seal_all()
            if sealed:
                log.info("sealed %d audit link(s)", sealed)
        except Exception:  # a failed seal is retried next interval; the worker goes on
            log.exception("audit seal failed")
        finally:
            connection.close()
        stop.wait(max(interval - (time.monotonic() - started), 1.0))


def start(interval: float = 60.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(interval, stop), name="audit-sealer", daemon=True).start()
    return stop
