"""The overdue scan inside `jiefen worker`: orders taken and not completed by their deadline
lose the department the late penalty, once (several workers may run: the entry is unique)."""

from __future__ import annotations

import logging
import threading

from jiefen.lib.periodic import every

from .services import penalise_overdue

log = logging.getLogger(__name__)


def once() -> int:
    n = penalise_overdue()
    if n:
        log.info("points: %d overdue order(s) penalised", n)
    return n


def start(interval: float = 600.0) -> threading.Event:
    return every(interval, once, "points overdue")
