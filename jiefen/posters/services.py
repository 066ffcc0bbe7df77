"""QR posters for the grids: the short address a poster's code points at, who may print a
grid's poster, and the one function that renders posters to PDF (used by the staff page
and by `jiefen qr-posters`)."""

from __future__ import annotations

import logging
import re

import segno
from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from jiefen.accounts.models import Membership, Role
from jiefen.regions.models import Level, Region

from . import codes
from .models import Hotline

QR_ERROR = "q"  # survives a quarter of the code being dirty or torn, still a small symbol
LONG_NAME = 14  # characters of a grid's name that fit on one line at the poster's size
QR_SCALE = 16  # pixels per module in the embedded PNG; printed without smoothing


def short_code(grid: Region) -> str:
    return codes.encode(grid.pk)


def short_url(grid: Region) -> str:
    """The absolute address printed on the poster and carried by its QR code."""
    return settings.JIEFEN_PUBLIC_URL + reverse("posters:short", args=[short_code(grid)])


def grid_for_code(code: str) -> Region | None:
    pk = codes.decode(code)
    if pk is None:
        return None
    return Region.objects.filter(pk=pk, level=Level.GRID).first()


def report_url(grid: Region) -> str:
    """Where a scanned code lands: the resident's report form with the grid chosen and the
    case's channel set to 扫码报事."""
    return f"{reverse('report')}?region={grid.pk}&via=qr"


def grids_under(region: Region) -> QuerySet[Region]:
    return Region.objects.subtree(region).filter(level=Level.GRID).order_by("path")


def printable_grids(user) -> QuerySet[Region]:
    """The grids whose posters `user` may print: those in the subtree of a region where the
    user holds a center post (department handlers hold none); superusers print any."""
    grids = Region.objects.filter(level=Level.GRID).order_by("path")
    if user.is_superuser:
        return grids
    q = Q(pk__in=[])
    for m in user.memberships_cached():
        if m.region_id and m.role != Role.HANDLER:
            q |= Q(path__startswith=m.region.path)
    return grids.filter(q)


def can_print(user, grid: Region) -> bool:
    return user.is_authenticated and printable_grids(user).filter(pk=grid.pk).exists()


def qr_png_data_uri(url: str) -> str:
    return segno.make(url, error=QR_ERROR, micro=False).png_data_uri(scale=QR_SCALE, border=4)


def hotline_for(grid: Region) -> Hotline | None:
    """The hotline of the nearest region above (or at) the grid that has one."""
    return Hotline.objects.filter(region__in=grid.ancestors()).select_related("region").order_by(
        "-region__path"
    ).first()


def grid_workers(grid: Region) -> list[str]:
    members = Membership.objects.filter(region=grid, role=Role.GRID_WORKER, user__is_active=True)
    return [str(m.user) for m in members.select_related("user").order_by("user__full_name", "user_id")]


def poster_context(grid: Region) -> dict:
    chain = list(grid.ancestors())
    url = short_url(grid)
    return {
        "grid": grid,
        "long_name": len(grid.name) > LONG_NAME,
        "places": [r for r in chain if Level.STREET <= r.level < Level.GRID],
        "county": next((r for r in reversed(chain) if r.level == Level.COUNTY), None),
        "center": grid.intake_center().display_center,
        "code": short_code(grid),
        "url": url,
        "url_display": re.sub(r"^https?://", "", url),
        "qr": qr_png_data_uri(url),
        "workers": grid_workers(grid),
        "hotline": hotline_for(grid),
    }


def render_posters(grids: list[Region] | QuerySet[Region]) -> bytes:
    """One A4 page per grid, in one PDF. Posters are printed for residents, so they are in
    Chinese whatever language the person printing them uses."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # no "Step 1 - …" lines
    from weasyprint import HTML  # slow to import; only the printing paths need it

    with translation.override("zh-hans"):
        html = render_to_string("posters/poster.html", {"posters": [poster_context(g) for g in grids]})
    return HTML(string=html).write_pdf()


def file_name(grid: Region) -> str:
    """`东关街道-东关社区-第1网格-0CGK.pdf`: sorts by place, names the grid, ends with its code."""
    names = [r.name for r in grid.ancestors() if Level.STREET <= r.level <= Level.GRID]
    stem = "-".join(re.sub(r"[\\/:*?\"<>|\s]+", "_", n) for n in names)
    prefix = f"{grid.division_code}-" if grid.division_code else ""
    return f"{prefix}{stem}-{short_code(grid)}.pdf"
