from yingji.core.framework.contributions import (
    DemoStep,
    ListFilter,
    MenuEntry,
    PeriodicJob,
    ProfilePanel,
    YingjiAppConfig,
)

OPEN_HAZARD = {"state__in": ["reported", "rectifying", "overdue", "awaiting_acceptance"]}

# The profile's panels for the apps below it, declared as data (registries by slug): an app that comes
# later (企业合规's insurance and certificates) declares its own ProfilePanel in its AppConfig.
PANELS = (
    ProfilePanel("risk-points", "风险点（四色）", "risk-points", breakdown="level",
                 dates=(("assessed_at", "风险评估"),), order=10),
    ProfilePanel("hazard-sources", "危险源与重大危险源", "hazard-sources",
                 counts=(("构成重大危险源", {"is_major": True}),
                         *((f"{g}重大危险源", {"grade": g}) for g in ("一级", "二级", "三级", "四级"))),
                 dates=(("graded_at", "危险源辨识分级"),), order=20),
    ProfilePanel("hazards", "隐患", "hazards", counts=(("未销号", OPEN_HAZARD), ("逾期", {"state": "overdue"}),
                                                  ("重大隐患", {"grade": "major"})),
                 dates=(("found_at", "发现隐患"), ("closed_at", "隐患销号")), order=30),
    ProfilePanel("monitoring-points", "监测点", "monitoring-points", order=40),
    ProfilePanel("sensors", "传感器", "sensors", breakdown="status", order=41),
    ProfilePanel("alarms", "监测报警", "alarms", counts=(("近30天", {"opened_at__gte": "@now-30d"}),
                                                   ("未消警", {"state__in": ["raised", "acknowledged", "handling"]})),
                 dates=(("opened_at", "监测报警"),), order=42),
    ProfilePanel("incidents", "事故与突发事件", "incidents",
                 counts=(("近12个月", {"occurred_at__gte": "@now-12m"}),
                         ("较大及以上", {"grade__in": ["larger", "major", "especially_major"]})),
                 dates=(("occurred_at", "发生事故/事件"),), order=50),
    ProfilePanel("inspections", "执法检查", "inspections", breakdown="state",
                 dates=(("finished_at", "完成检查"),), order=60),
    ProfilePanel("findings", "检查发现问题", "findings", order=61),
    ProfilePanel("enforcement-cases", "执法案件与处罚", "enforcement-cases",
                 counts=(("已决定处罚", {"state__in": ["decided", "executed", "closed"]}),
                         ("罚款案件", {"fine_cny__gt": 0})),
                 dates=(("filed_on", "立案"), ("decided_on", "作出处罚决定")), order=62),
    ProfilePanel("inspection-objects", "名录库（信用等级）", "inspection-objects",
                 counts=tuple((f"信用{c}级", {"credit_class": c}) for c in "ABCD"), order=70),
    ProfilePanel("credit-listings", "严重失信名单", "credit-listings", breakdown="state",
                 dates=(("decided_on", "列入严重失信名单"),), title=("number", "rule_title"), order=71),
    ProfilePanel("credit-ratings", "信用等级评定", "credit-ratings", breakdown="credit_class",
                 dates=(("computed_on", "信用等级评定"),), title=("credit_class",), order=72),
    ProfilePanel("plans", "应急预案", "plans", counts=(("有效", {"abolished": False}),),
                 dates=(("approved_on", "预案印发"),), order=80),
    ProfilePanel("drills", "应急演练", "drills", breakdown="evaluation", dates=(("date", "应急演练"),), order=81),
    ProfilePanel("persons", "人员", "persons", order=90),
    ProfilePanel("tags", "企业标签", "enterprise-tags", breakdown="kind", dates=(("since", "打上标签"),), title=("label",),
                 order=95),
)


class ProfilesConfig(YingjiAppConfig):
    name = "yingji.profiles"
    label = "profiles"
    verbose_name = "企业全息档案"
    # Above every app whose records it shows: it reads them only through registries and declarations
    # (ProfilePanel, EnterpriseFact), never by importing them, so nothing needs it.
    order = 95

    urls = "yingji.profiles.urls"
    menu = (
        MenuEntry("监管执法", "企业全息档案", url_name="profiles_index", perm="core.view_organization"),
        MenuEntry("监管执法", "标签魔方", url_name="profiles_pivot", perm="profiles.view_enterprisetag"),
        MenuEntry("监管执法", "企业标签", registry="enterprise-tags"),
        MenuEntry("监管执法", "标签规则", registry="tag-rules"),
    )
    # Rules are the county's (业务科室 and administrators change them; townships read them); a township
    # tags its own enterprises by hand (core's "*": "vac"), an enterprise reads its own tags.
    role_grants = {
        "township": {"profiles.tagrule": "v"},
        "enterprise": {"profiles.tagrule": "v"},
        "social_force": {"profiles.tagrule": "v", "profiles.enterprisetag": "v"},
    }
    periodic_jobs = (PeriodicJob("profile-tags", "yingji.profiles.tasks.recompute_tags", 3600 * 6),)
    demo = DemoStep("yingji.profiles.demo:load", order=95)
    engines = ("tagrules",)
    profile_panels = PANELS
    list_filters = (ListFilter("tag", "标签", "yingji.profiles.filters:by_tag"),)

    def ready(self):
        from yingji.profiles import operations, registries, tasks  # noqa: F401  (join the registries, operations, jobs)
