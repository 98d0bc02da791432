"""Resources pages and API: nearest resources, coverage, dispatch planning, stock movements, the
stock report and the public social-force registration."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.access import can
from yingji.core.geo import optional_float
from yingji.core.models import Region
from yingji.core.net import client_ip
from yingji.resources import dispatch, stock
from yingji.resources.choices import MovementKind
from yingji.resources.models import Material, Shelter, StockMovement, TransferOrder, Warehouse

TAGS = ["应急资源"]


def _require(user, perm: str):
    if not user.has_perm(perm):
        raise PermissionDenied("您的角色没有此操作的权限")


# ---- nearest resources ----------------------------------------------------------------------------

@login_required
def nearest_page(request):
    _require(request.user, "resources.view_team")
    materials = Material.objects.for_user(request.user).order_by("code")
    return render(request, "resources/nearest.html", dict(
        kinds=dispatch.RESOURCE_KINDS, materials=materials, network=dispatch.network_summary(dispatch.road_network())))


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
                           OpenApiParameter("kinds", str, description="teams,warehouses,shelters（逗号分隔）"),
                           OpenApiParameter("n", int, description="每类返回几个，默认 5，最多 20"),
                           OpenApiParameter("material", str, description="只看有该物资（编码）库存的储备库")],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def nearest_api(request):
    _require(request.user, "resources.view_team")
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


@login_required
def coverage_page(request):
    _require(request.user, "resources.view_team")
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
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def coverage_api(request):
    _require(request.user, "resources.view_team")
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


@login_required
def dispatch_page(request):
    """物资调度: what places need → the shipment plan → draft transfer orders."""
    _require(request.user, "resources.view_stocklevel")
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    context = dict(rows=range(ROWS), data=data, plan=None,
                           materials=Material.objects.for_user(user).order_by("code"),
                           towns=Region.objects.for_user(user).filter(level="township").order_by("code"),
                           villages=Region.objects.for_user(user).filter(level="village").select_related("parent")
                           .order_by("code"),
                           shelters=Shelter.objects.for_user(user).exclude(lon=None).order_by("name"),
                           can_create=can(user, "add", TransferOrder))
    if request.method == "POST":
        try:
            plan = dispatch.plan_dispatch(user, _rows_from(data))
            if data.get("create"):
                if not context["can_create"]:
                    raise PermissionDenied("您的角色不能拟定调拨单")
                orders = dispatch.create_orders(user, plan, data.get("purpose", "").strip() or "应急物资调拨")
                messages.success(request, f"已拟定 {len(orders)} 张调拨单：{'、'.join(o.number for o in orders)}，"
                                          "请局领导审批")
                return redirect(reverse("registry_list", args=["transfer-orders"]) + "?state=drafted")
            context["plan"] = plan
        except ValidationError as exc:
            context["errors"] = exc.messages
    return render(request, "resources/dispatch.html", context, status=400 if context.get("errors") else 200)


class DemandSerializer(serializers.Serializer):
    place = serializers.CharField(help_text="region:<区划代码> 或 shelter:<避难场所编号>")
    material = serializers.CharField(help_text="物资编码")
    quantity = serializers.IntegerField(min_value=1)
    latest_hours = serializers.FloatField(default=12, min_value=0.01)
    weight = serializers.FloatField(default=1, min_value=0.01)


class PlanRequestSerializer(serializers.Serializer):
    demands = DemandSerializer(many=True)
    create_orders = serializers.BooleanField(default=False, help_text="为 true 时按方案拟定调拨单")
    purpose = serializers.CharField(default="应急物资调拨")


@extend_schema(summary="物资调配方案：按需求计算调运方案（总加权到达时间最小），可直接拟定调拨单", tags=TAGS,
               request=PlanRequestSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def dispatch_api(request):
    _require(request.user, "resources.view_stocklevel")
    body = PlanRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        plan = dispatch.plan_dispatch(request.user, [dispatch.DemandRow(**d) for d in body.validated_data["demands"]])
        orders = []
        if body.validated_data["create_orders"]:
            _require(request.user, "resources.add_transferorder")
            orders = dispatch.create_orders(request.user, plan, body.validated_data["purpose"])
    except ValidationError as exc:
        raise serializers.ValidationError({"demands": exc.messages}) from exc
    return Response({
        "method": plan.method, "method_label": dispatch.METHOD_LABELS[plan.method],
        "objective_weighted_hours": round(plan.objective, 2),
        "shipments": [{"warehouse": s["warehouse"].name, "material": s["material"].code, "quantity": s["quantity"],
                       "place": s["place"]["name"], "arrival_hours": s["arrival_hours"], "row": s["row"]}
                      for s in plan.shipments],
        "unmet": [{"row": u["row"], "place": u["place"]["name"], "material": u["material"].code,
                   "quantity": u["quantity"], "reason": u["why"]} for u in plan.unmet],
        "orders": [o.number for o in orders]})


# ---- stock movements and report ---------------------------------------------------------------------

class MoveForm(forms.Form):
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label="储备库")
    material = forms.ModelChoiceField(Material.objects.none(), label="物资")
    kind = forms.ChoiceField(label="业务类型", choices=[(k, v) for k, v in MovementKind.choices
                                                       if k not in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN)],
                             help_text="调拨请使用调拨单，出库与签收时自动记账")
    quantity = forms.IntegerField(label="数量", min_value=0, help_text="盘点时填写实盘数量")
    batch = forms.CharField(label="批次", max_length=40, required=False)
    expires = forms.DateField(label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="单据号", max_length=40, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_user(user).order_by("level", "name")
        self.fields["material"].queryset = Material.objects.for_user(user).order_by("code")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")


@login_required
def stock_move(request):
    """登记出入库: one movement through the ledger service; errors beside the field, nothing lost."""
    _require(request.user, "resources.view_stockmovement")
    if not can(request.user, "add", StockMovement):
        messages.error(request, "您的角色只能查看库存，不能登记出入库")
        return redirect("registry_list", "stock")
    form = MoveForm(request.user, request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            movement = stock.move(request.user, d["warehouse"], d["material"], d["kind"], d["quantity"], batch=d["batch"],
                                  expires=d["expires"], reference=d["reference"], note=d["note"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error("warehouse", str(exc))
        else:
            messages.success(request, f"已登记{movement.get_kind_display()}：{d['material'].name} {movement.delta:+d}"
                                      f"{d['material'].unit}，{d['warehouse']} 现有 {movement.balance}{d['material'].unit}")
            return redirect(reverse("registry_list", args=["stock-movements"]) + f"?warehouse={d['warehouse'].name}")
    status = 400 if request.method == "POST" else 200
    return render(request, "resources/stock_move.html", {"form": form}, status=status)


@login_required
def stock_report(request):
    _require(request.user, "resources.view_stocklevel")
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
    from yingji.core.public_forms import form_token
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
    from yingji.resources import public

    code = request.GET.get("code", "")
    return render(request, "public/social_force_status.html",
                  {"code": code, "result": public.progress(code) if code else None})

