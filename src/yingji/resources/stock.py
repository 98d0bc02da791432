"""The stock ledger service: every change of stock is one appended ``StockMovement``.

``move`` locks the (warehouse, material) ``StockLevel`` row for the transaction (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serialises writers), computes the new balance, refuses anything that
would go below zero, appends the ledger line and stores the balance — so two clerks issuing the
last tents at once cannot both succeed, and the ledger always sums to the shown stock.
"""

from __future__ import annotations

import datetime
import io

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from yingji.core.framework.access import can, in_scope
from yingji.resources.choices import MovementKind
from yingji.resources.models import Material, StockLevel, StockMovement, Warehouse

OUTGOING = {MovementKind.ISSUE, MovementKind.TRANSFER_OUT, MovementKind.SCRAP}
ROTATION_DAYS = 30  # batches expiring within this many days are due for rotation (收储轮换)


def move(user, warehouse: Warehouse, material: Material, kind: str, quantity: int, *, batch: str = "",
         expires: datetime.date | None = None, reference: str = "", note: str = "",
         at: datetime.datetime | None = None) -> StockMovement:
    """Record a stock movement. ``quantity`` is the amount moved (> 0), or for 盘点 the counted stock."""
    if user is not None:
        if not can(user, "add", StockMovement) or not in_scope(user, warehouse):
            raise PermissionDenied("您没有该储备库的库存登记权限")
    if kind not in MovementKind.values:
        raise ValidationError({"kind": f"未知的业务类型 {kind!r}"})
    if quantity is None or int(quantity) != quantity or quantity < 0 or (quantity == 0 and kind != MovementKind.COUNT):
        raise ValidationError({"quantity": "数量应为正整数（盘点可为 0）"})
    with transaction.atomic(), set_actor(user):
        level, _ = StockLevel.objects.select_for_update().get_or_create(warehouse=warehouse, material=material)
        if kind == MovementKind.COUNT:
            delta = int(quantity) - level.quantity
        else:
            delta = -int(quantity) if kind in OUTGOING else int(quantity)
        balance = level.quantity + delta
        if balance < 0:
            raise ValidationError({"quantity": f"库存不足：{warehouse} 现有{material.name} {level.quantity}"
                                               f"{material.unit}，不能{MovementKind(kind).label} {quantity}{material.unit}"})
        if kind in OUTGOING and batch and batch_balance(warehouse, material, batch) < quantity:
            raise ValidationError({"batch": f"批次 {batch} 的结存不足 {quantity}{material.unit}"})
        movement = StockMovement.objects.create(
            warehouse=warehouse, material=material, kind=kind, delta=delta, balance=balance, batch=batch,
            expires=expires, at=at or timezone.now(), reference=reference, note=note,
            actor=(user.get_full_name() or user.username) if user is not None else "系统")
        level.quantity = balance
        level.save(update_fields=["quantity", "updated_at"])
    return movement


def batch_balance(warehouse, material, batch: str) -> int:
    return StockMovement.objects.filter(warehouse=warehouse, material=material, batch=batch).aggregate(
        n=Sum("delta"))["n"] or 0


def ledger_sum(warehouse, material) -> int:
    return StockMovement.objects.filter(warehouse=warehouse, material=material).aggregate(n=Sum("delta"))["n"] or 0


def low_stock(queryset=None):
    """Stock levels below their configured minimum."""
    from django.db.models import F

    return (queryset if queryset is not None else StockLevel.objects.all()).filter(quantity__lt=F("minimum"))


def rotation_due(today: datetime.date | None = None, days: int = ROTATION_DAYS, queryset=None) -> list[dict]:
    """Batches still in stock whose expiry falls within ``days`` (or has passed): 收储轮换 alerts."""
    today = today or timezone.localdate()
    # A batch's expiry is on its receipt; issues of the batch carry only its number.
    rows = ((queryset if queryset is not None else StockMovement.objects.all()).exclude(batch="")
            .values("warehouse", "warehouse__name", "material", "material__name", "material__unit", "batch")
            .annotate(remaining=Sum("delta"), expiry=Max("expires"))
            .filter(remaining__gt=0, expiry__isnull=False, expiry__lte=today + datetime.timedelta(days=days))
            .order_by("expiry"))
    return [dict(r, expired=r["expiry"] < today) for r in rows]


def stock_report(user) -> bytes:
    """库存报表 (.xlsx): stock per warehouse and material with minimum and alerts, and the rotation list."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from yingji.core.framework.tabular import safe_row

    levels = (StockLevel.objects.for_user(user).select_related("warehouse", "material", "region")
              .order_by("warehouse__level", "warehouse__name", "material__code"))
    book = Workbook()
    sheet = book.active
    sheet.title = "库存"
    sheet.append(["储备库", "层级", "储备方式", "所属区划", "物资编码", "物资", "单位", "库存数量", "最低储备量", "提示"])
    for lv in levels:
        sheet.append(safe_row([lv.warehouse.name, lv.warehouse.get_level_display(), lv.warehouse.get_reserve_kind_display(),
                               lv.region.name, lv.material.code, lv.material.name, lv.material.unit, lv.quantity,
                               lv.minimum, "低于最低储备" if lv.low else ""]))
    rotation = book.create_sheet("收储轮换")
    rotation.append(["储备库", "物资", "批次", "有效期至", "结存", "单位", "状态"])
    for r in rotation_due(queryset=StockMovement.objects.for_user(user)):
        rotation.append(safe_row([r["warehouse__name"], r["material__name"], r["batch"], r["expiry"], r["remaining"],
                                  r["material__unit"], "已过期" if r["expired"] else "临期"]))
    for ws in (sheet, rotation):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
