"""The resources actions, declared once each (core/framework/operations.py): 登记出入库 (one stock movement
through the ledger) and 拟定调拨单 (draft transfer orders from a dispatch plan). Each is a page action
and an API endpoint with the same checks, inputs and errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from yingji.core.framework import operations
from yingji.core.framework.operations import Conflict, Operation, OperationForm
from yingji.resources import dispatch, stock
from yingji.resources.choices import MovementKind
from yingji.resources.models import Material, TransferOrder, Warehouse

# ---- 登记出入库 -------------------------------------------------------------------------------------


class MoveForm(OperationForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:  # the stores and materials the user may see, nothing else is offered
            self.fields["warehouse"].queryset = Warehouse.objects.for_user(self.user).order_by("level", "name")
            self.fields["material"].queryset = Material.objects.for_user(self.user).order_by("code")


def move_stock(user, *, warehouse, material, kind, quantity, batch="", expires=None, reference="", note=""):
    return stock.move(user, warehouse, material, kind, quantity, batch=batch, expires=expires, reference=reference,
                      note=note)


def _moved(movement) -> str:
    unit = movement.material.unit
    return (f"已登记{movement.get_kind_display()}：{movement.material.name} {movement.delta:+d}{unit}，"
            f"{movement.warehouse} 现有 {movement.balance}{unit}")


def _ledger(record, movement) -> str:
    return reverse("registry_list", args=["stock-movements"]) + "?" + urlencode({"warehouse": movement.warehouse.name})


# ---- 拟定调拨单 (from a dispatch plan) -------------------------------------------------------------

class DemandSerializer(serializers.Serializer):
    place = serializers.CharField(help_text="region:<区划代码> 或 shelter:<避难场所编号>")
    material = serializers.CharField(help_text="物资编码")
    quantity = serializers.IntegerField(min_value=1)
    latest_hours = serializers.FloatField(default=12, min_value=0.01)
    weight = serializers.FloatField(default=1, min_value=0.01)


FIELD_LABELS = {"place": "送达地点", "material": "物资", "quantity": "数量", "latest_hours": "最迟送达",
                "weight": "优先级"}


class RowsInput(forms.Widget):
    """Several values under one name: the API's list of objects, or one JSON text from a form post."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return value if isinstance(value, list) else ([] if value in (None, "") else [value])

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class DemandsField(forms.Field):
    """Demand rows ({place, material, quantity, latest_hours?, weight?}, as POST /api/resources/dispatch-plan/
    takes them); each row's error names the row and the field."""

    widget = RowsInput
    takes_objects = True  # a JSON body's rows arrive as objects (core/framework/operations.OperationForm)

    def to_python(self, value):
        rows = []
        for item in value or []:
            if isinstance(item, str):
                try:
                    item = json.loads(item)
                except ValueError:
                    raise ValidationError("应为需求行的 JSON 数组", code="invalid") from None
            rows.extend(item if isinstance(item, list) else [item])
        out, errors = [], []
        for i, row in enumerate(rows, start=1):
            body = DemandSerializer(data=row) if isinstance(row, dict) else None
            if body is None:
                errors.append(f"第 {i} 行: 应为对象（place、material、quantity …）")
            elif not body.is_valid():
                errors.extend(f"第 {i} 行, {FIELD_LABELS.get(k, k)}: {m}" for k, msgs in body.errors.items() for m in msgs)
            else:
                out.append(dispatch.DemandRow(**body.validated_data))
        if errors:
            raise ValidationError(errors)
        return out

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def api_field(self, **common):
        return DemandSerializer(many=True, **common)


class DraftOrdersForm(OperationForm):
    demands = DemandsField(label="需求行", error_messages={"required": "请至少填写一行需求"})
    purpose = forms.CharField(label="调拨事由", max_length=200, required=False)


@dataclass
class Drafted:
    plan: dispatch.DispatchPlan
    orders: list


def draft_orders(user, *, demands, purpose=""):
    """The plan for ``demands`` from current stock, then one draft 调拨单 per (warehouse, place)."""
    try:
        plan = dispatch.plan_dispatch(user, demands)
    except ValidationError as exc:  # row errors belong to the rows
        raise ValidationError({"demands": exc.messages}) from exc
    if not plan.shipments:  # valid rows, but the stock there is now cannot serve any of them
        reasons = "；".join(f"第 {u['row'] + 1} 行：{u['why']}" for u in plan.unmet)
        raise Conflict(f"按现有库存没有可调运的物资，不能拟定调拨单（{reasons}）")
    return Drafted(plan, dispatch.create_orders(user, plan, purpose.strip() or "应急物资调拨"))


def _drafted(d: Drafted) -> str:
    return f"已拟定 {len(d.orders)} 张调拨单：{'、'.join(str(o) for o in d.orders)}，请局领导审批"


operations.register(
    Operation("stock", "move", "登记出入库", move_stock, form=MoveForm, detail=False,
              permission="resources.add_stockmovement", template="resources/stock_move.html",
              summary="登记一笔入库、出库、盘点或报废：记入库存台账并更新库存；库存或批次结存不足时 400（指明字段），"
                      "调拨请用调拨单",
              message=_moved, next_url=_ledger,
              result=lambda m: {"kind": m.kind, "delta": m.delta, "balance": m.balance,
                                "warehouse": m.warehouse.name, "material": m.material.code}),
    # Its page is the 物资调度 page (/resources/dispatch/, button 按此方案拟定调拨单), which computes the plan first.
    Operation("transfer-orders", "draft-from-plan", "拟定调拨单", draft_orders, form=DraftOrdersForm, detail=False,
              permission="add", page=False,
              summary="按需求行计算调运方案（总加权到达时间最小）并为每个调出储备库到每个送达地点拟定一张调拨单（拟定状态，"
                      "待审批）；按现有库存一行也满足不了时 409",
              message=_drafted,
              next_url=lambda record, d: reverse("registry_list", args=["transfer-orders"]) + "?state=drafted",
              result=lambda d: {"orders": [str(o) for o in d.orders],
                                "ids": [o.pk for o in d.orders if isinstance(o, TransferOrder)],
                                "unmet": [{"row": u["row"] + 1, "material": u["material"].code,
                                           "quantity": u["quantity"], "reason": u["why"]} for u in d.plan.unmet]}),
)
