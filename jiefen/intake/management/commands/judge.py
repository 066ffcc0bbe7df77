"""Run the judgement of new cases (classification and routing proposal, repeats and same
incident, group bursts, threat signals and the 民转刑 score, risk-register proposals) over
cases already in the database: cases imported in bulk, the demo's generated cases, or after a
new classifier or new warning words, to look again. Every judging layer writes each finding
once, so running it twice adds nothing."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from jiefen.cases.models import Case, Status
from jiefen.intake.tasks import judge_new_case


class Command(BaseCommand):
    help = "Judge existing cases as if they had just come in (default: those still 待受理)."

    def add_arguments(self, parser):
        parser.add_argument("--status", action="append", choices=[s.value for s in Status],
                            help="cases in this status (repeatable; default: submitted)")
        parser.add_argument("--limit", type=int, default=None, help="the newest N of them")

    def handle(self, *args, status=None, limit=None, verbosity=1, **options):
        cases = Case.objects.filter(status__in=status or [Status.SUBMITTED]).order_by("created_at", "pk")
        ids = list(cases.values_list("pk", flat=True))
        if limit is not None:
            ids = ids[-limit:]
        for pk in tqdm(ids, disable=verbosity < 1, desc="judging", unit="case"):
            judge_new_case.call(pk)  # here, now: not through the queue
        if verbosity:
            self.stdout.write(f"Judged {len(ids)} cases.")
