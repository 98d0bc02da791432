"""The directory's map endpoints: the region layer (coloured by attributes other apps may add) and
the address → region lookup."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.directory.choices import RegionLevel
from yingji.core.framework import geo, maplayers
from yingji.core.models import Organization, Region

REGION_ATTRIBUTES = {"population": "常住人口", "density": "人口密度（人/km²）", "gdp": "地区生产总值（亿元）",
                     "organizations": "单位数量"}
# Attributes other modules add to the region layer: key -> (label, fn(user, regions) -> {region id: value},
# categories {value: (label, colour)} for categorical attributes, or None for numeric ones).
REGION_ATTRIBUTE_PROVIDERS: dict = {}
# key -> the query parameters the provider reads (an event, a period …), passed to it as keywords.
REGION_ATTRIBUTE_QUERY: dict = {}


def register_region_attribute(key: str, label: str, compute, categories: dict | None = None,
                              query: tuple[str, ...] = ()):
    """``query``: names of the layer request's parameters ``compute`` takes as keyword arguments (their
    text, or "" when absent), for attributes of a selection — 灾情 of one event or period — rather than
    of the regions alone. A provider checks them itself (a malformed one is its 400)."""
    REGION_ATTRIBUTES[key] = label
    REGION_ATTRIBUTE_PROVIDERS[key] = (compute, categories)
    REGION_ATTRIBUTE_QUERY[key] = tuple(query)


@dataclass(frozen=True)
class RegionRef:
    """What an attribute provider gets for each region of the layer: its id and path, no record."""

    pk: int
    path: str


# (region id, updated_at, zoom) -> simplified geometry. Regions are few (a county: ~360) and change
# rarely; the key's updated_at retires an edited boundary. Bounded: cleared when full.
_SIMPLIFIED: dict = {}
_SIMPLIFIED_MAX = 20000


def _geometries(rows: list[dict], zoom: float | None) -> dict:
    """Region id -> the geometry to send: simplified for the zoom (cached), or as stored without one.
    One query for the geometries not in the cache, none when all are."""
    if zoom is None:
        ids = [r["pk"] for r in rows]
        return dict(Region.objects.filter(pk__in=ids).values_list("pk", "geometry"))
    z = max(0, min(18, int(zoom)))
    keys = {r["pk"]: (r["pk"], r["updated_at"], z) for r in rows}
    missing = [pk for pk, key in keys.items() if key not in _SIMPLIFIED]
    if missing:
        if len(_SIMPLIFIED) + len(missing) > _SIMPLIFIED_MAX:
            _SIMPLIFIED.clear()
        for pk, geometry in Region.objects.filter(pk__in=missing).values_list("pk", "geometry"):
            _SIMPLIFIED[keys[pk]] = geo.simplified(geometry, z)
    return {pk: _SIMPLIFIED.get(key) for pk, key in keys.items()}


# Not an operation: a map layer (GET), it reads.
@extend_schema(summary="区划边界图层（GeoJSON），按指定属性着色；给出视图范围只返回范围内的区划，给出缩放级别按级别简化边界",
               tags=["地图"], parameters=[
                   OpenApiParameter("level", str, description="区划级别，如 township"),
                   OpenApiParameter("parent", str, description="上级区划代码"),
                   OpenApiParameter("attribute", str, description=(
                       "只计算这一项着色属性（如 risk）；不给时全部计算。按选择计算的属性另读其查询参数"
                       "（如灾情属性读 event、since、until、type）")),
                   *maplayers.PARAMETERS[:4],
                   OpenApiParameter("zoom", float, description="地图缩放级别（0–22）：边界简化到该级别的一个像素")],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def region_layer(request):
    view = maplayers.view_of(request)
    regions = Region.objects.for_user(request.user).exclude(geometry__isnull=True)
    if request.GET.get("level"):
        regions = regions.filter(level=request.GET["level"])
    if request.GET.get("parent"):
        regions = regions.filter(parent__code=request.GET["parent"])
    if view.bbox is not None:  # regions whose bounding box meets the view
        w, s, e, n = view.bbox
        regions = regions.filter(max_lon__gte=w, min_lon__lte=e, max_lat__gte=s, min_lat__lte=n)
    rows = list(regions.order_by("code").values("pk", "code", "name", "level", "path", "population", "area_km2",
                                                "gdp_cny", "geometry_note", "updated_at"))
    counts = dict(Organization.objects.for_user(request.user).values_list("region__path")
                  .annotate(n=Count("id")).order_by().values_list("region__path", "n"))
    refs = [RegionRef(r["pk"], r["path"]) for r in rows]
    wanted = request.GET.get("attribute", "")  # the page colours by one: the others need not be computed
    extra = {key: compute(request.user, refs, **{name: request.GET.get(name, "") for name in REGION_ATTRIBUTE_QUERY[key]})
             for key, (compute, _) in REGION_ATTRIBUTE_PROVIDERS.items() if wanted in ("", key)}
    geometries = _geometries(rows, view.zoom)
    levels = dict(RegionLevel.choices)
    features = []
    for r in rows:
        n_orgs = sum(n for path, n in counts.items() if path.startswith(r["path"]))
        density = round(r["population"] / float(r["area_km2"]), 1) if r["population"] and r["area_km2"] else None
        features.append({"type": "Feature", "geometry": geometries.get(r["pk"]), "properties": {
            "id": r["pk"], "code": r["code"], "name": r["name"], "level": str(levels.get(r["level"], r["level"])),
            "population": r["population"], "density": density,
            "gdp": round(float(r["gdp_cny"]) / 1e8, 2) if r["gdp_cny"] else None, "organizations": n_orgs,
            "note": r["geometry_note"], "url": f"/registry/regions/{r['pk']}/",
            **{key: values.get(r["pk"]) for key, values in extra.items()}}})
    categories = {key: {v: list(lc) for v, lc in cats.items()}
                  for key, (_, cats) in REGION_ATTRIBUTE_PROVIDERS.items() if cats}
    return Response({"type": "FeatureCollection", "features": features, "attributes": REGION_ATTRIBUTES,
                     "categories": categories})


# Not an operation: a lookup for forms and maps (GET), it reads.
@extend_schema(summary="按地址识别区划：地址中的乡镇、村社区名称 → 区划（在您的管辖范围内）", tags=["地图"],
               parameters=[OpenApiParameter("address", str, description="地址，如 大瑶镇大瑶村三组")],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def locate_address(request):
    from yingji.core.directory import public_forms

    try:
        region = public_forms.locate_address(request.GET.get("address", ""), Region.objects.for_user(request.user))
    except public_forms.Refused as exc:
        return Response({"region": None, "error": str(exc)})
    if region is None:
        return Response({"region": None, "error": "地址中没有识别出本辖区的乡镇或村社区名称"})
    path_name = f"{region.parent.name if region.parent else ''}{region.name}"
    return Response({"region": {"code": region.code, "name": region.name, "path_name": path_name,
                                "lon": region.centroid_lon, "lat": region.centroid_lat}, "error": None})
