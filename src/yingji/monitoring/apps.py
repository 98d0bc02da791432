from yingji.core.framework.contributions import (
    DemoStep,
    EmbeddedService,
    MenuEntry,
    PeriodicJob,
    ScreenFigure,
    YingjiAppConfig,
)
from yingji.core.framework.roles import Role


class MonitoringConfig(YingjiAppConfig):
    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"
    order = 30

    urls = "yingji.monitoring.urls"
    menu = (
        MenuEntry("监测预警", "报警值守台", url_name="monitoring_live"),
        MenuEntry("监测预警", "监测点", registry="monitoring-points"),
        MenuEntry("监测预警", "传感器", registry="sensors"),
        MenuEntry("监测预警", "报警", registry="alarms"),
        MenuEntry("监测预警", "拒收数据", url_name="dead_letters", admin_only=True),
    )
    roles = (Role("gateway", "设备网关", "通过 HTTP 接口上报本范围内传感器的监测数据（不能登录页面修改数据）",
                  {"monitoring.sensor": "v", "monitoring.monitoringpoint": "v"},
                  extra=("monitoring.sensor.report_readings",)),)
    role_grants = {
        "duty": {"monitoring.alarm": "vc"},
        "enterprise": {"monitoring.alarm": "vc"},
    }
    role_permissions = {"admin": ("monitoring.sensor.report_readings",)}
    periodic_jobs = (
        PeriodicJob("alarms-escalation", "yingji.monitoring.tasks.escalate_alarms", 60),
        PeriodicJob("readings-aggregates", "yingji.monitoring.tasks.refresh_aggregates", 60),
        PeriodicJob("sensors-offline", "yingji.monitoring.tasks.mark_offline", 60),
        PeriodicJob("readings-storage", "yingji.monitoring.tasks.maintain_storage", 86400),
    )
    demo = DemoStep("yingji.monitoring.demo:load", order=30)
    embedded = (EmbeddedService("ingest", "yingji.monitoring.embedded:start_ingest",
                                "不在本进程接入 MQTT 监测数据（生产环境用独立的 yingji ingest 进程）"),)
    api_enum_names = {"AlarmStateEnum": [("raised", "报警"), ("acknowledged", "已确认"), ("handling", "处置中"),
                                         ("cleared", "已消警")]}
    engines = ("rules", "payload", "simulate")
    screen_figures = (ScreenFigure("active-alarms", "未消警报警", "条", "yingji.monitoring.screen:active_alarms",
                                   perm="monitoring.view_alarm", order=20, channels=("alarms",), alert=True),)

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from yingji.monitoring import live, operations, registries, storage, tasks  # noqa: F401
        from yingji.monitoring.models import Alarm

        post_save.connect(live.alarm_saved, sender=Alarm, dispatch_uid="alarm-live")
        post_migrate.connect(storage.partitions_after_migrate, sender=self)
