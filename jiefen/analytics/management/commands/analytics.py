"""`jiefen analytics refresh` folds new events into the rollups; `jiefen analytics rebuild`
recomputes every rollup from the cases (see docs/indicators.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jiefen.analytics import services


class Command(BaseCommand):
    help = "Indicator rollups: `refresh` folds what is new, `rebuild` recomputes everything."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("refresh", help="fold the events written since the last refresh")
        sub.add_parser("rebuild", help="recompute all rollups from scratch")

    def handle(self, *args, subcommand: str, **options):
        started = time.monotonic()
        n = services.refresh() if subcommand == "refresh" else services.rebuild()
        self.stdout.write(_("已统计 %(n)d 件案件，用时 %(s).1f 秒。") % {"n": n, "s": time.monotonic() - started})
