import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from jiefen.sla.ladder import check_budgets
from jiefen.sla.sheets import tick


class Command(BaseCommand):
    help = "Raise the warning and supervision sheets that have come due (the worker does this every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="act as of this moment (ISO 8601), e.g. to catch up after an outage")

    def handle(self, *args, at=None, **options):
        now = None
        if at:
            now = parse_datetime(at)
            if now is None or now.tzinfo is None:
                raise CommandError("--at must be an ISO 8601 date and time with its UTC offset, e.g. 2026-11-25T09:00+08:00")
        started = dt.datetime.now()
        raised = tick(now)
        climbed = check_budgets(now)
        seconds = (dt.datetime.now() - started).total_seconds()
        self.stdout.write(f"Raised {raised} sheet(s), escalated or proposed {climbed} case(s) by rule in {seconds:.2f} s.")
