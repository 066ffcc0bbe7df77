from django.core.management.base import BaseCommand, CommandError

from jiefen.imports.defaults import DEFAULT_SOURCES, load_sources
from jiefen.regions.models import Region


class Command(BaseCommand):
    help = ("Load (or refresh) the default work-order sources (12345, 110, petition, court) and their "
            "mappings. Idempotent; prints the webhook secret of each source it creates.")

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_SOURCES), help="sources JSON file")
        parser.add_argument("--region", help="division code (12 digits) or id of the region the sources serve")

    def handle(self, *args, **options):
        region = None
        if options["region"]:
            code = options["region"].strip()
            region = Region.objects.by_code(code).first()
            if region is None:
                raise CommandError(f"No region with division code or id {code!r}.")
        try:
            created, updated = load_sources(options["file"], region=region)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot load sources: {exc}") from exc
        for source in created:
            self.stdout.write(f"Created source {source.code} ({source.name}); webhook secret (keep it): {source.secret}")
        self.stdout.write(f"Sources: {len(created)} created, {len(updated)} updated.")
