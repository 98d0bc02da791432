"""GeoJSON helpers on Shapely (pure, no Django): validation, centroid and bounding box."""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
KM_PER_DEGREE = 111.32


def optional_float(value) -> float | None:
    """A coordinate typed into a form: a float, or None when empty or not a number."""
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_geometry(value) -> dict:
    """A GeoJSON geometry dict from a dict, a Feature or a JSON string; ValueError with a reason."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行）") from exc
    if not isinstance(value, dict):
        raise ValueError("应为 GeoJSON 几何对象")
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed input
        raise ValueError(f"不是有效的 GeoJSON 几何：{exc}") from exc
    if geom.is_empty:
        raise ValueError("几何为空")
    if not geom.is_valid:
        raise ValueError(f"几何无效：{explain_validity(geom)}")
    return value


def summarize(geometry: dict) -> dict:
    """Centroid (a point inside the shape) and bounding box of a GeoJSON geometry."""
    geom = shape(geometry)
    point = geom.centroid if geom.centroid.within(geom) else geom.representative_point()
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return {"centroid_lon": round(point.x, 6), "centroid_lat": round(point.y, 6),
            "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def lon_error(lon: float) -> str | None:
    lo, hi = CHINA_LON
    return None if lo <= lon <= hi else f"经度应在 {lo:g}–{hi:g} 之间（中国范围，WGS-84/CGCS2000）"


def lat_error(lat: float) -> str | None:
    lo, hi = CHINA_LAT
    return None if lo <= lat <= hi else f"纬度应在 {lo:g}–{hi:g} 之间（中国范围，WGS-84/CGCS2000）"


# ---- areas drawn on a map: a polygon, or a circle given as centre and radius ------------------------

def circle(lon: float, lat: float, radius_km: float, points: int = 64) -> Polygon:
    """A circle as a polygon in degrees (local equirectangular approximation; < 0.5 % error at 50 km)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or radius_km <= 0:
        raise ValueError("圆心经纬度或半径无效")
    dlat = radius_km / KM_PER_DEGREE
    dlon = dlat / math.cos(math.radians(lat))
    return Polygon([(lon + dlon * math.cos(2 * math.pi * k / points), lat + dlat * math.sin(2 * math.pi * k / points))
                    for k in range(points)])


def parse_area(text: str, what: str = "范围"):
    """GeoJSON Polygon/MultiPolygon (or a Feature of one), or {"circle": [lon, lat, radius_km]} — the
    two forms the map's area picker writes. ``what`` names the field in the error."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{what}不是有效的 JSON：{exc}") from None
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
        raise ValueError(f"{what}不是有效的 GeoJSON 几何：{exc}") from None
    if not isinstance(geom, Polygon | MultiPolygon) or not geom.is_valid or geom.is_empty:
        raise ValueError(f"{what}应为有效的多边形（首尾闭合、不自相交）")
    return geom


class AreaReach:
    """Distances in km from an area (0 inside it), on a local equirectangular plane around the area —
    accurate to well under 1 % across a county, and vectorised for many points at once."""

    def __init__(self, area):
        self.area = area
        self._kx = KM_PER_DEGREE * math.cos(math.radians(area.centroid.y))
        self._plane = shapely.transform(area, lambda xy: xy * [self._kx, KM_PER_DEGREE])

    def km(self, lons, lats) -> np.ndarray:
        points = shapely.points(np.asarray(lons, dtype=float) * self._kx, np.asarray(lats, dtype=float) * KM_PER_DEGREE)
        return shapely.distance(self._plane, points)

    def buffer(self, km: float):
        """The area grown by ``km`` all round, back in degrees (for drawing and for a lon/lat window)."""
        grown = self._plane.buffer(km, quad_segs=8) if km > 0 else self._plane
        return shapely.transform(grown, lambda xy: xy / [self._kx, KM_PER_DEGREE])


# ---- map layers by view (decision 0014) ----------------------------------------------------------
# Web-map zoom z shows 360° over 256·2^z pixels (Leaflet, OSM): a cluster cell of CELL_PX pixels at z
# is CELL_PX·360/(256·2^z) degrees of longitude.
CELL_PX = 64


def degrees_per_pixel(zoom: float) -> float:
    return 360.0 / (256.0 * 2.0 ** zoom)


def grid_cell(zoom: float | None, bbox: tuple[float, float, float, float] | None, max_cells: int) -> float:
    """The cluster cell (degrees) for a view: CELL_PX pixels at the zoom, and never so small that the
    view holds more than ``max_cells`` cells. Doubled from the zoom's cell, so a cell size comes from a
    short fixed ladder and the grid (anchored at 0°) does not shift as the user pans."""
    cell = CELL_PX * degrees_per_pixel(zoom if zoom is not None else 8)
    if bbox is not None:
        w, s, e, n = bbox
        width, height = max(e - w, 1e-9), max(n - s, 1e-9)
        while (math.ceil(width / cell) + 1) * (math.ceil(height / cell) + 1) > max_cells:
            cell *= 2
    return cell


def _rounded(coords, digits: int):
    if isinstance(coords, (int, float)):
        return round(coords, digits)
    return [_rounded(c, digits) for c in coords]


def simplified(geometry: dict, zoom: float) -> dict:
    """A polygon as a map at ``zoom`` can show it: simplified to a pixel (Douglas–Peucker keeping the
    topology valid), coordinates rounded to a tenth of a pixel (at least 6 decimals' worth at z ≥ 17)."""
    tolerance = degrees_per_pixel(zoom)
    geom = shape(geometry).simplify(tolerance, preserve_topology=True)
    digits = min(6, max(2, math.ceil(-math.log10(tolerance / 10))))
    out = shapely.geometry.mapping(geom)
    return {"type": out["type"], "coordinates": _rounded(out["coordinates"], digits)}
