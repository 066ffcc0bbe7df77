from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from jiefen.sla.defaults import load_calendar
from jiefen.taxonomy.defaults import DEFAULT_TAXONOMY, load_taxonomy


class Command(BaseCommand):
    help = (
        "Load (or refresh) the default policy tables: department types, categories, items, the "
        "working calendar, and each app's own defaults (its defaults.load_defaults())."
    )

    def add_arguments(self, parser):
        parser.add_argument("--taxonomy", default=str(DEFAULT_TAXONOMY), help="taxonomy JSON file")

    def handle(self, *args, **options):
        counts = load_taxonomy(options["taxonomy"])
        self.stdout.write(
            f"Loaded {counts['department_types']} department types, "
            f"{counts['categories']} categories, {counts['items']} items."
        )
        self.stdout.write(str(load_calendar()))
        for summary in load_app_defaults():
            self.stdout.write(summary)


def load_app_defaults() -> list[str]:
    """Call `load_defaults()` in every jiefen app that has a defaults module defining it (the
    warning words, the burst rules, the classifier threshold…), in installed order."""
    summaries = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jiefen.") or config.label in {"taxonomy", "sla"}:
            continue
        try:
            module = import_module(f"{config.name}.defaults")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.defaults":
                raise
            continue
        if hasattr(module, "load_defaults"):
            summaries.append(f"{config.label}: {module.load_defaults()}")
    return summaries
