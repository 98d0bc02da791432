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
from yingji.core.framework.readviews import read_api, read_page
from yingji.shelters import services

READS = "shelter-households"  # the duplicates read the placed households' registrations
PAGE, MAX_PAGE = 100, 1000  # duplicate pairs per page (the page; the API when asked for a page)


def tabular_type() -> str:
    from yingji.core.framework.tabular import XLSX_TYPE

    return XLSX_TYPE


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
               parameters=[OpenApiParameter("event", int, description="灾情事件编号", required=True),
                           OpenApiParameter("page", int, description="页码（从 1 起）；不给则返回全部"),
                           OpenApiParameter("page_size", int, description=f"每页条数，默认 {PAGE}，最多 {MAX_PAGE}")])
@read_api(READS)
def duplicates_api(request):
    event = _event(request.user, request.query_params.get("event"))
    if event is None:
        raise ValidationError({"event": ["请给出本辖区的灾情事件编号"]})
    rows = _rows(request.user, event)
    body = {"event": event.pk, "count": len(rows)}
    if "page" not in request.query_params:
        return Response({**body, "candidates": rows})
    try:
        page, size = int(request.query_params["page"]), int(request.query_params.get("page_size") or PAGE)
    except ValueError:
        raise ValidationError({"page": ["页码和每页条数须为正整数"]}) from None
    if page < 1 or not 1 <= size <= MAX_PAGE:
        raise ValidationError({"page": [f"页码须从 1 起，每页条数 1 至 {MAX_PAGE}"]})
    return Response({**body, "page": page, "page_size": size, "candidates": rows[(page - 1) * size:page * size]})


# Not an operation: a list page, it reads.
@read_page(READS)
def duplicates_page(request):
    from yingji.disasters.models import DisasterEvent

    events = DisasterEvent.objects.for_user(request.user).filter(shelter_activations__isnull=False).distinct()
    from django.core.paginator import Paginator

    event = _event(request.user, request.GET.get("event")) or events.first()
    page = Paginator(_rows(request.user, event) if event else [], PAGE).get_page(request.GET.get("page"))
    return render(request, "shelters/duplicates.html", {"events": events, "event": event, "rows": page.object_list,
                                                        "page": page})


# Not an operation: figures computed from the registrations (GET), for the 灾情 report's 集中安置 lines.
@extend_schema(summary="灾情事件的集中安置数据（按乡镇和全县）：集中安置人口（累计、实时）和集中安置点数，供灾情报告填报参考",
               tags=["避灾安置"], responses=OpenApiTypes.OBJECT)
@read_api("disaster-reports", record="disaster-events")  # figures for the report, of one event (pk)
def report_figures_api(request, pk):
    event = _event(request.user, pk)
    if event is None:
        raise NotFound
    return Response({"event": event.pk, "townships": services.report_figures(event)})


def _template_response():
    from yingji.core.framework import tabular
    from yingji.shelters.imports import template

    return tabular.download(template(), "安置名单导入模板.xlsx")


# Not an operation: a file to fill in (GET), it changes nothing.
@login_required
def import_template_page(request):
    if not request.user.has_perm("shelters.add_household"):
        raise PermissionDenied
    return _template_response()


@extend_schema(summary=("安置名单导入模板（.xlsx）：列名、必填列（红色）、每列的填写说明和示例行；"
                        "导入见 POST /api/shelter-activations/{id}/import-households/"),
               tags=["避灾安置"], responses={(200, tabular_type()): OpenApiTypes.BINARY})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def import_template_api(request):
    if not request.user.has_perm("shelters.add_household"):
        raise PermissionDenied
    return _template_response()


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
            return render(request, "public/family_search.html", context, status=exc.status)
    return render(request, "public/family_search.html", context)


