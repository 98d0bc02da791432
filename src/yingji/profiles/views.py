"""Pages of the enterprise profile. Not operations: they only read (decision 0007) — the profile, the
enterprise index, the tag × township pivot (标签魔方) and the relationship view with its JSON (a DRF view:
token auth, in the schema). Each reads through the registries' scoped querysets, so a township user
sees its own enterprises only and an enterprise account its own record."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from yingji.core.framework.access import can
from yingji.core.framework.readviews import read_api, read_page
from yingji.core.framework.registry import get_registry
from yingji.core.framework.search import search_q
from yingji.core.models import Region
from yingji.profiles import graph, profile
from yingji.profiles.models import EnterpriseTag, TagKind

IDENTITY = ("credit_code", "kind", "industry_code", "scale", "region", "address", "legal_representative",
            "safety_manager", "safety_manager_phone", "phone", "employees")


def _orgs(user):
    return get_registry("organizations")  # the pages below declare they read it (read_page)


def _tags(user, org_ids):
    by_org = {}
    if not can(user, "view", EnterpriseTag):
        return by_org
    qs = get_registry("enterprise-tags").queryset(user).order_by("kind", "code").filter(organization_id__in=org_ids)
    for tag in qs.select_related(None).select_related("rule").defer("rule__expression"):
        by_org.setdefault(tag.organization_id, []).append(tag)
    return by_org


@read_page("organizations")
def index(request):
    """The enterprises in the user's scope, searchable and filterable by tag, each opening its profile."""
    reg = _orgs(request.user)
    qs = reg.queryset(request.user).filter(kind="enterprise").select_related("region")
    q, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "").strip()
    if q:
        qs = qs.filter(search_q(reg, q))
    if tag:
        qs = qs.filter(pk__in=EnterpriseTag.objects.filter(code=tag).values("organization_id"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    tags = _tags(request.user, [o.pk for o in page.object_list])
    rows = [(o, tags.get(o.pk, [])) for o in page.object_list]
    codes = (EnterpriseTag.objects.for_user(request.user).order_by().values("code", "label").annotate(n=Count("pk"))
             .order_by("-n")[:30] if can(request.user, "view", EnterpriseTag) else [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "profiles/index.html", {"page": page, "rows": rows, "q": q, "tag": tag, "codes": codes,
                                                   "query": query.urlencode()})


@read_page("organizations")
def by_pk(request, pk):
    """The organization record page's 企业全息档案 button (a record link takes the id)."""
    org = get_object_or_404(_orgs(request.user).queryset(request.user), pk=pk)
    return redirect("profiles_profile", org.credit_code)


def _org(request, code):
    reg = _orgs(request.user)
    return reg, get_object_or_404(reg.queryset(request.user), credit_code=code)


@read_page("organizations")
def profile_page(request, code):
    reg, org = _org(request, code)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None
    panels = profile.panels(request.user, org)
    this_year = timezone.localdate().year
    identity = []
    for name in IDENTITY:
        value = getattr(org, name)
        if name == "industry_code" and value:
            value = f"{value} {org.industry_label or ''}"
        elif name in ("kind", "scale"):
            value = getattr(org, f"get_{name}_display")()
        identity.append((reg.field_label(name), value))
    return render(request, "profiles/profile.html", {
        "org": org, "identity": identity, "panels": panels, "tags": _tags(request.user, [org.pk]).get(org.pk, []),
        "timeline": profile.timeline(request.user, org, year), "year": year,
        "years": list(range(this_year, this_year - 6, -1)), "layers": [p["layer"] for p in panels if p["layer"]],
        "can_tag": can(request.user, "add", EnterpriseTag) and org.kind == "enterprise",
        "tag_url": f"{reverse('registry_create', args=['enterprise-tags'])}?{urlencode({'organization': org.credit_code})}",
        "record_url": reverse("registry_detail", args=["organizations", org.pk]),
    })


@read_page("organizations")
def relations_page(request, code):
    _, org = _org(request, code)
    return render(request, "profiles/relations.html", {"org": org, "start": graph.node_id(get_registry("organizations"), org.pk)})


@extend_schema(summary="关系图：一个节点（登记簿:编号，如 organizations:12）的相邻记录（沿已有外键，按用户范围）",
               description="返回节点本身、指向它和它指向的记录（单位、风险点、危险源、监测点、人员、隐患、检查、执法案件、"
                           f"事故、失信名单），每种关系最多 {graph.NEIGHBOURS} 个，其余给出数量和列表链接。",
               tags=["企业全息档案"], parameters=[OpenApiParameter("node", str, required=True, description="登记簿:编号")],
               responses=OpenApiTypes.OBJECT)
@read_api("organizations")
def graph_api(request):
    node = request.GET.get("node", "").strip()
    if not node:
        raise ValidationError({"node": ["请给出节点：登记簿:编号，如 organizations:12"]})
    return Response(graph.neighbours(request.user, node))


@read_page("enterprise-tags")
def pivot(request):
    """标签魔方: tags × townships of the user's scope, each count linking to the filtered enterprise list."""
    townships = list(Region.objects.for_user(request.user).filter(level="township").order_by("code")
                     .values("code", "name", "path"))
    cells: dict[str, dict[str, int]] = {}
    labels: dict[str, tuple[str, str]] = {}
    rows = (EnterpriseTag.objects.for_user(request.user).order_by().values("code", "label", "kind", "region__path")
            .annotate(n=Count("pk")))
    for row in rows:
        labels.setdefault(row["code"], (row["label"], row["kind"]))
        town = next((t["code"] for t in townships if row["region__path"].startswith(t["path"])), "")
        cell = cells.setdefault(row["code"], {})
        cell[town] = cell.get(town, 0) + row["n"]
    orgs_url = reverse("registry_list", args=["organizations"])
    table = []
    for code in sorted(cells, key=lambda c: (labels[c][1] != TagKind.RULE, c)):
        counts = [(cells[code].get(t["code"], 0), f"{orgs_url}?{urlencode({'tag': code, 'region': t['code']})}")
                  for t in townships]
        table.append({"code": code, "label": labels[code][0], "manual": labels[code][1] == TagKind.MANUAL,
                      "cells": counts, "total": sum(cells[code].values()),
                      "url": f"{orgs_url}?{urlencode({'tag': code})}",
                      "map_url": f"{reverse('map')}?{urlencode({'tag': code})}"})
    return render(request, "profiles/pivot.html", {"townships": townships, "table": table})


