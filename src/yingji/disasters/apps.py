from yingji.core.framework.contributions import (
    DemoStep,
    HomePanel,
    MenuEntry,
    PeriodicJob,
    SeriesSource,
    YingjiAppConfig,
)


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
        MenuEntry("灾情救助", "报送时限与核查规则", registry="disaster-rules"),
        MenuEntry("灾情救助", "报送率与灾情分布", url_name="disaster_rates"),
        MenuEntry("灾情救助", "灾害信息员", registry="disaster-officers"),
        MenuEntry("灾情救助", "信息员培训记录", registry="officer-trainings"),
        MenuEntry("灾情救助", "灾害易发村社区", registry="disaster-prone-villages"),
    )
    # The 灾害信息员 (a village account) enters the village's figures and named-list rows; the duty desk
    # sends the county's 初报 at night. Township and staff roles already add and change every record.
    # Yearly series for plan indicators (yingji.evaluation, 规划指标), from the events' county reports (series.py).
    series_sources = (
        SeriesSource("disaster_deaths_missing", "因自然灾害死亡失踪人数", "人", "yingji.disasters.series:deaths_missing",
                     "各灾情事件最新一次已提交或已接收的县级报告（有核报取核报）中因灾死亡与失踪人口之和，按灾害发生年份"),
        SeriesSource("disaster_affected", "自然灾害受灾人口", "人次", "yingji.disasters.series:affected_people",
                     "各灾情事件最新县级报告的受灾人口，按灾害发生年份"),
        SeriesSource("disaster_loss_wan", "自然灾害直接经济损失", "万元", "yingji.disasters.series:direct_loss",
                     "各灾情事件最新县级报告的直接经济损失（万元），按灾害发生年份"),
        SeriesSource("villages", "村（社区）数", "个", "yingji.disasters.series:villages",
                     "区划中村级（村、社区）的个数（当前）", current_only=True),
        SeriesSource("villages_with_officer", "有在岗灾害信息员的村（社区）数", "个",
                     "yingji.disasters.series:villages_with_officer",
                     "灾害信息员登记簿中至少有一名在岗信息员的村（社区）个数（当前）", current_only=True),
    )
    role_grants = {
        "village": {"disasters.disasterreport": "vac", "disasters.casualtyrow": "vac",
                    "disasters.householdrow": "vac"},
        "duty": {"disasters.disasterevent": "vac", "disasters.disasterreport": "vac"},
        # Townships staff their villages' officer posts (the default "*" lets them) but the
        # disaster-prone list is the county bureau's to decide: townships read it.
        # The clocks and checks are the county's (or the city's) to set: townships read them.
        "township": {"disasters.disasterpronevillage": "v", "disasters.disasterrule": "v"},
    }
    periodic_jobs = (PeriodicJob("disaster-clocks", "yingji.disasters.tasks.reporting_clocks", 60),)
    demo = DemoStep("yingji.disasters.demo:load", order=65)
    home_panels = (
        HomePanel("disasters/panels/open_clocks.html", "yingji.disasters.panels:open_clocks", width="col-12 col-lg-6"),
        HomePanel("disasters/panels/officer_coverage.html", "yingji.disasters.officer_views:coverage_panel",
                  width="col-12 col-lg-6", order=120),
    )
    engines = ("coverage",)

    def ready(self):
        from yingji.disasters import operations, registries, services, tasks  # noqa: F401  (registry, operations, signals, schedule)
        from yingji.disasters.officer_registries import register_all

        register_all()  # the 灾害信息员 registries and the 灾情 map's attributes (officer_registries.py)
