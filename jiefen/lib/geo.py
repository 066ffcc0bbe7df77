"""Small GeoJSON helpers for axis-aligned outlines (lon/lat, WGS84)."""

from __future__ import annotations

Rect = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def polygon(rect: Rect) -> dict:
    """The GeoJSON Polygon of a rectangle, its ring closed."""
    x0, y0, x1, y1 = rect
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def bounds(outline: dict) -> Rect:
    """The bounding rectangle of a Polygon's outer ring."""
    ring = outline["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)
