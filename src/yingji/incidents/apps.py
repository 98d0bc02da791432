from yingji.core.framework.contributions import DemoStep, HomePanel, MenuEntry, PeriodicJob, YingjiAppConfig


class IncidentsConfig(YingjiAppConfig):
    name = "yingji.incidents"
    label = "incidents"
    verbose_name = "应急指挥"
    order = 60

    urls = "yingji.incidents.urls"
    menu = (MenuEntry("应急指挥", "接报登记", url_name="incident_intake", perm="incidents.add_incident"),) + tuple(
        MenuEntry("应急指挥", label, registry=slug) for label, slug in [
            ("突发事件", "incidents"), ("信息报送", "reports"), ("处置任务", "tasks"), ("应急响应", "responses"),
            ("值班表", "duty-shifts"), ("值班日志", "duty-logs"), ("应急预案", "plans"), ("预案响应级别", "plan-levels"),
            ("预案任务清单", "plan-actions"), ("预案演练", "drills"), ("事件时间轴", "timeline"),
            ("提取校正记录", "extraction-corrections"),  # the extraction app's registry (粘贴文字提取)
        ])
    role_grants = {
        "leader": {"incidents.incident": "vc", "incidents.response": "vc", "incidents.report": "vac",
                   "incidents.task": "vac", "incidents.timelineentry": "va", "incidents.teamdispatch": "vc"},
        "duty": {"incidents.incident": "vac", "incidents.report": "vac", "incidents.response": "vc",
                 "incidents.task": "vac", "incidents.dutylog": "vac", "incidents.dutyshift": "vc",
                 "incidents.timelineentry": "va", "incidents.teamdispatch": "vc"},
        "village": {"incidents.report": "va", "incidents.task": "vc"},
        "enterprise": {"incidents.task": "vc"},
        "social_force": {"incidents.task": "vc"},
    }
    periodic_jobs = (
        PeriodicJob("incident-clocks", "yingji.incidents.tasks.reporting_clocks", 60),
        PeriodicJob("plan-revisions", "yingji.incidents.tasks.plan_revisions", 86400),
    )
    demo = DemoStep("yingji.incidents.demo:load", order=60)
    home_panels = (
        HomePanel("incidents/panels/on_duty.html", "yingji.incidents.panels:on_duty", width="col-12 col-lg-5"),
        HomePanel("incidents/panels/open_incidents.html", "yingji.incidents.panels:open_incidents",
                  width="col-12 col-lg-7"),
    )
    api_enum_names = {"ResponseLevelEnum": "yingji.incidents.models.LEVEL_CHOICES"}
    engines = ("grading", "deadlines", "event_types", "matching", "reporting")

    def ready(self):
        from yingji.incidents import operations, registries, tasks  # noqa: F401  (join the registry, operations, schedule)
