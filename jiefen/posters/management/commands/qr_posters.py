"""Print the grids' QR posters (`jiefen qr-posters --region CODE`): one A4 PDF per grid."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiefen.posters.services import file_name, grids_under, render_posters
from jiefen.regions.models import Region


class Command(BaseCommand):
    help = (
        "Write a printable A4 QR poster (PDF) for every grid under a region. The QR code and the "
        "short address printed under it start from the setting JIEFEN_PUBLIC_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True,
                            help="the region's 12-digit division code (行政区划代码) or its id")
        parser.add_argument("--out", default="qr-posters", help="the folder to write to (default: ./qr-posters)")
        parser.add_argument("--one-file", action="store_true",
                            help="write one PDF with a page per grid instead of a file per grid")

    def handle(self, *args, region, out, one_file=False, **options):
        root = find_region(region)
        grids = list(grids_under(root))
        if not grids:
            raise CommandError(f"{root.full_name or root.name} 下没有网格 (no grids under region {region}).")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        if one_file:
            path = folder / f"{root.division_code or root.pk}-{root.name}-posters.pdf"
            path.write_bytes(render_posters(grids))
            self.stdout.write(f"{path}  {len(grids)} page(s)")
            return
        for n, grid in enumerate(grids, 1):
            path = folder / file_name(grid)
            path.write_bytes(render_posters([grid]))
            self.stdout.write(f"[{n}/{len(grids)}] {path}")
        self.stdout.write(self.style.SUCCESS(f"{len(grids)} poster(s) written to {folder}"))


def find_region(code: str) -> Region:
    code = code.strip()
    if not code.isdigit():
        raise CommandError(f"区域代码应为12位行政区划代码或区域编号 (expected a 12-digit division code or an id, got {code!r}).")
    found = list(Region.objects.by_code(code))
    if len(found) > 1:
        raise CommandError(f"{len(found)} 个区域使用行政区划代码 {code}，请改用区域编号 (use the id): "
                           + json.dumps({r.pk: r.full_name for r in found}, ensure_ascii=False))
    if not found:
        raise CommandError(f"找不到区域 {code} (no region with that division code or id).")
    return found[0]
