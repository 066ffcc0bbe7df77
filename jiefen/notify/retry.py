"""The retry job inside `jiefen worker`: every so often, send the deliveries that are due (new
ones whose task was lost, failed ones whose back-off has passed). Safe to run in several
workers at once: each delivery is claimed by one."""

from __future__ import annotations

import logging
import threading

from jiefen.lib.periodic import every

from .services import deliver

log = logging.getLogger(__name__)


def once() -> int:
    sent = deliver()
    if sent:
        log.info("sent %d delayed notice(s)", sent)
    return sent


def start(interval: float = 30.0) -> threading.Event:
    return every(interval, once, "notice retries")
