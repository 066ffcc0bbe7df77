"""`jiefen analytics refresh` folds new events into the rollups; `jiefen analytics rebuild`
recomputes every rollup from the cases (see docs/indicators.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.analytics import services


class Command(BaseCommand):
    help = ("Indicator rollups: `refresh` folds what is new, `rebuild` recomputes everything; "
            "`lawsuits FILE` imports the courts' monthly lawsuit counts per region (万人成诉率).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("refresh", help="fold the events written since the last refresh")
        sub.add_parser("rebuild", help="recompute all rollups from scratch")
        law = sub.add_parser("lawsuits", help="import lawsuit counts: division code, month, count (.csv/.xlsx)")
        law.add_argument("file")
        law.add_argument("--source", default="", help="where the counts come from, e.g. 清河区人民法院")
        law.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "lawsuits":
            return self._lawsuits(options["file"], options["source"], options["dry_run"])
        started = time.monotonic()
        n = services.refresh() if subcommand == "refresh" else services.rebuild()
        self.stdout.write(_("已统计 %(n)d 件案件，用时 %(s).1f 秒。") % {"n": n, "s": time.monotonic() - started})

    def _lawsuits(self, path: str, source: str, dry_run: bool) -> None:
        from pathlib import Path

        from jiefen.analytics.lawsuits import import_file
        from jiefen.imports.importer import FileError

        if not Path(path).is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            with open(path, "rb") as file:
                result = import_file(file, Path(path).name, source=source, dry_run=dry_run)
        except FileError as exc:
            raise CommandError(str(exc)) from None
        for row, message in result.errors:
            self.stderr.write(_("第 %(row)d 行：%(message)s") % {"row": row, "message": message})
        if result.errors:
            raise CommandError(_("%(n)d 行有误，未导入任何数据。") % {"n": len(result.errors)})
        if dry_run:
            self.stdout.write(_("检查通过：%(n)d 行，未写入（--dry-run）。") % {"n": result.rows})
        else:
            self.stdout.write(_("已导入 %(n)d 条成诉数。") % {"n": result.written})
