from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yingji.core.access import effective_region
from yingji.core.api import REGION_ATTRIBUTES
from yingji.core.views import map_level_for
from yingji.risk import maps, scoring


@login_required
def risk_map(request):
    """四色图: the region map coloured by highest risk level, with counts by level."""
    counts = maps.counts_by_level(request.user, effective_region(request.user))
    return render(request, "map.html", {
        "attributes": REGION_ATTRIBUTES, "map_level": map_level_for(request.user), "initial_attribute": "risk",
        "title": "四色图", "point_layer": "risk-points", "points_label": "显示风险点",
        "levels": [("township", "乡镇街道"), ("village", "村社区"), ("county", "县（市、区）")],
        "level_counts": [(scoring.LEVEL_LABELS[k], scoring.LEVEL_COLOURS[k][1], n) for k, n in counts.items()]})
