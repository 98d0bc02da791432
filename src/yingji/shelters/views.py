"""Pages and read-only endpoints of shelter operations: the duplicate candidates of an event, the
shelter figures for the 灾情 report, and the public 寻亲 page. They read (computations and a public
page), so they are not operations; every change is an operation (operations.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.framework.net import client_ip
from yingji.shelters import services

VIEW = "shelters.view_household"


def _event(user, pk):
    from yingji.disasters.models import DisasterEvent

    return DisasterEvent.objects.for_user(user).filter(pk=pk).first() if str(pk or "").isdigit() else None


def _rows(user, event) -> list[dict]:
    from yingji.core.framework.registry import get_registry

    masked = get_registry("shelter-evacuees").masked_fields(user)

    def side(p):
        return {"card_number": p.get("card_number"), "shelter": p["shelter"],
                "name": "***" if "name" in masked else p["name"],
                "id_number": "***" if "id_number" in masked else p["id_number"]}

    return [{"reason": c.reason_label, "first": side(c.first), "second": side(c.second)}
            for c in services.duplicate_candidates(event, user)]


# Not an operation: a computation over the registrations (GET), it reads.
@extend_schema(summary="灾情事件全部安置点的疑似重复登记（身份证号码相同；姓名和电话相同；姓名、户籍村和出生年份相同），只列出不合并",
               tags=["避灾安置"], responses=OpenApiTypes.OBJECT,
               parameters=[OpenApiParameter("event", int, description="灾情事件编号", required=True)])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def duplicates_api(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    event = _event(request.user, request.query_params.get("event"))
    if event is None:
        raise ValidationError({"event": ["请给出本辖区的灾情事件编号"]})
    return Response({"event": event.pk, "candidates": _rows(request.user, event)})


# Not an operation: a list page, it reads.
@login_required
def duplicates_page(request):
    from yingji.disasters.models import DisasterEvent

    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    events = DisasterEvent.objects.for_user(request.user).filter(shelter_activations__isnull=False).distinct()
    event = _event(request.user, request.GET.get("event")) or events.first()
    return render(request, "shelters/duplicates.html", {
        "events": events, "event": event, "rows": _rows(request.user, event) if event else []})


# Not an operation: figures computed from the registrations (GET), for the 灾情 report's 集中安置 lines.
@extend_schema(summary="灾情事件的集中安置数据（按乡镇和全县）：集中安置人口（累计、实时）和集中安置点数，供灾情报告填报参考",
               tags=["避灾安置"], responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def report_figures_api(request, pk):
    if not request.user.has_perm("disasters.view_disasterreport"):
        raise PermissionDenied
    event = _event(request.user, pk)
    if event is None:
        raise NotFound
    return Response({"event": event.pk, "townships": services.report_figures(event)})


def family_search(request):
    """Public page (no login; per-event switch and rate limits are its checks), so not an operation."""
    from yingji.core.directory.public_forms import Refused
    from yingji.shelters import public

    context = {"events": public.events().order_by("-onset_date"), "data": request.POST, "results": None}
    if request.method == "POST":
        try:
            context["results"] = public.lookup(ip=client_ip(request), event_id=request.POST.get("event"),
                                               name=request.POST.get("name", ""), tail=request.POST.get("tail", ""))
        except Refused as exc:
            context["error"] = str(exc)
            return render(request, "public/family_search.html", context, status=400)
    return render(request, "public/family_search.html", context)


