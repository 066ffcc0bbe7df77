"""Finding the place of a report that came without one picked from the tree: by its point
(the deepest outline that holds it) or by its address (the deepest region named in it)."""

from __future__ import annotations

from jiefen.lib.geo import contains

from .models import Level, Region


def region_at(longitude, latitude, within: Region | None = None) -> Region | None:
    """The deepest region whose outline holds the point, walking down from `within` (or the
    top of the tree). A region without an outline is looked through: its children are tried."""
    if within is not None and within.outline and not contains(within.outline, longitude, latitude):
        return None
    found = within
    frontier = list(within.children.order_by("path") if within else Region.objects.filter(parent=None))
    while frontier:
        region = frontier.pop(0)
        if not region.outline:
            frontier.extend(region.children.order_by("path"))
        elif contains(region.outline, longitude, latitude):
            found, frontier = region, list(region.children.order_by("path"))
    return found


def region_named(address: str, within: Region | None = None) -> Region | None:
    """The deepest region in `within`'s subtree whose name appears in the address (the
    longest name wins among equals: 幸福路社区 over 幸福路)."""
    address = (address or "").strip()
    if not address:
        return None
    regions = Region.objects.filter(level__gt=Level.CITY)
    if within is not None:
        regions = regions.subtree(within)
    best = None
    for region in regions.only("id", "name", "level", "path", "parent_id", "outline"):
        if region.name and region.name in address:
            if best is None or (region.level, len(region.name)) > (best.level, len(best.name)):
                best = region
    return best
