from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "yingji.incidents"
    label = "incidents"
    verbose_name = "应急指挥"

    def ready(self):
        from yingji.incidents import operations, registries, tasks  # noqa: F401  (join the registry, operations, schedule)
