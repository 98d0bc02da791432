"""The demo county's 应急征用 (a step of ``yingji.core.framework.demo.load``): a ready list (an
excavator of a construction company, a private truck, a hotel, a drainage-pump owner), the county's
compensation rates (an example, so marked), and one excavator (挖掘机) requisitioned for the past
flood of the disasters step: approved, served, used four days clearing 大瑶镇's landslip on the road,
returned with a burst hydraulic hose (repair assessed at 3200 元) and compensated."""

from __future__ import annotations

import datetime
from decimal import Decimal


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.framework import workflow
    from yingji.disasters.models import DisasterEvent
    from yingji.requisition import services
    from yingji.requisition.models import ReadyItem, Requisition, RequisitionRule
    from yingji.resources.models import Material

    users = get_user_model().objects
    staff, leader = users.get(username="staff"), users.get(username="leader")
    flood = DisasterEvent.objects.filter(disaster_type="flood", received_from="").order_by("onset_date").first()
    if flood is None:
        return
    county = flood.region
    towns = {t.name: t for t in ctx.towns}
    town = towns.get("大瑶镇", ctx.towns[0])
    digger = Material.objects.filter(name="挖掘机").first() or Material.objects.create(
        code="RQ-001", name="挖掘机", category="rescue", unit="台", spec="履带式 20 t 级", region=county)
    pump = Material.objects.filter(name="排涝泵").first()
    company = next((o for o in ctx.orgs if o.region.path.startswith(town.path)), None)
    start = flood.learned_at

    def item(**kw):
        i = ReadyItem(**kw)
        i.full_clean()
        i.save()
        return i

    excavator = item(name="挖掘机（卡特 320）", kind="equipment", spec="履带式，斗容 1.0 m³",
                     region=company.region if company else town,
                     organization=company, owner_name=ctx.name(), owner_phone="13907310520", capacity=Decimal("1"),
                     unit="台", unit_value_cny=Decimal("450000"), material=digger, ready_hours=Decimal("2"),
                     address=f"{town.name}工业园", lon=113.792, lat=28.152)
    item(name="重型自卸货车", kind="vehicle", spec="25 t", region=towns.get("永安镇", town), owner_name=ctx.name(),
         owner_phone=ctx.mobile(), capacity=Decimal("2"), unit="辆", unit_value_cny=Decimal("320000"),
         ready_hours=Decimal("3"), address="永安镇物流园", lon=113.461, lat=28.201)
    item(name="镇上宾馆（客房）", kind="site", region=town, owner_name=ctx.name(), owner_phone=ctx.mobile(),
         capacity=Decimal("40"), unit="间", unit_value_cny=Decimal("0"), address=f"{town.name}镇区", lon=113.778, lat=28.139)
    if pump:
        item(name="大功率排涝泵", kind="equipment", spec="300 m³/h", region=towns.get("官渡镇", town), owner_name=ctx.name(),
             owner_phone=ctx.mobile(), capacity=Decimal("3"), unit="台", unit_value_cny=Decimal("28000"), material=pump,
             ready_hours=Decimal("4"), address="官渡镇农机站", lon=113.981, lat=28.421)
    RequisitionRule.objects.create(
        region=county, kind="equipment", effective_from=datetime.date(2020, 1, 1), daily_rate_cny=Decimal("1500"),
        depreciation_pct_year=Decimal("0"), operator_daily_cny=Decimal("300"), example=True,
        source="示例：县应急征用补偿标准（演示数据，按本地文件改正）")
    r = Requisition(event=flood, item=excavator, issuer=f"{county.name}人民政府（{county.name}应急管理局承办）",
                    quantity=Decimal("1"), purpose="清理 S309 道路塌方，打通救援通道", place=f"{town.name} S309 K12 塌方点",
                    planned_days=3, operators=1)
    services.created(staff, r)
    workflow.apply(leader, r, "approve", comment="同意征用")
    at = start + datetime.timedelta(hours=3)
    services.serve(staff, r, served_at=at, served_to=excavator.owner_name)
    r.refresh_from_db()
    services.start_use(staff, r, started_at=at + datetime.timedelta(hours=2))
    r.refresh_from_db()
    for d in range(4):
        services.log_use(staff, r, day=(at + datetime.timedelta(days=d)).date(), place=r.place, hours=Decimal("10"),
                         work="清理塌方土石" if d < 3 else "疏通边沟")
    services.return_item(staff, r, returned_at=at + datetime.timedelta(days=3, hours=20), condition="damaged",
                         repair_cost_cny=Decimal("3200"), damage_note="液压油管爆裂一根，斗齿磨损",
                         assessed_by="县应急管理局会同机械维修厂评估")
    r.refresh_from_db()
    services.compensate(staff, r, paid_cny=r.compensation_cny, paid_on=(at + datetime.timedelta(days=12)).date(),
                        voucher_number="财付-2026-0815")
    Requisition.objects.filter(pk=r.pk).update(created_at=start + datetime.timedelta(hours=2))
    ctx.facts.append(f"{ReadyItem.objects.count()} 项征用预备资源")
    from yingji.core.framework import money

    ctx.lines.append(f"应急征用：{r.number} 挖掘机（{flood.name}）已返还并补偿 {money.yuan_text(r.compensation_cny)} 元")
