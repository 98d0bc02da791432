from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig


class SupervisionConfig(YingjiAppConfig):
    name = "yingji.supervision"
    label = "supervision"
    verbose_name = "监管执法"
    order = 25  # above risk (10) and hazards (20): a finding becomes a hidden hazard

    urls = "yingji.supervision.urls"
    menu = (
        MenuEntry("监管执法", "年度检查计划", registry="inspection-plans"),
        MenuEntry("监管执法", "计划检查事项", registry="plan-items"),
        MenuEntry("监管执法", "双随机抽取", registry="draws"),
        MenuEntry("监管执法", "监督检查记录", registry="inspections"),
        MenuEntry("监管执法", "检查发现问题", registry="findings"),
        MenuEntry("监管执法", "检查对象名录库", registry="inspection-objects"),
        MenuEntry("监管执法", "执法检查人员名录库", registry="inspectors"),
        MenuEntry("监管执法", "抽查事项清单", registry="inspection-matters"),
        MenuEntry("监管执法", "回避关系", registry="conflicts"),
        MenuEntry("监管执法", "检查频次规则", registry="frequency-rules"),
    )
    # 业务科室 (staff: "*" vacd) plan, draw and inspect; 乡镇 and villages see; an enterprise sees its own
    # checks (core's "*": "v" within its organization). Draws are written once, by the draw operation.
    role_grants = {
        "township": {"supervision.draw": "v", "supervision.inspectionplan": "v", "supervision.planitem": "v",
                     "supervision.frequencyrule": "v", "supervision.inspector": "v", "supervision.conflictofinterest": "v",
                     "supervision.inspectionmatter": "v"},
    }
    demo = DemoStep("yingji.supervision.demo:load", order=25)
    engines = ("draw", "caps")
    api_enum_names = {"InspectionMethodEnum": "yingji.supervision.choices.Method"}

    def ready(self):
        from yingji.supervision import operations, registries  # noqa: F401  (join the registry and operations)
