"""`jiefen reports generate --region ID --kind daily|weekly|monthly --date YYYY-MM-DD` writes the
report of the period holding that date; `jiefen reports due` writes whatever the schedule has due."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from jiefen.regions.models import Region
from jiefen.reports import scheduler, services
from jiefen.reports.models import Kind


class Command(BaseCommand):
    help = ("Stability reports. `generate --region ID --kind K --date D`: the report of the period "
            "holding D for region ID (skipped if it exists). `due`: every scheduled report now due.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="generate one report")
        gen.add_argument("--region", required=True, help="region id or 12-digit division code")
        gen.add_argument("--kind", required=True, choices=Kind.values)
        gen.add_argument("--date", required=True, help="any day of the period, YYYY-MM-DD")
        sub.add_parser("due", help="generate the scheduled reports that are due now")

    def handle(self, *args, **options):
        if options["action"] == "due":
            for report in scheduler.run_due():
                self.stdout.write(f"{report.pk}\t{report.title} {report.issue}\t{report.pdf.name}")
            return
        region = Region.objects.by_code(options["region"]).first()
        if region is None:
            raise CommandError(f"No such region: {options['region']}")
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']}") from None
        try:
            report = services.generate(region, options["kind"], day)
        except services.ReportError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if report is None:
            start, _end = services.period_of(options["kind"], day)
            done = services.existing(region, options["kind"], start)
            self.stdout.write(f"Exists already: {done.pk}\t{done.title} {done.issue}")
            return
        self.stdout.write(f"{report.pk}\t{report.title} {report.issue}\t{report.pdf.path}\t{report.xlsx.path}")
