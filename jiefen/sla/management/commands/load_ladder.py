"""Copy one of the shipped escalation ladders onto a region (`jiefen load-ladder`)."""

import json

from django.core.management.base import BaseCommand, CommandError

from jiefen.regions.models import Region
from jiefen.sla.ladder_defaults import LADDERS_FILE, load_ladder, read_ladders


class Command(BaseCommand):
    help = (
        "Copy a shipped escalation ladder (xiangxi-321, xigu-4) onto a region and its subtree. "
        "Rules the region already has for a level are kept unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("ladder", nargs="?", help="the ladder's code; without it, list the ladders")
        parser.add_argument("--region", help="the region's id or exact name")
        parser.add_argument("--replace", action="store_true", help="overwrite the region's rules for the same levels")

    def handle(self, *args, ladder=None, region=None, replace=False, **options):
        ladders = read_ladders()
        if not ladder:
            for spec in ladders.values():
                levels = ", ".join(f"{r['level']}: {r['max_attempts'] or '-'} attempts / {r['budget_days'] or '-'} days"
                                   f"{' (automatic)' if r['automatic'] else ' (proposed)'}" for r in spec["rules"])
                self.stdout.write(f"{spec['code']}  {spec['name']}  [{levels}]")
            self.stdout.write(f"(from {LADDERS_FILE})")
            return
        if ladder not in ladders:
            raise CommandError(f"no ladder {ladder!r}; shipped: {', '.join(ladders)}")
        if not region:
            raise CommandError("say which region: --region ID or --region NAME")
        found = list(Region.objects.filter(pk=int(region))) if region.isdigit() else list(Region.objects.filter(name=region))
        if not found:
            raise CommandError(f"no region {region!r}")
        if len(found) > 1:
            raise CommandError(f"{len(found)} regions are called {region!r}; use the id: "
                               + json.dumps({r.pk: r.full_name for r in found}, ensure_ascii=False))
        result = load_ladder(ladders[ladder], found[0], replace=replace)
        self.stdout.write(
            f"{ladders[ladder]['name']} on {found[0].full_name or found[0].name}: "
            f"{result['created']} rule(s) created, {result['replaced']} replaced, {result['kept']} kept."
        )
