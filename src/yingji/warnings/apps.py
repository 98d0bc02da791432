from django.apps import AppConfig


class WarningsConfig(AppConfig):
    name = "yingji.warnings"
    label = "warnings"
    verbose_name = "预警发布"

    def ready(self):
        from yingji.warnings import operations, registries, tasks  # noqa: F401
