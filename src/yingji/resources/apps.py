from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "yingji.resources"
    label = "resources"
    verbose_name = "应急资源"

    def ready(self):
        from yingji.resources import operations, registries, tasks  # noqa: F401  (join the registry, operations, schedule)
