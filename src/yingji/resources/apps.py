from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, SeriesSource, YingjiAppConfig


class ResourcesConfig(YingjiAppConfig):
    name = "yingji.resources"
    label = "resources"
    verbose_name = "应急资源"
    order = 50

    urls = "yingji.resources.urls"
    menu = tuple(MenuEntry("应急资源", label, registry=slug) for label, slug in [
        ("救援队伍", "teams"), ("队员", "team-members"), ("队伍动态", "team-activities"), ("专家", "experts"),
        ("装备", "equipment"), ("储备库", "warehouses"), ("物资目录", "materials"), ("库存", "stock"),
        ("库存台账", "stock-movements"), ("调拨单", "transfer-orders"), ("避难场所", "shelters"),
        ("社会力量登记", "social-force-applications"),
    ]) + (
        MenuEntry("应急资源", "就近资源", url_name="nearest_resources"),
        MenuEntry("应急资源", "物资调度", url_name="dispatch_plan"),
        MenuEntry("应急资源", "覆盖分析", url_name="coverage"),
    )
    # A series for plan indicators (yingji.evaluation, 规划指标): the coverage engine's fire5 share (series.py).
    series_sources = (
        SeriesSource("fire5_coverage", "消防救援5分钟响应覆盖率", "%", "yingji.resources.series:fire5_coverage",
                     "覆盖分析 fire5：消防救援队伍5分钟可达的村（社区）人口占比（当前路网和站点）", current_only=True),
    )
    role_grants = {
        "leader": {"resources.transferorder": "vc", "resources.socialforceapplication": "v"},
        "village": {"resources.stockmovement": "va", "resources.transferorder": "vc"},
    }
    periodic_jobs = (PeriodicJob("stock-alerts", "yingji.resources.tasks.stock_alerts", 3600),)
    demo = DemoStep("yingji.resources.demo:load", order=50)
    api_enum_names = {"ResourceLevelEnum": "yingji.resources.choices.WarehouseLevel"}

    def ready(self):
        from yingji.resources import operations, registries, tasks  # noqa: F401  (join the registry, operations, schedule)
