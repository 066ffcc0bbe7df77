"""`jiefen anonymise --closed-before-days N [--dry-run]`: anonymise the personal data of cases
closed more than N days ago (by default the retention policy's period, an admin setting),
keeping the statistics. See cases/retention.py."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiefen.cases import retention


class Command(BaseCommand):
    help = "Anonymise the parties' personal data of cases closed before a cutoff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--closed-before-days", type=int, default=None, metavar="N",
            help="cases closed more than N days ago (default: the retention policy in the admin, "
                 "三年 / 1095 days unless changed)",
        )
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args, closed_before_days: int, dry_run: bool, **options):
        try:
            result = retention.anonymise(closed_before_days, dry_run=dry_run)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        when = f"{result.cutoff:%Y-%m-%d}"
        if dry_run:
            self.stdout.write(_("试运行：%(when)s 之前办结的 %(cases)d 件案件（%(parties)d 名当事人）将被匿名化，未作任何修改。")
                              % {"when": when, "cases": result.cases, "parties": result.parties})
        else:
            self.stdout.write(_("已匿名化 %(when)s 之前办结的 %(cases)d 件案件（%(parties)d 名当事人）。")
                              % {"when": when, "cases": result.cases, "parties": result.parties})
