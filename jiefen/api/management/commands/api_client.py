"""Manage API clients: `jiefen api_client issue|rotate|revoke|list`.

    jiefen api_client issue --name 12345热线 --region 370102000000 [--role clerk] [--channel 12345]
    jiefen api_client rotate --name 12345热线
    jiefen api_client revoke --name 12345热线
    jiefen api_client list

The key is printed once, on its own line, at issue and rotate; only its hash is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jiefen.accounts.models import Role
from jiefen.api.models import ApiClient
from jiefen.cases.models import Channel
from jiefen.regions.models import Region


class Command(BaseCommand):
    help = "Issue, rotate, revoke and list the keys of other systems that call the API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        issue = sub.add_parser("issue", help="a new client and its key (printed once)")
        issue.add_argument("--name", required=True)
        issue.add_argument("--region", required=True, help="region id or 12-digit division code")
        issue.add_argument("--role", default=Role.CLERK, choices=Role.values)
        issue.add_argument("--channel", default=Channel.API, choices=Channel.values)
        for name, text in (("rotate", "a new key for a client; the old one stops working"),
                           ("revoke", "the client's key stops working at once")):
            sub.add_parser(name, help=text).add_argument("--name", required=True)
        sub.add_parser("list", help="all clients")

    def handle(self, *args, what, **options):
        getattr(self, f"do_{what}")(**options)

    def do_issue(self, name, region, role, channel, **_):
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"a client named {name!r} exists already (rotate its key instead)")
        place = _region(region)
        client, key = ApiClient.issue(name, place, channel=channel, role=role)
        self.stderr.write(f"Issued {client.name}: {role} at {place.name}, channel {channel}. "
                          "The key is shown once; store it now:")
        self.stdout.write(key)

    def do_rotate(self, name, **_):
        client = _client(name)
        self.stderr.write(f"New key for {client.name}; the old key no longer works. Shown once:")
        self.stdout.write(client.rotate())

    def do_revoke(self, name, **_):
        client = _client(name)
        client.revoke()
        self.stdout.write(f"Revoked {client.name}.")

    def do_list(self, **_):
        for c in ApiClient.objects.select_related("region"):
            state = f"revoked {c.revoked_at:%Y-%m-%d %H:%M}" if c.revoked_at else "active"
            used = f"{c.last_used_at:%Y-%m-%d %H:%M}" if c.last_used_at else "never"
            self.stdout.write(f"{c.name}\t{c.channel}\t{c.role}\t{c.region.name}\tjf_{c.key_id}_…\t{state}\tlast used {used}")


def _region(value: str) -> Region:
    value = value.strip()
    region = Region.objects.by_code(value).first()
    if region is None:
        region = Region.objects.filter(name=value).first()
    if region is None:
        raise CommandError(f"no region {value!r} (give its id, 12-digit division code or exact name)")
    return region


def _client(name: str) -> ApiClient:
    client = ApiClient.objects.filter(name=name, revoked_at__isnull=True).first()
    if client is None:
        raise CommandError(f"no active client named {name!r}")
    return client
