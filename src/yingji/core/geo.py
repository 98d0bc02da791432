"""GeoJSON helpers on Shapely (pure, no Django): validation, centroid and bounding box."""

from __future__ import annotations

import json

from shapely.geometry import shape
from shapely.validation import explain_validity

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


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
