from yingji.core.registry import Registry, register
from yingji.monitoring.models import MonitoringPoint, Sensor

register(Registry(
    model=MonitoringPoint, slug="monitoring-points", menu_group="监测预警", icon="◎",
    list_fields=["name", "kind", "organization", "hazard_source", "region"],
    search_fields=["name", "description"],
    filter_fields=["kind", "organization", "region"],
    natural_key=("id",),
    select_related=("organization", "region", "hazard_source"),
    description="企业、重大危险源、水库、边坡、河道断面、燃气管网、桥梁等监测对象上的监测点。",
))

register(Registry(
    model=Sensor, slug="sensors", menu_group="监测预警", icon="⌁",
    list_fields=["device_id", "name", "quantity", "point", "status", "level1", "level2", "interval_s"],
    search_fields=["device_id", "name"],
    filter_fields=["quantity", "status", "organization", "region"],
    natural_key=("device_id",),
    select_related=("point", "region", "organization"),
    example={"quantity": "combustible_gas", "rising": True, "level1": 20, "level2": 40, "level3": None, "level4": None,
             "deadband": 2, "min_duration_s": 0, "max_rate_per_min": None, "interval_s": 60},
    description="传感器及其报警规则：分级阈值、回差（防抖）、持续时间、变化速率；按上报周期判断离线。",
))
