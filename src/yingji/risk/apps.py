from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "yingji.risk"
    label = "risk"
    verbose_name = "风险分级管控"

    def ready(self):
        from yingji.risk import maps, registries  # noqa: F401
