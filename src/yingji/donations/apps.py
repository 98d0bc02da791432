from yingji.core.framework.contributions import DemoStep, MenuEntry, PeriodicJob, YingjiAppConfig


class DonationsConfig(YingjiAppConfig):
    name = "yingji.donations"
    label = "donations"
    verbose_name = "捐赠管理"
    order = 75  # above relief (70) and resources (50): it reads events, warehouses, the stock ledger and batches

    urls = "yingji.donations.urls"
    menu = (
        MenuEntry("灾情救助", "捐赠活动", registry="donation-campaigns"),
        MenuEntry("灾情救助", "捐赠接收", registry="donation-lots"),
        MenuEntry("灾情救助", "捐赠分配", registry="donation-allocations"),
        MenuEntry("灾情救助", "捐赠意向登记", registry="donation-pledges"),
        MenuEntry("灾情救助", "急需物资清单", registry="donation-needs"),
        MenuEntry("灾情救助", "捐赠接收点", registry="donation-points"),
        MenuEntry("灾情救助", "捐赠信息公开", registry="donation-disclosures"),
    )
    # The donations office is the county's staff and the townships' receiving points; village officers
    # read. Accounts of one organization (enterprises, rescue teams) have no business with donors' records.
    role_grants = {
        "village": {"donations.donationlot": "v"},
        "enterprise": {"donations.pledge": "", "donations.donationlot": "", "donations.allocation": ""},
        "social_force": {"donations.pledge": "", "donations.donationlot": "", "donations.allocation": ""},
    }
    periodic_jobs = (PeriodicJob("donation-disclosures", "yingji.donations.tasks.schedule_disclosures", 3600 * 6),)
    demo = DemoStep("yingji.donations.demo:load", order=75)
    engines = ("disclosure",)
    api_enum_names = {"DonationUseEnum": "yingji.donations.choices.Use",
                      "DonationKindEnum": "yingji.donations.choices.LotKind"}

    def ready(self):
        from yingji.donations import operations, registries, tasks  # noqa: F401  (registries, operations, schedule)
