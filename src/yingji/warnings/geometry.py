"""Warning target areas: GeoJSON polygons or circles, to and from CAP's "lat,lon" notation (pure)."""

from __future__ import annotations

import json

from shapely.geometry import MultiPolygon, Polygon

from yingji.core.framework import geo


def parse_area(text: str):
    """A warning's 预警范围: a polygon or a circle (core.geo.parse_area)."""
    return geo.parse_area(text, "预警范围")


def circle_of(text: str) -> tuple[float, float, float] | None:
    doc = json.loads(text) if text.strip() else None
    return tuple(float(x) for x in doc["circle"]) if isinstance(doc, dict) and "circle" in doc else None


def cap_polygons(geom) -> list[str]:
    """CAP <polygon> strings: "lat,lon" pairs, first = last."""
    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return [" ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in p.exterior.coords) for p in parts]


def from_cap_polygon(text: str) -> Polygon:
    pairs = [p.split(",") for p in text.split()]
    ring = [(float(lon), float(lat)) for lat, lon in pairs]
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise ValueError("CAP polygon 至少 4 个点且首尾相同")
    return Polygon(ring)
