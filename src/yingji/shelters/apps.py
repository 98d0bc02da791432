from yingji.core.framework.contributions import (
    DemoStep,
    FigureSource,
    MenuEntry,
    PeriodicJob,
    ScreenFigure,
    YingjiAppConfig,
)


class SheltersConfig(YingjiAppConfig):
    name = "yingji.shelters"
    label = "shelters"
    verbose_name = "避灾安置"
    order = 67  # above resources (50: the shelters) and disasters (65: the events it serves); relief reads it

    urls = "yingji.shelters.urls"
    menu = (
        MenuEntry("灾情救助", "安置点运行", registry="shelter-activations"),
        MenuEntry("灾情救助", "安置户", registry="shelter-households"),
        MenuEntry("灾情救助", "安置人员", registry="shelter-evacuees"),
        MenuEntry("灾情救助", "安置记录", registry="shelter-stays"),
        MenuEntry("灾情救助", "安置点运行日志", registry="shelter-logs"),
        MenuEntry("灾情救助", "疑似重复登记", url_name="shelter_duplicates"),
        MenuEntry("灾情救助", "安置规则", registry="shelter-rules"),
    )
    # A village officer registers people at a village site and keeps its log; the county decides the rules.
    role_grants = {
        "village": {"shelters.household": "vac", "shelters.evacuee": "vac", "shelters.logentry": "va"},
        "township": {"shelters.shelterrule": "v"},
    }
    periodic_jobs = (PeriodicJob("shelter-retention", "yingji.shelters.tasks.anonymise_expired", 24 * 3600),)
    demo = DemoStep("yingji.shelters.demo:load", order=67)
    # The 灾情 report's 集中安置 figures come from the registrations (disasters reads this; it never imports shelters).
    figure_sources = (FigureSource("disaster-report", "安置登记", ("relocated_concentrated", "shelter_sites"),
                                   "yingji.shelters.services:report_figures"),)
    engines = ("capacity", "duplicates", "rules")
    screen_figures = (ScreenFigure("sheltered-now", "集中安置（在点）", "人", "yingji.shelters.screen:sheltered_now",
                                   perm="shelters.view_evacuee", order=40,
                                   layers=(("shelter-activations", "state=running"),
                                           ("shelter-activations", "state=activated"))),)
    # The 户主's and a member's special needs are one choice set (head_flags and flags in the schema).
    api_enum_names = {"EvacueeFlagEnum": "yingji.shelters.operations.FLAG_CHOICES"}

    def ready(self):
        from yingji.shelters import operations, registries, tasks  # noqa: F401  (registries, operations, schedule)
