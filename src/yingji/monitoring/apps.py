from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "yingji.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from yingji.monitoring import live, registries, storage, tasks  # noqa: F401
        from yingji.monitoring.models import Alarm

        post_save.connect(live.alarm_saved, sender=Alarm, dispatch_uid="alarm-live")
        post_migrate.connect(storage.partitions_after_migrate, sender=self)
