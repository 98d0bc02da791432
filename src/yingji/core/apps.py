from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, YingjiAppConfig


class CoreConfig(YingjiAppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = "基础数据"
    order = 0

    urls = "yingji.core.urls"
    menu = (
        MenuEntry("首页", "首页", url_name="home"),
        MenuEntry("首页", "一张图", url_name="map"),
        MenuEntry("系统管理", "行政区划", registry="regions"),
        MenuEntry("系统管理", "单位", registry="organizations"),
        MenuEntry("系统管理", "人员通讯录", registry="persons"),
        MenuEntry("系统管理", "用户与权限", registry="users", perm="core.add_user"),  # the account administrators
        MenuEntry("系统管理", "操作日志", url_name="audit_log", admin_only=True),
        MenuEntry("系统管理", "后台任务", url_name="job_runs", admin_only=True),
        MenuEntry("系统管理", "API 文档", url_name="api_docs"),
    )
    # The roles themselves and their grants on core's models: core/framework/roles.py (CORE_ROLES).
    periodic_jobs = (PeriodicJob("heartbeat", "yingji.core.directory.tasks.heartbeat", 300),
                     PeriodicJob("todos-reconcile", "yingji.core.framework.tasks.reconcile_todos", 600),
                     PeriodicJob("submission-keys-cleanup", "yingji.core.framework.tasks.clean_submission_keys", 24 * 3600))
    demo = DemoStep("yingji.core.directory.demo:load_county", order=0)
    api_enum_names = {"RegionLevelEnum": "yingji.core.directory.choices.RegionLevel"}
    engines = ("directory.codes", "directory.placenames", "framework.geo", "framework.statemachine",
               "framework.contentpolicy", "framework.money", "framework.rulebook")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        import yingji.celery  # noqa: F401  (the Celery app, before any task module binds to it)
        from yingji.core.directory import accounts, operations, registries, tasks  # noqa: F401  (join by import)
        from yingji.core.framework import contributions, indexes, roles, search, sessions, who
        from yingji.core.framework import tasks as framework_tasks  # noqa: F401
        from yingji.core.models import User

        yingji.celery.app.conf.beat_schedule = contributions.beat_schedule()
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        user_logged_in.connect(sessions.signed_in, dispatch_uid="yingji-session-clock")
        accounts.connect_signals(User)
        post_migrate.connect(search.trigram_indexes_after_migrate, sender=self)
        post_migrate.connect(indexes.order_indexes_after_migrate, sender=self)
        who.connect()
