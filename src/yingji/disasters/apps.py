from yingji.core.framework.contributions import DemoStep, HomePanel, MenuEntry, PeriodicJob, YingjiAppConfig


class DisastersConfig(YingjiAppConfig):
    name = "yingji.disasters"
    label = "disasters"
    verbose_name = "灾情报送"
    order = 65  # above incidents (a natural-disaster incident opens its 灾情事件; reports feed its grade)

    urls = "yingji.disasters.urls"
    menu = (
        MenuEntry("灾情救助", "灾情事件", registry="disaster-events"),
        MenuEntry("灾情救助", "灾情报告", registry="disaster-reports"),
        MenuEntry("灾情救助", "因灾死亡失踪人员", registry="disaster-casualties"),
        MenuEntry("灾情救助", "因灾倒塌损坏住房户", registry="disaster-households"),
        MenuEntry("灾情救助", "灾情上报通道", registry="disaster-upward-links"),
    )
    # The 灾害信息员 (a village account) enters the village's figures and named-list rows; the duty desk
    # sends the county's 初报 at night. Township and staff roles already add and change every record.
    role_grants = {
        "village": {"disasters.disasterreport": "vac", "disasters.casualtyrow": "vac",
                    "disasters.householdrow": "vac"},
        "duty": {"disasters.disasterevent": "vac", "disasters.disasterreport": "vac"},
    }
    periodic_jobs = (PeriodicJob("disaster-clocks", "yingji.disasters.tasks.reporting_clocks", 60),)
    demo = DemoStep("yingji.disasters.demo:load", order=65)
    home_panels = (HomePanel("disasters/panels/open_clocks.html", "yingji.disasters.panels:open_clocks",
                             width="col-12 col-lg-6"),)

    def ready(self):
        from yingji.disasters import operations, registries, services, tasks  # noqa: F401  (registry, operations, signals, schedule)
