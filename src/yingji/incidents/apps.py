from yingji.core.framework.contributions import (
    DemoStep,
    HomePanel,
    MenuEntry,
    PeriodicJob,
    ScreenFigure,
    SeriesSource,
    YingjiAppConfig,
)


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
    # Yearly series for plan indicators (yingji.evaluation, 规划指标): counted from the incidents (series.py).
    series_sources = (
        SeriesSource("accident_deaths", "生产安全事故死亡人数", "人", "yingji.incidents.series:accident_deaths",
                     "突发事件中事故灾难类（GB/T 35561 代码 21、22、23）的死亡人数，按发生年份"),
        SeriesSource("industry_deaths", "工矿商贸事故死亡人数", "人", "yingji.incidents.series:industry_deaths",
                     "工矿商贸等企业安全事故（代码 21）的死亡人数，按发生年份"),
        SeriesSource("accidents", "生产安全事故起数", "起", "yingji.incidents.series:accidents",
                     "事故灾难类（代码 21、22、23）突发事件起数"),
        SeriesSource("larger_accidents", "较大及以上生产安全事故起数", "起", "yingji.incidents.series:larger_accidents",
                     "按493号令定为较大、重大、特别重大的事故灾难类突发事件起数"),
        SeriesSource("forest_fires", "森林火灾起数", "起", "yingji.incidents.series:forest_fires",
                     "森林火灾（代码 171）突发事件起数"),
    )
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
    screen_figures = (
        ScreenFigure("open-incidents", "在办突发事件", "起", "yingji.incidents.screen:open_incidents",
                     perm="incidents.view_incident", order=10,
                     layers=(("incidents", "state=received"), ("incidents", "state=responding"))),
        ScreenFigure("relocated", "紧急转移安置", "人", "yingji.incidents.screen:relocated",
                     perm="incidents.view_incident", order=45),
        ScreenFigure("teams-out", "出动队伍", "支", "yingji.incidents.screen:teams_out",
                     perm="incidents.view_teamdispatch", order=50, layers=(("teams", "readiness=deployed"),)),
        ScreenFigure("reports-due", "待报信息", "项", "yingji.incidents.screen:reports_due",
                     perm="incidents.view_report", order=60, alert=True),
    )
    engines = ("grading", "deadlines", "event_types", "matching", "reporting")

    def ready(self):
        from yingji.incidents import operations, registries, tasks  # noqa: F401  (join the registry, operations, schedule)
