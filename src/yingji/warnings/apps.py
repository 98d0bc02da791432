from yingji.core.framework.contributions import (
    DemoStep,
    MenuEntry,
    NotificationChannel,
    PeriodicJob,
    ScreenFigure,
    YingjiAppConfig,
)


class WarningsConfig(YingjiAppConfig):
    name = "yingji.warnings"
    label = "warnings"
    verbose_name = "预警发布"
    order = 40

    urls = "yingji.warnings.urls"
    menu = (MenuEntry("监测预警", "预警发布", registry="warnings"),)
    role_grants = {
        "leader": {"warnings.warning": "vc", "warnings.capmessage": "v", "warnings.capfeed": "v",
                   "warnings.capcolourrule": "v"},
        "duty": {"warnings.warning": "vac", "warnings.capmessage": "v", "warnings.capfeed": "vc",
                 "warnings.capcolourrule": "v"},
        # Which feeds the county follows, how their colours read and what is re-issued: the county's
        # call (staff, leader's review), not a township's, whatever its catch-all grant says.
        "township": {"warnings.capmessage": "v", "warnings.capfeed": "v", "warnings.capcolourrule": "v"},
    }
    periodic_jobs = (PeriodicJob("warnings-chase", "yingji.warnings.tasks.chase_unanswered", 60),
                     PeriodicJob("warnings-feeds", "yingji.warnings.tasks.poll_feeds", 300))
    demo = DemoStep("yingji.warnings.demo:load", order=40)
    engines = ("geometry", "cap")
    screen_figures = (ScreenFigure("warnings-in-force", "生效预警", "条", "yingji.warnings.screen:in_force",
                                   perm="warnings.view_warning", order=30, channels=("warnings",)),)
    # A warning's colour, also on CAP messages, colour rules and the re-issue input: one enum in the schema.
    api_enum_names = {"WarningLevelEnum": "yingji.warnings.models.LEVELS"}
    # Its SMS and e-mail gateways also carry the platform's to-do notifications (YINGJI_NOTIFY_CHANNELS).
    notification_channels = (NotificationChannel("sms", "短信", "yingji.warnings.channels:notify_by_sms"),
                             NotificationChannel("email", "邮件", "yingji.warnings.channels:notify_by_email"))

    def ready(self):
        from yingji.warnings import operations, registries, tasks  # noqa: F401
