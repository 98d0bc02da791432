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


LIST_FIELDS = ["organization", "name", "kind", "level", "hazard_factor", "accident_types", "engineering_measures",
               "management_measures", "emergency_measures", "responsible_person", "responsible_phone", "review_date",
               "region"]


@login_required
def high_risk_list(request):
    """较大以上风险清单 (.xlsx): every 重大 and 较大 risk point in the user's scope, most severe first."""
    from django.core.exceptions import PermissionDenied

    from yingji.core import tabular
    from yingji.core.registry import get_registry

    reg = get_registry("risk-points")
    if not request.user.has_perm(reg.perm("view")):
        raise PermissionDenied
    from django.db.models import Case, IntegerField, Value, When

    severity = Case(When(level="major", then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = reg.queryset(request.user).filter(level__in=["major", "high"]).order_by(severity, "organization__name", "name")
    return tabular.download(tabular.write_xlsx(reg, tabular.export_rows(reg, qs, LIST_FIELDS), LIST_FIELDS),
                            "较大以上风险清单.xlsx")
