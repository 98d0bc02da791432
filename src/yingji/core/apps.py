from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self):
        from django.db.models.signals import post_migrate

        from yingji.core import registries, roles, search, tasks  # noqa: F401  (registries and tasks join by import)

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        post_migrate.connect(search.trigram_indexes_after_migrate, sender=self)
