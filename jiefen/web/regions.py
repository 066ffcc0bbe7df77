from jiefen.regions.models import Level, Region


def region_tree() -> list[dict]:
    """The place picker's data: flat rows of the regions below the city, starting at the
    first level with a choice to make (a one-county deployment starts at its streets)."""
    rows = [
        {"id": i, "name": n, "level": lv, "parent": p}
        for i, n, lv, p in Region.objects.filter(level__gt=Level.CITY).values_list("id", "name", "level", "parent_id")
    ]
    while rows:
        top = min(r["level"] for r in rows)
        if sum(1 for r in rows if r["level"] == top) > 1:
            break
        rows = [r for r in rows if r["level"] != top]
    return rows


def region_outlines(region: Region) -> dict:
    """A GeoJSON FeatureCollection of the region's own outline and its children's, for the
    map point picker (a community and its grids). Regions without an outline are left out."""
    features = []
    for r in [region, *region.children.order_by("path")]:
        if r.outline:
            features.append({
                "type": "Feature",
                "geometry": r.outline,
                "properties": {"id": r.id, "name": r.name, "level": r.level, "parent": r.parent_id},
            })
    return {"type": "FeatureCollection", "features": features}
