"""The demo county's monitoring: sensors at hazard sources, along the 浏阳河 and in the mountain
townships, and a few alarms raised through the real rule engine (a step of ``yingji.core.framework.demo.load``)."""

from __future__ import annotations

from shapely.geometry import shape

from yingji.core.directory.demo import _inside
from yingji.core.models import User


def load(ctx) -> None:
    sensors = _monitoring(ctx.rng, ctx.towns)
    _alarms(ctx.rng)
    ctx.facts.append(f"{sensors} 个传感器")


RIVER_TOWNS = ("淮川街道", "关口街道", "集里街道", "北盛镇", "永安镇", "柏加镇", "镇头镇", "古港镇", "沿溪镇", "达浒镇")
MOUNTAIN_TOWNS = ("大围山镇", "达浒镇", "张坊镇", "官渡镇", "小河乡", "社港镇", "文家市镇")


def _monitoring(rng, towns) -> int:
    """Gas detectors and level gauges at hazard sources; water-level stations along the 浏阳河 and its
    tributaries; rain gauges and slope displacement meters in the mountain townships."""
    from yingji.monitoring.models import MonitoringPoint, Sensor
    from yingji.risk.models import HazardSource

    n = 0

    def sensor(point, quantity, name, **rule):
        nonlocal n
        n += 1
        Sensor.objects.create(device_id=f"LY-{quantity[:3].upper()}-{n:05d}", name=name, point=point, quantity=quantity,
                              **rule)

    for source in HazardSource.objects.select_related("organization", "region").order_by("pk"):
        point = MonitoringPoint.objects.create(name=f"{source.organization.name}{source.name}", kind="hazard_source",
                                              organization=source.organization, hazard_source=source,
                                              region=source.region, lon=source.lon, lat=source.lat)
        for i in range(rng.randint(1, 3)):
            sensor(point, "combustible_gas", f"可燃气体探测器{i + 1}号", level1=20, level2=40, deadband=2,
                   interval_s=10, range_min=0, range_max=100)
        if source.unit_kind == "storage":
            sensor(point, "liquid_level", "储罐液位计", level1=8.5, level2=9.2, deadband=0.1, interval_s=30,
                   range_min=0, range_max=12)
    by_name = {t.name: t for t in towns}
    for name in RIVER_TOWNS:
        town = by_name[name]
        lon, lat = _inside(rng, shape(town.geometry), 1)[0]
        point = MonitoringPoint.objects.create(name=f"浏阳河{name.removesuffix('街道').removesuffix('镇')}水位站",
                                              kind="river", region=town, lon=lon, lat=lat)
        warn = round(rng.uniform(52, 58), 1)  # 警戒水位 / 保证水位 (m, local datum)
        sensor(point, "water_level", "雷达水位计", level1=warn, level2=round(warn + 1.5, 1), deadband=0.2,
               max_rate_per_min=0.05, interval_s=300, range_min=round(warn - 20), range_max=round(warn + 15))
    for name in MOUNTAIN_TOWNS:
        town = by_name[name]
        lon, lat = _inside(rng, shape(town.geometry), 1)[0]
        point = MonitoringPoint.objects.create(name=f"{name}地质灾害监测点", kind="slope", region=town, lon=lon, lat=lat)
        sensor(point, "rainfall", "翻斗式雨量计", level1=50, level2=100, level3=150, interval_s=300, range_min=0,
               range_max=1000)
        sensor(point, "displacement", "裂缝位移计", level1=10, level2=30, level3=50, min_duration_s=600, interval_s=600,
               range_min=0, range_max=300)
    return n


def _alarms(rng) -> int:
    """A few excursions run through the real rule engine, so the alarm list shows real alarms:
    a gas leak that escalated, one acknowledged and in hand, one closed with its cause."""
    import numpy as np
    from django.utils import timezone

    from yingji.core.framework import workflow
    from yingji.monitoring import alarms
    from yingji.monitoring.models import Alarm, Sensor
    from yingji.monitoring.rules import RuleSet, State, evaluate

    gas = list(Sensor.objects.filter(quantity="combustible_gas").order_by("device_id")[:3])
    if not gas:
        return 0
    now = timezone.now().timestamp()
    for i, sensor in enumerate(gas):
        ramp = [3, 8, 15, 22, 31, 44, 38][: 5 + i]
        ts = now - 600 + 30 * np.arange(len(ramp))
        result = evaluate(RuleSet.build([sensor.rule()]), State.fresh(1), np.zeros(len(ramp), int), ts,
                          np.array(ramp, dtype=float))
        alarms.apply_events([sensor], result.events)
    staff = User.objects.get(username="staff")
    opened = list(Alarm.objects.order_by("pk"))
    if len(opened) > 1:
        workflow.apply(staff, opened[1], "acknowledge", comment="已电话通知企业安全员")
        workflow.apply(staff, opened[1], "handle", comment="企业已启动现场处置")
    if len(opened) > 2:
        Alarm.objects.filter(pk=opened[2].pk).update(measures="关闭泄漏阀门，强制通风，浓度已回落", cause="real")
        opened[2].refresh_from_db()
        workflow.apply(staff, opened[2], "acknowledge")
        workflow.apply(staff, opened[2], "clear", comment="现场确认处置完毕")
    return len(opened)
