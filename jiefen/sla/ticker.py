"""The clock tick inside `jiefen worker`: `sheets.tick` once a minute, beside the task queue.
Several workers may run; the tick is safe to run concurrently."""

from __future__ import annotations

import logging
import threading

from jiefen.lib.periodic import every

from .ladder import check_budgets
from .sheets import tick

log = logging.getLogger(__name__)


def once() -> None:
    raised = tick()
    if raised:
        log.info("raised %d sheet(s)", raised)
    climbed = check_budgets()  # the escalation ladder's time budgets
    if climbed:
        log.info("escalated or proposed %d case(s) by rule", climbed)


def start(interval: float = 60.0) -> threading.Event:
    return every(interval, once, "clock tick")
