"""Resources pages and API: nearest resources, coverage, dispatch planning, stock movements, the
stock report and the public social-force registration.

The writes are declared operations (resources/operations.py): 登记出入库 (``stock/move``, page
/resources/stock/move/, POST /api/stock/move/) and 拟定调拨单 (``transfer-orders/draft-from-plan``, the
dispatch page's button, POST /api/transfer-orders/draft-from-plan/). What stays here reads: each view
says why it is not an operation."""

from __future__ import annotations

import datetime
from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from yingji.core.framework import operations
from yingji.core.framework.geo import optional_float
from yingji.core.framework.net import client_ip
from yingji.core.framework.operation_views import operation_page
from yingji.core.framework.readviews import read_api, read_page
from yingji.core.models import Region
from yingji.resources import dispatch, stock
from yingji.resources.models import Material, Shelter
from yingji.resources.operations import DemandSerializer

TAGS = ["应急资源"]

# The read-only computations below are declared read views: they read records through their scoped
# managers, and the role must see the registry they compute over (teams for nearest and coverage,
# stock for dispatch planning and the report), as its list page would require — scope alone would let
# an account whose role has no such registry (a gateway) read teams and stock.


# ---- nearest resources ----------------------------------------------------------------------------

@read_page("teams")
def nearest_page(request):
    """就近资源 page: not an operation — a map that reads (the API below computes)."""
    materials = Material.objects.for_user(request.user).order_by("code")
    return render(request, "resources/nearest.html", dict(
        kinds=dispatch.resource_kinds(request.user), materials=materials,
        network=dispatch.network_summary(dispatch.road_network())))


def _number(request, name, low, high):
    try:
        value = float(request.GET[name])
    except (KeyError, ValueError):
        raise serializers.ValidationError({name: f"{name} 应为数字"}) from None
    if not low <= value <= high:
        raise serializers.ValidationError({name: f"{name} 应在 {low} 到 {high} 之间"})
    return value


@extend_schema(summary="就近资源：某地点最快到达的救援队伍、储备库、避难场所（行程时间与路线）", tags=TAGS,
               parameters=[OpenApiParameter("lon", float, required=True), OpenApiParameter("lat", float, required=True),
                           OpenApiParameter("kinds", str, description="teams,warehouses,shelters（逗号分隔），"
                                            "及其他应用登记的类别（如 requisition-items 征用预备清单）"),
                           OpenApiParameter("n", int, description="每类返回几个，默认 5，最多 20"),
                           OpenApiParameter("material", str, description="只看有该物资（编码）库存的储备库")],
               responses=OpenApiTypes.OBJECT)
@read_api("teams")
def nearest_api(request):
    """Not an operation: a read-only computation (travel times from the road network), GET."""
    lon, lat = _number(request, "lon", 73, 136), _number(request, "lat", 3, 54)
    kinds = [k for k in request.GET.get("kinds", "teams,warehouses,shelters").split(",") if k]
    n = request.GET.get("n", "")
    n = min(int(n), 20) if n.isdigit() and int(n) > 0 else 5
    try:
        return Response(dispatch.nearest_resources(request.user, lon, lat, kinds, n, request.GET.get("material", "")))
    except ValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc


# ---- coverage -----------------------------------------------------------------------------------

def _coverage(request):
    key = request.GET.get("check", "fire5")
    region = None
    if request.GET.get("region"):
        region = Region.objects.for_user(request.user).filter(code=request.GET["region"]).first()
        if region is None:
            raise ValidationError({"region": f"找不到区划 {request.GET['region']}，或不在您的管辖范围内"})
    return dispatch.coverage_report(request.user, key, region)


@read_page("teams")
def coverage_page(request):
    """覆盖分析 page: not an operation — it reads and draws the report."""
    try:
        report = _coverage(request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("coverage")
    return render(request, "resources/coverage.html", dict(
        report=report, data=report.as_dict(), checks=dispatch.CHECKS.values(),
        towns=Region.objects.for_user(request.user).filter(level="township").order_by("code"),
        region=request.GET.get("region", "")))


@extend_schema(summary="覆盖分析：消防 5 分钟覆盖率、15 分钟快速响应圈、12 小时物资送达，及未覆盖的村社区", tags=TAGS,
               parameters=[OpenApiParameter("check", str, description="fire5 | team15 | material12"),
                           OpenApiParameter("region", str, description="只分析该区划（代码）")],
               responses=OpenApiTypes.OBJECT)
@read_api("teams")
def coverage_api(request):
    """Not an operation: a read-only computation over the user's villages and teams, GET."""
    try:
        return Response(_coverage(request).as_dict())
    except ValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc


# ---- dispatch planning ----------------------------------------------------------------------------

ROWS = 8


def _rows_from(data) -> list[dispatch.DemandRow]:
    rows = []
    errors = []
    for i in range(ROWS):
        place, material, qty = (data.get(f"place_{i}", ""), data.get(f"material_{i}", ""), data.get(f"quantity_{i}", ""))
        if not (place or material or qty):
            continue
        try:
            rows.append(dispatch.DemandRow(place, material, int(qty), float(data.get(f"latest_{i}") or 12),
                                           float(data.get(f"weight_{i}") or 1)))
        except ValueError:
            errors.append(f"第 {i + 1} 行: 数量、最迟送达小时和优先级应为数字")
    if errors:
        raise ValidationError(errors)
    return rows


def _draft_op():
    return operations.get("transfer-orders", "draft-from-plan")


def _messages(form) -> list[str]:
    return [m for errors in form.errors.values() for m in errors]


@read_page("stock")
def dispatch_page(request):
    """物资调度: what places need → the shipment plan (a computation: it writes nothing, so not an
    operation) → 按此方案拟定调拨单, which is the declared operation ``transfer-orders/draft-from-plan``
    (its checks, inputs and service; this page is its face, with the plan beside it)."""
    user = request.user
    op = _draft_op()
    data = request.POST if request.method == "POST" else request.GET
    context = dict(rows=range(ROWS), data=data, plan=None,
                   materials=Material.objects.for_user(user).order_by("code"),
                   towns=Region.objects.for_user(user).filter(level="township").order_by("code"),
                   villages=Region.objects.for_user(user).filter(level="village").select_related("parent")
                   .order_by("code"),
                   shelters=Shelter.objects.for_user(user).exclude(lon=None).order_by("name"),
                   can_create=op.refused(user) is None)
    status = 200
    if request.method == "POST":
        try:
            rows = _rows_from(data)
            if data.get("create"):
                drafted = operations.perform(op, user, None, {
                    "demands": [asdict(r) for r in rows], "purpose": data.get("purpose", "")})
                messages.success(request, op.message(drafted))
                return redirect(op.next_url(None, drafted))
            context["plan"] = dispatch.plan_dispatch(user, rows)
        except ValidationError as exc:
            context["errors"], status = exc.messages, 400
        except operations.InvalidInput as exc:
            context["errors"], status = _messages(exc.form), 400
        except operations.Conflict as exc:  # the stock there is now serves none of the rows
            context["errors"], status = [str(exc)], 409
    return render(request, "resources/dispatch.html", context, status=status)


class PlanRequestSerializer(serializers.Serializer):
    demands = DemandSerializer(many=True)
    create_orders = serializers.BooleanField(default=False, help_text="为 true 时按方案拟定调拨单")
    purpose = serializers.CharField(default="应急物资调拨")


@extend_schema(summary="物资调配方案：按需求计算调运方案（总加权到达时间最小），可直接拟定调拨单", tags=TAGS,
               request=PlanRequestSerializer, responses=OpenApiTypes.OBJECT)
@read_api("stock", methods=["POST"])
def dispatch_api(request):
    """Not an operation while it only computes (POST for the body's rows, it writes nothing); with
    ``create_orders`` it takes the declared operation ``transfer-orders/draft-from-plan`` — the same
    checks (403), errors (400, 409) and service as POST /api/transfer-orders/draft-from-plan/."""
    body = PlanRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    orders = []
    if body.validated_data["create_orders"]:
        try:
            drafted = operations.perform(_draft_op(), request.user, None, {
                "demands": [dict(d) for d in body.validated_data["demands"]], "purpose": body.validated_data["purpose"]})
        except operations.InvalidInput as exc:
            return Response(operations.errors_of(exc.form), status=400)
        plan, orders = drafted.plan, drafted.orders
    else:
        try:
            plan = dispatch.plan_dispatch(request.user,
                                          [dispatch.DemandRow(**d) for d in body.validated_data["demands"]])
        except ValidationError as exc:
            raise serializers.ValidationError({"demands": exc.messages}) from exc
    return Response({
        "method": plan.method, "method_label": dispatch.METHOD_LABELS[plan.method],
        "objective_weighted_hours": round(plan.objective, 2),
        "shipments": [{"warehouse": s["source_name"], "source": s["source"], "material": s["material"].code,
                       "quantity": s["quantity"],
                       "place": s["place"]["name"], "arrival_hours": s["arrival_hours"], "row": s["row"]}
                      for s in plan.shipments],
        "unmet": [{"row": u["row"], "place": u["place"]["name"], "material": u["material"].code,
                   "quantity": u["quantity"], "reason": u["why"]} for u in plan.unmet],
        "orders": [str(o) for o in orders]})


# ---- stock movements and report ---------------------------------------------------------------------

# 登记出入库: the page of the declared operation ``stock/move`` at its own address (its template explains the
# ledger); POST /api/stock/move/ is the same operation.
stock_move = operation_page("stock", "move")


@read_page("stock")
def stock_report(request):
    """库存报表 (.xlsx): not an operation — a download of what the user may see."""
    response = HttpResponse(stock.stock_report(request.user),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f"attachment; filename*=UTF-8''"
                                       f"{_quote(f'库存报表-{datetime.date.today():%Y%m%d}.xlsx')}")
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# ---- public registration of social rescue forces ---------------------------------------------------

def social_force_apply(request):
    """Public page (no login: token, honeypot and rate limits are its checks), so not an operation."""
    from yingji.core.directory.public_forms import form_token
    from yingji.resources import public

    form = public.ApplicationForm(request.POST or None)
    context = {"form": form, "token": form_token(), "data": request.POST}
    if request.method == "POST":
        if form.is_valid():
            try:
                application = public.submit(form, ip=client_ip(request),
                                            token=request.POST.get("token", ""),
                                            honeypot=request.POST.get("website", ""),
                                            lon=optional_float(request.POST.get("lon")),
                                            lat=optional_float(request.POST.get("lat")),
                                            documents=request.FILES.getlist("documents"))
            except public.Refused as exc:
                context["error"] = str(exc)
            else:
                return render(request, "public/social_force_done.html", {"application": application})
        return render(request, "public/social_force_apply.html", context, status=400)
    return render(request, "public/social_force_apply.html", context)


def social_force_status(request):
    """Public page (no login; the 受理编号 is the key): it reads, so not an operation."""
    from yingji.resources import public

    code = request.GET.get("code", "")
    return render(request, "public/social_force_status.html",
                  {"code": code, "result": public.progress(code) if code else None})

