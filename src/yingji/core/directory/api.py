"""The directory's map endpoints: the region layer (coloured by attributes other apps may add) and
the address → region lookup."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.models import Organization, Region

REGION_ATTRIBUTES = {"population": "常住人口", "density": "人口密度（人/km²）", "gdp": "地区生产总值（亿元）",
                     "organizations": "单位数量"}
# Attributes other modules add to the region layer: key -> (label, fn(user, regions) -> {region id: value},
# categories {value: (label, colour)} for categorical attributes, or None for numeric ones).
REGION_ATTRIBUTE_PROVIDERS: dict = {}


def register_region_attribute(key: str, label: str, compute, categories: dict | None = None):
    REGION_ATTRIBUTES[key] = label
    REGION_ATTRIBUTE_PROVIDERS[key] = (compute, categories)


# Not an operation: a map layer (GET), it reads.
@extend_schema(summary="区划边界图层（GeoJSON），按指定属性着色", tags=["地图"], parameters=[
    OpenApiParameter("level", str, description="区划级别，如 township"),
    OpenApiParameter("parent", str, description="上级区划代码")], responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def region_layer(request):
    regions = Region.objects.for_user(request.user).exclude(geometry__isnull=True)
    if request.GET.get("level"):
        regions = regions.filter(level=request.GET["level"])
    if request.GET.get("parent"):
        regions = regions.filter(parent__code=request.GET["parent"])
    counts = dict(Organization.objects.for_user(request.user).values_list("region__path")
                  .annotate(n=Count("id")).values_list("region__path", "n"))
    regions = list(regions.order_by("code"))
    extra = {key: compute(request.user, regions) for key, (compute, _) in REGION_ATTRIBUTE_PROVIDERS.items()}
    features = []
    for r in regions:
        n_orgs = sum(n for path, n in counts.items() if path.startswith(r.path))
        features.append({"type": "Feature", "geometry": r.geometry, "properties": {
            "id": r.pk, "code": r.code, "name": r.name, "level": r.get_level_display(),
            "population": r.population, "density": r.population_density,
            "gdp": round(float(r.gdp_cny) / 1e8, 2) if r.gdp_cny else None, "organizations": n_orgs,
            "note": r.geometry_note, "url": f"/registry/regions/{r.pk}/",
            **{key: values.get(r.pk) for key, values in extra.items()}}})
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
