"""Map layers by view (decision 0014): what a map shows is read for the view it shows — a bounding box
and a zoom — with only the columns a feature needs, and at low zoom as grid clusters counted in SQL, so
a layer's size and time follow the view, never the table.

A layer answers a GeoJSON FeatureCollection with, besides its features, ``clustered`` (whether
features are clusters), ``total`` (the records in the view, clustered or not) and ``cap``. A cluster
is a Point feature with ``cluster: true``, ``count``, ``bbox`` [w, s, e, n] of its records and the
colour of its most severe record; a cluster of one record is sent as that record's point.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Case, Count, F, IntegerField, Max, Min, Value, When
from django.db.models.functions import Floor
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from yingji.core.framework import geo
from yingji.core.framework.rest import query_number

# The hard cap on features in one layer response, clusters or points: ~2,000 features of a few
# properties are ~250 KB of JSON. A view holding more records is clustered, whatever the zoom.
MAX_FEATURES = 2000
# Below this zoom (a township fills a desk screen at ~12) a view with more than CLUSTER_ABOVE records
# is clustered; from it on, records are sent as points up to MAX_FEATURES.
CLUSTER_ZOOM = 14
CLUSTER_ABOVE = 300

BBOX = ("west", "south", "east", "north")
PARAMETERS = [
    *(OpenApiParameter(k, float, description="视图范围（经纬度，WGS-84；四个一起给才生效）") for k in BBOX),
    OpenApiParameter("zoom", float, description=(
        f"地图缩放级别（0–22）。低于 {CLUSTER_ZOOM} 级且范围内多于 {CLUSTER_ABOVE} 条时按网格聚合，"
        f"任何级别下多于 {MAX_FEATURES} 条时也聚合；每次最多返回 {MAX_FEATURES} 个要素")),
]


@dataclass(frozen=True)
class View:
    bbox: tuple[float, float, float, float] | None  # west, south, east, north
    zoom: float | None

    @property
    def point_limit(self) -> int:
        """How many records the view may show as points before it is clustered."""
        low = self.zoom is not None and self.zoom < CLUSTER_ZOOM
        return min(CLUSTER_ABOVE, MAX_FEATURES) if low else MAX_FEATURES


def view_of(request) -> View:
    """The view a layer request names; a malformed number is a 400 naming the parameter."""
    zoom = query_number(request, "zoom", None, low=0, high=22)
    w, s, e, n = (query_number(request, k, None, low=-180 if k in ("west", "east") else -90,
                               high=180 if k in ("west", "east") else 90) for k in BBOX)  # each one checked
    if None in (w, s, e, n):
        return View(None, zoom)
    if w > e or s > n:
        raise serializers.ValidationError({"west": ["范围应为 west ≤ east、south ≤ north"]})
    return View((w, s, e, n), zoom)


def in_view(qs, view: View, lon: str = "lon", lat: str = "lat"):
    qs = qs.exclude(**{f"{lon}__isnull": True}).exclude(**{f"{lat}__isnull": True})
    if view.bbox is None:
        return qs
    w, s, e, n = view.bbox
    return qs.filter(**{f"{lon}__gte": w, f"{lon}__lte": e, f"{lat}__gte": s, f"{lat}__lte": n})


def rank_of(field: str, values) -> Case:
    """0 for the first of ``values``, 1 for the next …, len(values) for anything else: the smallest
    rank in a cluster is its most severe value."""
    return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)),
                default=Value(len(values)), output_field=IntegerField())


def point(lon, lat, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def _grid(qs, view: View, lon: str, lat: str) -> float:
    bbox = view.bbox
    if bbox is None:  # the whole layer: its extent sets the grid
        ext = qs.aggregate(x_w=Min(lon), x_s=Min(lat), x_e=Max(lon), x_n=Max(lat))
        bbox = (ext["x_w"], ext["x_s"], ext["x_e"], ext["x_n"]) if ext["x_w"] is not None else (0.0, 0.0, 0.0, 0.0)
    return geo.grid_cell(view.zoom, bbox, MAX_FEATURES // 2)


def _cells(rows, extra=()) -> list[dict]:
    out = [{"count": r[2], "lon": round(r[3], 6), "lat": round(r[4], 6), "bbox": [r[5], r[6], r[7], r[8]],
            "key": r[9], "rank": r[10], "extra": dict(zip(extra, r[11:], strict=True))} for r in rows]
    out.sort(key=lambda c: -c["count"])
    return out[:MAX_FEATURES]  # a guard: the grid already keeps within it


def clusters(qs, view: View, *, lon: str = "lon", lat: str = "lat", key: str = "pk", rank=None, extra=()) -> list[dict]:
    """Grid clusters of ``qs`` (already in the view): one row per cell, grouped in SQL, with the count,
    the mean position, the bounding box, the smallest ``key`` (the record of a one-record cluster), the
    smallest ``rank`` and the smallest of each ``extra`` column (for a one-record cell: its values, so
    it is drawn as its point without another query). At most MAX_FEATURES cells: the cell grows until
    the view holds no more."""
    cell = _grid(qs, view, lon, lat)
    more = {f"c_x{i}": Min(name) for i, name in enumerate(extra)}
    rows = (qs.order_by().annotate(cx=Floor(F(lon) / cell), cy=Floor(F(lat) / cell)).values("cx", "cy")
            .annotate(c_count=Count("pk"), c_lon=Avg(lon), c_lat=Avg(lat), c_w=Min(lon), c_s=Min(lat),
                      c_e=Max(lon), c_n=Max(lat), c_key=Min(key), c_rank=Min(rank) if rank is not None else Value(0),
                      **more)
            .values_list("cx", "cy", "c_count", "c_lon", "c_lat", "c_w", "c_s", "c_e", "c_n", "c_key", "c_rank", *more))
    return _cells(rows, extra)


def clusters_of_groups(grouped, view: View, *, lon: str, lat: str, key: str, rank: str, extent: tuple) -> list[dict]:
    """Grid clusters of rows that are themselves groups (``grouped``: a values() queryset with one row
    per ``key`` — an enterprise with its place and the smallest rank of its risk points): the cells
    are grouped over it as a derived table, in the same statement. ``extent``: (queryset, lon, lat)
    whose extent sets the grid when the view has no bounding box."""
    from django.db import connection

    cell = _grid(*extent[:1], view, *extent[1:])
    inner, params = grouped.order_by().query.sql_with_params()
    q = connection.ops.quote_name
    sql = (f"SELECT FLOOR(g.{q(lon)} / %s), FLOOR(g.{q(lat)} / %s), COUNT(*), AVG(g.{q(lon)}), AVG(g.{q(lat)}), "
           f"MIN(g.{q(lon)}), MIN(g.{q(lat)}), MAX(g.{q(lon)}), MAX(g.{q(lat)}), MIN(g.{q(key)}), MIN(g.{q(rank)}) "
           f"FROM ({inner}) g GROUP BY 1, 2")
    with connection.cursor() as cur:
        cur.execute(sql, [cell, cell, *params])
        return _cells(cur.fetchall())


def cluster_feature(c: dict, colour: str | None) -> dict:
    props = {"cluster": True, "count": c["count"], "bbox": c["bbox"]}
    if colour:
        props["colour"] = colour
    return point(c["lon"], c["lat"], props)


def collection(features: list[dict], *, clustered: bool, total: int, **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, "clustered": clustered, "total": total,
            "cap": MAX_FEATURES, **extra}


def layer(qs, view: View, points, *, colour=None, rank=None, lon="lon", lat="lat", key="pk", cells=None,
          extra=(), single=None) -> dict:
    """The layer of ``qs`` for ``view``: its records as points — ``points(qs, limit)`` returns up to
    ``limit`` point features, reading only their own columns — while the view holds no more than its
    point limit, else grid clusters (``colour(rank)`` names a cluster's colour) with one-record cells
    sent as points: ``single(cell)`` builds one from the cell's ``extra`` columns, else they are read
    in one query. ``cells(qs)`` replaces the grouping (clusters_of_groups).

    Queries, whatever the number of rows: at low zoom the grouped query (and the points when the
    view holds few); zoomed in, up to limit + 1 points (and the grouped query when there are more);
    one more without a bounding box (the extent), one more for one-record cells without ``single``."""
    qs = in_view(qs, view, lon, lat)
    limit = view.point_limit

    def grouped():
        return cells(qs) if cells else clusters(qs, view, lon=lon, lat=lat, key=key, rank=rank, extra=extra)

    if limit < MAX_FEATURES:  # low zoom: clusters are likely, and their sum says whether points would do
        found = grouped()
        total = sum(c["count"] for c in found)
        if total <= limit:  # few enough: their points (none to read in an empty view)
            return collection(points(qs, limit) if total else [], clustered=False, total=total)
    else:
        features = points(qs, limit + 1)
        if len(features) <= limit:
            return collection(features, clustered=False, total=len(features))
        found = grouped()
    lone = {}
    singles = {c["key"] for c in found if c["count"] == 1}
    if singles and single is None:
        lone = {f["properties"]["id"]: f for f in points(qs.filter(**{f"{key}__in": singles}), len(singles))}
    out = []
    for c in found:
        if c["count"] == 1 and (single is not None or c["key"] in lone):
            out.append(single(c) if single is not None else lone[c["key"]])
        else:
            out.append(cluster_feature(c, colour(c["rank"]) if colour else None))
    return collection(out, clustered=True, total=sum(c["count"] for c in found))
