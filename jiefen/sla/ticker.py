"""The clock tick inside `jiefen worker`: a thread that runs `sheets.tick` once a minute,
beside the task queue. Several workers may run; the tick is safe to run concurrently."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection

from .ladder import check_budgets
from .sheets import tick

log = logging.getLogger(__name__)


def run_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            raised = tick()
            if raised:
                log.info("raised %d sheet(s)", raised)
            climbed = check_budgets()  # the escalation ladder's time budgets
            if climbed:
                log.info("escalated or proposed %d case(s) by rule", climbed)
        except Exception:  # a failed tick is retried next minute; the worker goes on
            log.exception("clock tick failed")
        finally:
            connection.close()
        stop.wait(max(interval - (time.monotonic() - started), 1.0))


def start(interval: float = 60.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(interval, stop), name="sla-tick", daemon=True).start()
    return stop
