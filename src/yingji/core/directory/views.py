"""The directory's pages: the home page (the county at a glance, then the apps' panels), the 一张图
map and the public county outline."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from yingji.core.directory.api import REGION_ATTRIBUTES
from yingji.core.framework.access import effective_region
from yingji.core.framework.views import home_panels, map_layers
from yingji.core.models import Organization, Person, Region


@login_required
def home(request):
    user = request.user
    regions = Region.objects.for_user(user)
    orgs = Organization.objects.for_user(user)
    by_kind = orgs.values("kind").annotate(n=Count("id")).order_by("-n")
    enterprises = orgs.filter(kind="enterprise").exclude(industry_code="")
    from yingji.core.directory.codes import industry_label

    industries: dict[str, int] = {}
    for code, n in enterprises.values_list("industry_code").annotate(n=Count("id")):
        label = industry_label(code)
        industries[label] = industries.get(label, 0) + n
    top_region = effective_region(user) or regions.filter(level="county").first() or regions.order_by("path").first()
    figures = [
        ("乡镇街道", regions.filter(level="township").count(), "个"),
        ("村社区", regions.filter(level="village").count(), "个"),
        ("企业", orgs.filter(kind="enterprise").count(), "家"),
        ("通讯录", Person.objects.for_user(user).count(), "人"),
    ]
    from yingji.core.directory.choices import OrganizationKind

    return render(request, "home.html", {
        "panels": home_panels(request),
        "figures": figures, "top_region": top_region, "map_level": map_level_for(user),
        "industries": sorted(industries.items(), key=lambda kv: -kv[1])[:10],
        "kinds": [(OrganizationKind(k["kind"]).label, k["n"]) for k in by_kind],
        "recent": LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:8]
        if user.is_staff else [],
    })


def map_level_for(user) -> str:
    """The level one below the user's own region: a county sees townships, a township villages."""
    region = effective_region(user) or Region.objects.filter(level="county").first()
    return {"province": "city", "city": "county", "county": "township"}.get(region.level if region else "", "village")


# Not an operation: the 一张图 page, it reads.
@login_required
def map_view(request):
    return render(request, "map.html", {"attributes": REGION_ATTRIBUTES, "map_level": map_level_for(request.user),
                                        "layers": map_layers(request.user),
                                        "levels": [("township", "乡镇街道"), ("village", "村社区"),
                                                   ("county", "县（市、区）")]})


# Not an operation: a public map layer (no login), it reads.
def public_boundary(request):
    """The county outline for public pages (no login): the only geometry the public map needs."""
    from django.http import JsonResponse

    county = Region.objects.filter(level="county").exclude(geometry__isnull=True).order_by("code").first()
    return JsonResponse({"type": "Feature", "geometry": county.geometry if county else None,
                         "properties": {"name": county.name if county else ""}})
