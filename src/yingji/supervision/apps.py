from yingji.core.framework.contributions import DemoStep, MenuEntry, YingjiAppConfig
from yingji.core.framework.roles import Role


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
        MenuEntry("监管执法", "检查文书", registry="check-papers"),
        MenuEntry("监管执法", "检查对象名录库", registry="inspection-objects"),
        MenuEntry("监管执法", "执法检查人员名录库", registry="inspectors"),
        MenuEntry("监管执法", "抽查事项清单", registry="inspection-matters"),
        MenuEntry("监管执法", "回避关系", registry="conflicts"),
        MenuEntry("监管执法", "检查频次规则", registry="frequency-rules"),
        MenuEntry("监管执法", "执法案件", registry="enforcement-cases"),
        MenuEntry("监管执法", "执法文书", registry="case-documents"),
        MenuEntry("监管执法", "执法时限与门槛", registry="case-rules"),
        MenuEntry("监管执法", "行政执法公示", url_name="enforcement_public"),
    )
    # 法制审核 is done by the legal office, not by the case's handler (caseflow.py).
    roles = (Role("legal", "法制审核人员", "审核执法案件（法制审核通过或退回），查看全部数据",
                  {"*": "v", "supervision.enforcementcase": "vc"}),)
    # 业务科室 (staff: "*" vacd) plan, draw and inspect; 乡镇 and villages see; an enterprise sees its own
    # checks (core's "*": "v" within its organization). Draws are written once, by the draw operation.
    role_grants = {
        "township": {"supervision.draw": "v", "supervision.inspectionplan": "v", "supervision.planitem": "v",
                     "supervision.frequencyrule": "v", "supervision.inspector": "v", "supervision.conflictofinterest": "v",
                     "supervision.inspectionmatter": "v", "supervision.enforcementcase": "v",
                     "supervision.casedocument": "v", "supervision.caserule": "v", "supervision.checkpaper": "v"},
        # 行政机关负责人: 集体讨论, 决定 and 结案 are steps of the case (a change), nothing else is.
        "leader": {"supervision.enforcementcase": "vc"},
    }
    demo = DemoStep("yingji.supervision.demo:load", order=25)
    engines = ("draw", "caps", "discretion", "caselaw")
    api_enum_names = {"InspectionMethodEnum": "yingji.supervision.choices.Method",
                      "CaseStateEnum": "yingji.supervision.casechoices.CaseState",
                      "ServiceMethodEnum": "yingji.supervision.casechoices.ServiceMethod"}

    def ready(self):
        from yingji.supervision import (  # noqa: F401  (join the registries and operations)
            caseoperations,
            caseregistries,
            checkpaperoperations,
            operations,
            registries,
        )
