"""Warning target areas: GeoJSON polygons or circles, to and from CAP's "lat,lon" notation (pure)."""

from __future__ import annotations

import json
import math

from shapely.geometry import MultiPolygon, Polygon, shape

KM_PER_DEGREE = 111.32


def circle(lon: float, lat: float, radius_km: float, points: int = 64) -> Polygon:
    """A circle as a polygon in degrees (local equirectangular approximation; < 0.5 % error at 50 km)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or radius_km <= 0:
        raise ValueError("圆心经纬度或半径无效")
    dlat = radius_km / KM_PER_DEGREE
    dlon = dlat / math.cos(math.radians(lat))
    return Polygon([(lon + dlon * math.cos(2 * math.pi * k / points), lat + dlat * math.sin(2 * math.pi * k / points))
                    for k in range(points)])


def parse_area(text: str):
    """GeoJSON Polygon/MultiPolygon (or a Feature of one), or {"circle": [lon, lat, radius_km]}."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"预警范围不是有效的 JSON：{exc}") from None
    if isinstance(doc, dict) and "circle" in doc:
        try:
            lon, lat, km = (float(x) for x in doc["circle"])
        except (TypeError, ValueError):
            raise ValueError("圆形范围应写作 {\"circle\": [经度, 纬度, 半径公里]}") from None
        return circle(lon, lat, km)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = doc.get("geometry") or {}
    try:
        geom = shape(doc)
    except Exception as exc:
        raise ValueError(f"预警范围不是有效的 GeoJSON 几何：{exc}") from None
    if not isinstance(geom, Polygon | MultiPolygon) or not geom.is_valid or geom.is_empty:
        raise ValueError("预警范围应为有效的多边形（首尾闭合、不自相交）")
    return geom


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


def from_cap_circle(text: str) -> tuple[float, float, float]:
    centre, radius = text.split()
    lat, lon = (float(x) for x in centre.split(","))
    return lon, lat, float(radius)
