from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, YingjiAppConfig


class HazardsConfig(YingjiAppConfig):
    name = "yingji.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"
    order = 20

    urls = "yingji.hazards.urls"
    menu = (
        MenuEntry("隐患治理", "隐患排查治理", registry="hazards"),
        MenuEntry("隐患治理", "隐患统计", url_name="hazard_dashboard"),
        MenuEntry("隐患治理", "群众举报", registry="tip-offs"),
    )
    role_grants = {
        "village": {"hazards.hazard": "va"},
        "enterprise": {"hazards.hazard": "vac"},
    }
    periodic_jobs = (
        PeriodicJob("hazards-overdue", "yingji.hazards.tasks.mark_overdue", 600),
        PeriodicJob("hazards-due-soon", "yingji.hazards.tasks.remind_due_soon", 3600),
    )
    demo = DemoStep("yingji.hazards.demo:load", order=10)  # before risk's: the seeded sequence of the demo county
    api_enum_names = {"HazardStateEnum": "yingji.hazards.choices.State", "HazardGradeEnum": "yingji.hazards.choices.Grade"}

    def ready(self):
        from yingji.hazards import registries, tasks  # noqa: F401  (join the registry and the schedule)
