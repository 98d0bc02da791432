from yingji.core.framework.contributions import DemoStep, MenuEntry, SeriesSource, YingjiAppConfig


class ReliefConfig(YingjiAppConfig):
    name = "yingji.relief"
    label = "relief"
    verbose_name = "生活救助"
    order = 70  # above disasters (65): households come from its events and named lists; goods from resources

    urls = "yingji.relief.urls"
    menu = (
        MenuEntry("灾情救助", "救助对象", registry="relief-beneficiaries"),
        MenuEntry("灾情救助", "救助发放批次", registry="relief-batches"),
        MenuEntry("灾情救助", "救助发放明细", registry="relief-lines"),
        MenuEntry("灾情救助", "基本生活救助时限", url_name="relief_hours"),
        MenuEntry("灾情救助", "救助项目标准", registry="relief-items"),
        MenuEntry("灾情救助", "救助工作规则", registry="relief-rules"),
    )
    # 村评议: the village officer lists its households and has them sign; 乡镇审核 (the township's "*"
    # vac); 县级审批 (staff; the leader takes 审批 as a change of the batch). Standards and rules are
    # the county bureau's: townships read them.
    # A yearly series for plan indicators (yingji.evaluation, 规划指标): series.py.
    series_sources = (
        SeriesSource("relief_hours", "受灾人员基本生活得到有效救助的时间", "小时", "yingji.relief.series:relief_hours",
                     "各灾情事件从救助计时起点（启动应急响应，无响应时为获悉灾情）到第一批紧急生活救助发放的小时数，"
                     "取当年各事件的最大值"),
    )
    role_grants = {
        "village": {"relief.beneficiary": "vac", "relief.batchline": "vc"},
        "leader": {"relief.reliefbatch": "vc"},
        "township": {"relief.reliefitem": "v", "relief.reliefrule": "v"},
        # Accounts of one organization (enterprises, rescue teams) have no business with households'
        # relief: the platform's "*": "v" would let them read their village's lines (masked, but listed).
        "enterprise": {"relief.beneficiary": "", "relief.batchline": "", "relief.reliefbatch": "",
                       "relief.batchgoods": ""},
        "social_force": {"relief.beneficiary": "", "relief.batchline": "", "relief.reliefbatch": "",
                         "relief.batchgoods": ""},
    }
    demo = DemoStep("yingji.relief.demo:load", order=70)
    engines = ("reliefcalc", "rules")
    api_enum_names = {"ReliefItemKindEnum": "yingji.relief.choices.ItemKind",
                      "ReliefCategoryEnum": "yingji.relief.choices.Category"}

    def ready(self):
        from yingji.relief import operations, registries  # noqa: F401  (join the registries and operations)
