"""The rollup refresher inside `jiefen worker`: folds new events into the rollups every
`interval` seconds. Several workers may run; refresh() locks the watermark."""

from __future__ import annotations

import logging
import threading

from jiefen.lib.periodic import every

from .services import refresh

log = logging.getLogger(__name__)


def once() -> None:
    n = refresh()
    if n:
        log.info("analytics: %d case(s) folded into the rollups", n)


def start(interval: float = 60.0) -> threading.Event:
    return every(interval, once, "analytics refresh")
