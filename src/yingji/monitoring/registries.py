from yingji.core.framework.registry import Registry, register
from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor
from yingji.monitoring.workflow import ALARM_FLOW

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
             "deadband": 2, "min_duration_s": 0, "max_rate_per_min": None, "interval_s": 60, "range_min": 0,
             "range_max": 100},
    description="传感器及其量程与报警规则：分级阈值、回差（防抖）、持续时间、变化速率；按上报周期判断离线；"
                "超出量程的读数拒收。",
))

register(Registry(
    model=Alarm, slug="alarms", menu_group="监测预警", icon="⚡",
    list_fields=["sensor", "kind", "level", "state", "last_value", "count", "last_at", "escalation"],
    search_fields=["measures"],
    filter_fields=["state", "kind", "level", "organization", "region"],
    natural_key=("id",),
    form_fields=["measures", "cause"],
    select_related=("sensor", "region", "organization"),
    allow_create=False,
    workflow=ALARM_FLOW,
    record_links=[("发布预警", "warning_from_alarm"), ("登记为事件", "incident_from_alarm"), ("数据曲线", "alarm_chart")],
    example={"kind": "threshold", "opened_at": "2026-11-22T00:00:00Z", "last_at": "2026-11-22T00:00:00Z"},
    description="报警由监测数据自动产生，同一传感器同类报警只保留一条未消警记录，重复报警累计次数、峰值和最新值；"
                "未及时确认的报警逐级升级（企业 → 乡镇街道 → 县级）。",
))
