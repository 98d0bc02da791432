from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "yingji.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from yingji.hazards import registries, tasks  # noqa: F401  (join the registry and the schedule)
