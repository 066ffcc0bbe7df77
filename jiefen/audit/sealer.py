"""The audit sealer inside `jiefen worker`: appends the chain every `interval` seconds.
Several workers may run; seal() takes a lock, so they never fork the chain."""

from __future__ import annotations

import logging
import threading

from jiefen.lib.periodic import every

from .services import seal_all

log = logging.getLogger(__name__)


def once() -> None:
    sealed = seal_all()
    if sealed:
        log.info("sealed %d audit link(s)", sealed)


def start(interval: float = 60.0) -> threading.Event:
    return every(interval, once, "audit seal")
