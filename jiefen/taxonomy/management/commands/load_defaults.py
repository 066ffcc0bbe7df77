from django.core.management.base import BaseCommand

from jiefen.sla.defaults import load_calendar
from jiefen.taxonomy.defaults import DEFAULT_TAXONOMY, load_taxonomy


class Command(BaseCommand):
    help = "Load (or refresh) the default policy tables: department types, categories, items."

    def add_arguments(self, parser):
        parser.add_argument("--taxonomy", default=str(DEFAULT_TAXONOMY), help="taxonomy JSON file")

    def handle(self, *args, **options):
        counts = load_taxonomy(options["taxonomy"])
        self.stdout.write(
            f"Loaded {counts['department_types']} department types, "
            f"{counts['categories']} categories, {counts['items']} items."
        )
        self.stdout.write(str(load_calendar()))
