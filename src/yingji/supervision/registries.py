from yingji.core.framework.registry import Registry, register
from yingji.supervision.models import (
    ConflictOfInterest,
    Draw,
    Evidence,
    Finding,
    FrequencyRule,
    Inspection,
    InspectionItem,
    InspectionMatter,
    InspectionObject,
    InspectionPlan,
    Inspector,
    PlanItem,
)
from yingji.supervision.workflow import INSPECTION_FLOW, PLAN_FLOW

GROUP = "监管执法"

register(Registry(
    model=InspectionObject, slug="inspection-objects", menu_group=GROUP, icon="🏭",
    list_fields=["organization", "enterprise_class", "risk_level", "standardization", "is_key", "active", "region"],
    search_fields=["organization__name", "organization__credit_code"],
    filter_fields=["enterprise_class", "risk_level", "standardization", "is_key", "active", "region"],
    natural_key=("id",), select_related=("organization", "region"),
    description="检查对象名录库（“两库一单”之一）：纳入双随机抽查的企业及其行业类别、风险等级（取自风险分级管控）、"
                "安全生产标准化等级和是否重点检查企业。",
))
register(Registry(
    model=Inspector, slug="inspectors", menu_group=GROUP, icon="🪪",
    list_fields=["person", "unit", "certificate_number", "certificate_expires", "active"],
    search_fields=["person__name", "certificate_number"], filter_fields=["unit", "active", "region"],
    natural_key=("certificate_number",), select_related=("person", "unit", "region"),
    example={"certificate_expires": "2030-12-31"},
    description="执法检查人员名录库（“两库一单”之一）：持行政执法证的检查人员；执法证过期的不参与抽取，"
                "与企业有利害关系的须登记回避。",
))
register(Registry(
    model=ConflictOfInterest, slug="conflicts", menu_group=GROUP, icon="⛔",
    list_fields=["inspector", "enterprise", "relation", "note"],
    search_fields=["inspector__person__name", "enterprise__name", "note"], filter_fields=["relation", "inspector"],
    natural_key=("id",), select_related=("inspector__person", "enterprise"),
    description="检查人员与企业之间申报的利害关系：抽取时该人员不会被派往该企业。",
))
register(Registry(
    model=InspectionMatter, slug="inspection-matters", menu_group=GROUP, icon="📋",
    list_fields=["code", "name", "method", "basis"],
    search_fields=["code", "name", "basis", "content"], filter_fields=["method", "region"],
    natural_key=("code",), select_related=("region",),
    description="抽查事项清单（“两库一单”之一）：事项名称、检查依据（法律条款）、检查内容、方式和检查要点。",
))
register(Registry(
    model=InspectionPlan, slug="inspection-plans", menu_group=GROUP, icon="🗓",
    list_fields=["year", "title", "unit", "approved_on", "state"],
    search_fields=["title"], filter_fields=["year", "state", "unit", "region"],
    natural_key=("id",), select_related=("unit", "region"),
    workflow=PLAN_FLOW, locked_states=frozenset({"closed"}),
    record_links=[("检查进度（按月、按单位）", "plan_progress")],
    description="年度监督检查计划：逐项列明检查事项、依据、重点企业和随机抽查数量、频次和上限、时间、实施单位；"
                "发布后按计划抽取和检查，进度按月、按单位统计。",
))
register(Registry(
    model=PlanItem, slug="plan-items", menu_group=GROUP, icon="☑",
    list_fields=["plan", "matter", "random_total", "frequency_per_year", "cap_per_year", "start_month", "end_month",
                 "unit", "joint"],
    search_fields=["matter__name", "basis", "content"], filter_fields=["plan", "matter", "unit", "joint"],
    natural_key=("id",), select_related=("plan", "matter", "unit"),
    description="年度计划中的一个检查事项：重点检查企业（逐一列明）和随机抽查总数，检查频次与每企业每年上限，"
                "实施时间、单位，是否联合检查。",
))
register(Registry(
    model=FrequencyRule, slug="frequency-rules", menu_group=GROUP, icon="⏱",
    list_fields=["region", "enterprise_class", "risk_level", "standardization", "frequency_per_year", "cap_per_year",
                 "source_document", "confirmed"],
    search_fields=["source_document", "source_article"],
    filter_fields=["enterprise_class", "risk_level", "standardization", "confirmed", "region"],
    natural_key=("id",), select_related=("region",),
    example={"frequency_per_year": 1, "cap_per_year": 2, "effective_from": "2026-01-01"},
    description="按行业类别、风险等级、标准化等级（及信用等级，预留）确定的检查频次和上限，注明依据文件和日期；"
                "多条适用时取条件最具体的一条，没有适用规则时用计划事项自身的频次和上限。",
))
register(Registry(
    model=Draw, slug="draws", menu_group=GROUP, icon="🎲",
    list_fields=["drawn_at", "plan_item", "seed", "objects_wanted", "inspectors_per_check", "drawn_by"],
    search_fields=["objects_hash", "inspectors_hash"], filter_fields=["plan_item", "region"],
    natural_key=("id",), select_related=("plan_item__plan", "plan_item__matter", "drawn_by"),
    allow_create=False, append_only=True,
    record_links=[("抽取过程与复核", "draw_detail")],
    description="双随机抽取记录：随机种子、排序后的候选企业和检查人员清单及其 SHA-256、回避情况和抽取结果；"
                "任何人可用同样的输入重新运行得到同样的结果（抽取记录页面“重新运行并复核”，或在服务器命令行复核）。",
))
register(Registry(
    model=Inspection, slug="inspections", menu_group=GROUP, icon="🔍",
    list_fields=["organization", "plan_item", "trigger", "scheduled_on", "state", "beyond_cap", "finished_at"],
    search_fields=["organization__name", "summary", "trigger_note"],
    filter_fields=["state", "trigger", "year", "beyond_cap", "plan_item", "organization", "region"],
    natural_key=("id",), select_related=("organization", "plan_item__matter", "plan_item__plan", "region"),
    form_fields=["scheduled_on", "summary", "lon", "lat"],
    allow_create=False, workflow=INSPECTION_FLOW, locked_states=frozenset({"completed", "cancelled"}),
    record_links=[("现场检查（手机）", "inspection_onsite")],
    countdown=("scheduled_on", {"planned"}, "计划检查日期"),
    description="监督检查记录：由双随机抽取、年度计划重点企业或投诉举报、事故调查生成；现场逐项检查、拍照取证、"
                "记录问题，问题可一键转为隐患进入隐患治理闭环。",
))
register(Registry(
    model=InspectionItem, slug="inspection-items", menu_group=GROUP, icon="☐",
    list_fields=["inspection", "number", "text", "answer", "note"],
    search_fields=["text", "note"], filter_fields=["answer", "inspection"],
    natural_key=("id",), select_related=("inspection__organization",),
    form_fields=["answer", "note"], allow_create=False, locked_with="inspection",
    description="检查记录的逐项检查要点及结果（符合/不符合/不适用）。",
))
register(Registry(
    model=Finding, slug="findings", menu_group=GROUP, icon="❗",
    list_fields=["description", "inspection", "organization", "clause", "hazard"],
    search_fields=["description", "clause"], filter_fields=["inspection", "organization"],
    natural_key=("id",), select_related=("inspection__organization", "organization", "hazard"),
    form_fields=["description", "clause"], allow_create=False, locked_with="inspection",
    description="现场检查发现的问题；可转为隐患（隐患治理闭环）或立案查处。",
))
register(Registry(
    model=Evidence, slug="evidence", menu_group=GROUP, icon="📷",
    list_fields=["inspection", "taken_at", "lon", "lat", "accuracy_m", "finding", "note"],
    search_fields=["note"], filter_fields=["inspection"],
    natural_key=("id",), select_related=("inspection__organization", "finding", "attachment"),
    example={"taken_at": "2026-11-22T10:00:00+08:00"},
    form_fields=["note"], allow_create=False, locked_with="inspection",
    description="现场检查取证照片：拍摄时间和位置（取自手机定位）及对应问题。",
))
