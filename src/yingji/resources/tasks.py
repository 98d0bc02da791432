"""Periodic job: stock alerts (低库存, 收储轮换) to the people who keep each warehouse."""

from celery import shared_task
from django.utils import timezone

from yingji.core.framework import notify
from yingji.core.framework.choices import NotificationLevel
from yingji.resources import stock
from yingji.resources.models import Warehouse

KEEPERS = ("staff", "township", "village")


@shared_task(name="yingji.resources.tasks.stock_alerts")
def stock_alerts() -> int:
    """Once a day per warehouse: below-minimum stock and batches due for rotation, in one notice."""
    today = timezone.localdate()
    lines: dict[int, list[str]] = {}
    for level in stock.low_stock().select_related("material"):
        lines.setdefault(level.warehouse_id, []).append(
            f"{level.material.name} 现有 {level.quantity}{level.material.unit}，低于最低储备 {level.minimum}")
    for row in stock.rotation_due(today):
        state = "已过期" if row["expired"] else "临期"
        lines.setdefault(row["warehouse"], []).append(
            f"{row['material__name']} 批次 {row['batch']} {state}（有效期至 {row['expiry']}），结存 {row['remaining']}"
            f"{row['material__unit']}，请收储轮换")
    sent = 0
    for warehouse in Warehouse.objects.filter(pk__in=lines).select_related("region"):
        items = lines[warehouse.pk]
        sent += notify.notify(notify.users_responsible_for(warehouse, KEEPERS), f"库存提示：{warehouse.name} {len(items)} 项",
                              body="\n".join(items), level=NotificationLevel.WARNING,
                              key=f"stock-{warehouse.pk}-{today.isoformat()}",
                              url=f"/registry/stock/?warehouse={warehouse.name}")
    return sent
