from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from yingji.core.directory.api import REGION_ATTRIBUTES
from yingji.core.directory.views import map_level_for
from yingji.core.framework import maplayers
from yingji.core.framework.access import effective_region
from yingji.core.framework.readviews import read_api, read_page
from yingji.risk import lists, maps, scoring


# Not an operation: a map page, it reads (a declared read view over the risk points).
@read_page("risk-points")
def risk_map(request):
    """四色图: the region map coloured by highest risk level, with counts by level."""
    counts = maps.counts_by_level(request.user, effective_region(request.user))
    return render(request, "map.html", {
        "attributes": REGION_ATTRIBUTES, "map_level": map_level_for(request.user), "initial_attribute": "risk",
        "title": "四色图", "point_layer": "risk-enterprises", "points_label": "显示企业（按最高风险等级着色）",
        "levels": [("township", "乡镇街道"), ("village", "村社区"), ("county", "县（市、区）")],
        "level_counts": [(scoring.LEVEL_LABELS[k], scoring.LEVEL_COLOURS[k][1], n) for k, n in counts.items()]})


# Not an operation: it reads (counts and download links).
@read_page("risk-points")
def risk_lists(request):
    """一图一牌三清单: counts and downloads of the three lists."""
    from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget

    user = request.user
    counts = {"high-risks": RiskPoint.objects.for_user(user).filter(level__in=["major", "high"]).count(),
              "major-sources": HazardSource.objects.for_user(user).filter(is_major=True).count(),
              "vulnerable-targets": VulnerableTarget.objects.for_user(user).count()}
    return render(request, "risk/lists.html", {"lists": [(key, label, counts[key]) for key, (label, _) in lists.LISTS.items()]})


# Not an operation: a download of what the user may see.
@read_page("risk-points")
def risk_list_download(request, name):
    """One of the three lists as .xlsx, within the user's scope."""
    from django.http import Http404

    from yingji.core.framework import tabular

    if name not in lists.LISTS:
        raise Http404
    label, build = lists.LISTS[name]
    return tabular.download(build(request.user), f"{label}.xlsx")


# Not an operation: a printable page of one record, it reads.
@read_page("risk-points")
def notice_card_print(request, pk):
    """风险告知卡 as a printable A4 page: print it, or save it as PDF from the browser's print dialog."""
    from django.shortcuts import get_object_or_404

    point = get_object_or_404(notice_card_print.read_view.queryset(request.user), pk=pk)
    colour = scoring.LEVEL_COLOURS.get(point.level, ("", "#6b7785"))
    return render(request, "risk/notice_card.html", {"p": point, "colour": colour[1], "colour_name": colour[0]})


# Not an operation: a map layer (GET), it reads.
@extend_schema(summary="四色图企业图层（GeoJSON）：企业按其风险点的最高等级着色；按视图范围和缩放级别返回企业或聚合",
               tags=["地图"], parameters=[OpenApiParameter("region", str, description="区划代码（含下级）"),
                                        *maplayers.PARAMETERS],
               responses=OpenApiTypes.OBJECT)
@read_api("risk-points", not_found=True)  # a map layer: 404 to a role without it, as the point layers answer
def enterprise_layer_api(request):
    """GeoJSON: enterprises coloured by their highest risk level (the 四色图's point layer)."""
    return Response(maps.enterprise_layer(request.user, request.GET.get("region"), maplayers.view_of(request)))
