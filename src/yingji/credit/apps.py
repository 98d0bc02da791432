from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, YingjiAppConfig


class CreditConfig(YingjiAppConfig):
    name = "yingji.credit"
    label = "credit"
    verbose_name = "安全生产信用"
    # Above supervision (25: the enforcement cases and the 名录库 it writes credit classes into) and
    # incidents (60: the accidents and their grades it reads). Nothing below imports it.
    order = 62

    urls = "yingji.credit.urls"
    menu = (
        MenuEntry("监管执法", "严重失信主体名单", registry="credit-listings"),
        MenuEntry("监管执法", "提前移出申请", registry="credit-removals"),
        MenuEntry("监管执法", "企业信用等级", registry="credit-ratings"),
        MenuEntry("监管执法", "失信名单公示", url_name="credit_public"),
    )
    # 业务科室 (staff, "*": vacd) tells, publishes, takes objections and applications in; 局领导 decides (a
    # change). Townships and villages read; an enterprise reads its own (organization scope).
    role_grants = {
        "leader": {"credit.listing": "vc", "credit.removalapplication": "vc"},
        "township": {"credit.listing": "v", "credit.removalapplication": "v", "credit.creditrating": "v"},
    }
    periodic_jobs = (
        PeriodicJob("credit-proposals", "yingji.credit.tasks.propose_listings", 3600 * 6),
        PeriodicJob("credit-periods", "yingji.credit.tasks.end_periods", 3600 * 6),
        PeriodicJob("credit-classes", "yingji.credit.tasks.refresh_classes", 86400),
    )
    demo = DemoStep("yingji.credit.demo:load", order=62)
    engines = ("listing", "classes", "rules")
    api_enum_names = {"ListingStateEnum": "yingji.credit.choices.ListingState",
                      "RemovalStateEnum": "yingji.credit.choices.RemovalState",
                      "CreditClassEnum": "yingji.credit.choices.CreditClassCode"}

    def ready(self):
        from yingji.credit import operations, registries, tasks  # noqa: F401  (join the registries, operations, jobs)
