import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from jiefen.accounts.models import Membership, Role, User
from jiefen.cases.models import Case, Status
from jiefen.demo.cases import generate_cases
from jiefen.demo.district import COUNTY_NAME, build_district, get_district
from jiefen.mediators.demo import populate as populate_mediators
from jiefen.mediators.demo import sample_orders
from jiefen.points.demo import populate as populate_points
from jiefen.regions.models import Department, Level, Region
from jiefen.reports.models import ReportSchedule
from jiefen.sla.backfill import backfill_clocks
from jiefen.taxonomy.defaults import load_taxonomy
from jiefen.taxonomy.models import Item


class Command(BaseCommand):
    help = "Build the demo district (青州市清河区) if it is not there, and generate demo cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="how many cases to generate")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--batch-size", type=int, default=5000, help="cases written per transaction")

    def handle(self, *args, **options):
        n, seed, batch = options["cases"], options["seed"], options["batch_size"]
        if n < 0 or batch < 1:
            raise CommandError("--cases must be 0 or more and --batch-size at least 1")
        started = time.monotonic()
        if not Item.objects.exists():
            counts = load_taxonomy()
            self.stdout.write(f"Loaded the default taxonomy: {counts['categories']} categories, {counts['items']} items.")
        district = get_district()
        if district is None:
            district = build_district(seed)
            self.stdout.write(f"Built {district.county.name}: {len(district.regions)} regions.")
        else:
            self.stdout.write(f"Using the existing {COUNTY_NAME}.")
        populate_mediators(district)
        if Case.objects.filter(region_path__startswith=district.county.path).exists():
            self.stdout.write("Note: the district already has cases; new ones are added to them.")

        def progress(done: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0
            self.stdout.write(f"\r  {done:,} / {total:,} cases · {rate:,.0f} cases/s", ending="")
            self.stdout.flush()

        generated = generate_cases(n, seed, district, batch_size=batch, progress=progress)
        if n:
            self.stdout.write("")
        self.stdout.write(
            f"Generated {generated.cases:,} cases, {generated.events:,} events, {generated.parties:,} parties, "
            f"{generated.mediations:,} mediation sessions, {generated.clocks:,} clocks in {generated.seconds:.1f} s "
            f"({generated.rate:,.0f} cases/s)."
        )
        clocks = backfill_clocks(Case.objects.filter(region_path__startswith=district.county.path))
        if clocks:  # open cases written before the generator wrote clocks itself
            self.stdout.write(f"Started {clocks:,} clocks on open cases written without them.")
        # the worker writes the district's latest daily, weekly and monthly stability reports
        ReportSchedule.objects.get_or_create(region=district.county, defaults={"daily": True})
        orders = sample_orders(district)
        self.stdout.write(f"Mediator orders: {orders}.")
        populate_points(district)
        self._lawsuits(district, seed)
        visits = self._follow_ups(district)
        self.stdout.write(f"Scheduled {visits} follow-up visits for the latest closed cases.")
        self._summary(district, time.monotonic() - started)

    @staticmethod
    def _lawsuits(district, seed: int) -> None:
        """Invented monthly lawsuit counts per street for the past year (about 7 a month per
        10,000 residents), standing in for the court's statistics so 万人成诉率 has figures."""
        import datetime as dt
        import random

        from django.utils import timezone

        from jiefen.analytics.models import LawsuitCount

        rng, month = random.Random(f"lawsuits:{seed}"), timezone.localdate().replace(day=1)
        rows = []
        for _ in range(13):
            for street in district.streets:
                count = round(street.population * 7 / 10_000 * rng.uniform(0.6, 1.4))
                rows.append(LawsuitCount(region=street, month=month, count=count, source="演示数据"))
            month = (month - dt.timedelta(days=1)).replace(day=1)
        LawsuitCount.objects.bulk_create(rows, ignore_conflicts=True)

    def _follow_ups(self, district, latest: int = 300) -> int:
        """The latest closed cases owe their follow-up visit (回访), as closing would have
        scheduled it; older ones are taken as visited (the generator writes no visits)."""
        from jiefen.followup.services import schedule

        closed = (
            Case.objects.filter(region_path__startswith=district.county.path, status=Status.CLOSED, follow_ups=None)
            .select_related("item", "region", "center", "origin_center").order_by("-closed_at")[:latest]
        )
        n = sum(1 for case in closed if schedule(case, case.closed_at))
        return n + self._follow_ups_for_the_grid_account()

    @staticmethod
    def _follow_ups_for_the_grid_account(wanted: int = 3) -> int:
        """The demo account 'grid' has a few visits to try the form on: its own grid's latest
        closed cases; when its grid has too few (a small or unlucky demo), its community's,
        handed to it."""
        from jiefen.followup.models import FollowUp
        from jiefen.followup.services import schedule, visitors_label

        post = Membership.objects.filter(user__username="grid", role=Role.GRID_WORKER).select_related("region", "user").first()
        if post is None:
            return 0
        closed = (Case.objects.filter(status=Status.CLOSED, follow_ups=None, item__follow_up_days__gt=0)
                  .select_related("item", "region", "center", "origin_center").order_by("-closed_at"))
        n = sum(1 for case in closed.filter(region=post.region)[:wanted] if schedule(case, case.closed_at))
        if n < wanted and post.region.parent_id:
            for case in closed.filter(region_path__startswith=post.region.parent.path)[:wanted - n]:
                follow_up = schedule(case, case.closed_at)
                if follow_up is not None:
                    FollowUp.objects.filter(pk=follow_up.pk).update(
                        region=post.region, assignee=post.user, assignee_label=visitors_label(post.region, [post.user])[:200])
                    n += 1
        return n

    def _summary(self, district, seconds: float) -> None:
        levels = Counter(Region.objects.filter(path__startswith=district.city.path).values_list("level", flat=True))
        self.stdout.write("Regions:  " + ", ".join(f"{Level(level).label} {count}" for level, count in sorted(levels.items())))
        self.stdout.write(f"Departments: {Department.objects.filter(region__path__startswith=district.county.path).count()}")
        self.stdout.write(f"Users: {User.objects.count()}")
        by_status = dict(
            Case.objects.filter(region_path__startswith=district.county.path)
            .values_list("status").annotate(n=Count("id")).order_by()
        )
        self.stdout.write(f"Cases: {sum(by_status.values()):,}")
        for status in Status:
            self.stdout.write(f"  {status.label:<6} {by_status.get(status.value, 0):>9,}")
        self.stdout.write(f"Done in {seconds:.1f} s.")
