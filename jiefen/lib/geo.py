"""GeoJSON helpers (lon/lat, WGS84): the demo's rectangular outlines, and point-in-outline
tests through shapely for any outline an administrator loads."""

from __future__ import annotations

import json
from functools import lru_cache

from shapely import Point, prepare
from shapely.geometry import shape

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


def contains(outline: dict, longitude: float, latitude: float) -> bool:
    """Whether a point lies inside (or on the edge of) a GeoJSON Polygon or MultiPolygon."""
    return _prepared(_key(outline)).covers(Point(float(longitude), float(latitude)))


def _key(outline: dict) -> str:
    return json.dumps(outline, sort_keys=True)


@lru_cache(maxsize=4096)
def _prepared(key: str):
    geometry = shape(json.loads(key))
    prepare(geometry)
    return geometry
