from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from yingji.monitoring import registries, tasks  # noqa: F401
