from decimal import Decimal, InvalidOperation

from yingji.core.framework.registry import ComputedColumn, PointColour, Registry, register
from yingji.risk.documents import notice_card
from yingji.risk.models import (
    HazardInventory,
    HazardSource,
    RiskAssessment,
    RiskBandSetting,
    RiskPoint,
    VulnerableTarget,
)
from yingji.risk.scoring import LEVEL_COLOURS

register(Registry(
    model=RiskPoint, slug="risk-points", menu_group="风险防控", icon="◆",
    list_fields=["name", "organization", "kind", "level", "responsible_person", "review_date", "region"],
    search_fields=["name", "hazard_details", "responsible_person"],
    filter_fields=["level", "kind", "hazard_factor", "organization", "region"],
    natural_key=("id",),
    select_related=("organization", "region"),
    example={"accident_types": "火灾、容器爆炸"},
    documents={"notice-card": ("安全风险告知卡", notice_card, None)},
    record_links=[("打印告知卡 / 存为 PDF", "risk_notice_card")],
    point_colour=PointColour("level", {level: colour for level, (_, colour) in LEVEL_COLOURS.items()}),
    description="风险点登记与分级管控：每次评估（LEC 或风险矩阵）都保留，风险点取最近一次评估的等级。",
))

def check_printed_value(assessment, printed: str) -> str | None:
    """A sheet's own D (or R) against D = L×E×C (R = L×S) recomputed from the row's factors. Real
    tables carry slips; the printed figure is reported where it differs and never used."""
    result = assessment.grade()
    formula = result.explanation.split("，", 1)[0]  # "D = L×E×C = 6×6×7 = 252"
    symbol = "D" if result.method == "lec" else "R"
    try:
        value = Decimal(printed.replace(",", "").replace("，", ""))
    except InvalidOperation:
        value = None
    if value is not None and value.is_finite() and value == Decimal(str(result.value)):
        return None
    shown = f"表中 {symbol} 为 {printed}" if value is not None and value.is_finite() else f"表中 {symbol}“{printed}”不是数值"
    return f"{shown}，与 {formula} 不符；已按计算值 {result.value:g} 分级为{result.grade_text}，表中数值未采用，请核对原表"


register(Registry(
    model=RiskAssessment, slug="risk-assessments", menu_group="风险防控", icon="◇",
    list_fields=["risk_point", "method", "value", "level", "assessor", "assessed_at"],
    search_fields=["assessor", "explanation"],
    filter_fields=["level", "method", "organization", "region"],
    natural_key=("id",),
    form_fields=["risk_point", "method", "likelihood", "exposure", "consequence", "assessor", "assessed_at"],
    select_related=("risk_point", "organization", "region"),
    example={"method": "lec", "likelihood": 6, "exposure": 6, "consequence": 15, "assessor": "张工"},
    # A sheet may bring its own D (or R): accepted, recomputed, and each disagreeing row reported.
    computed_columns={"value": ComputedColumn(check_printed_value, aliases=("D", "D值", "R", "R值", "风险值"))},
    description="风险评估记录：D = L×E×C 或 R = L×S，按配置的分级方案分为重大/较大/一般/低（红/橙/黄/蓝）。"
                "导入的评估表可以带“风险值”（D）列：平台按 L、E、C 重新计算，表中数值不一致的逐行提示，不采用表中数值。",
))

register(Registry(
    model=RiskBandSetting, slug="risk-bands", menu_group="风险防控", icon="≡",
    list_fields=["region", "organization", "method", "bands", "effective_from", "basis"],
    search_fields=["basis"],
    filter_fields=["method", "region"],
    natural_key=("id",),
    select_related=("region", "organization"),
    example={"method": "lec", "effective_from": "2026-01-01", "basis": "某省安全风险分级管控实施指南",
             "bands": [{"label": "重大风险", "level": "major", "bound": 160},
                       {"label": "一般风险", "level": "moderate"}]},
    description="各省、各企业的分级标准不同：可为某区划（含下级）或某企业设置 LEC（D 值）或风险矩阵（R 值）的分级方案，"
                "级数、各级名称、下限及是否含下限本数（以上/超过）均可自定，并注明依据和施行日期；每级对应一种颜色（红/橙/黄/蓝）。"
                "未设置时用通用方案（LEC：>320 重大、≥160 较大、≥70 一般、<70 低；矩阵：≥20 重大、≥15 较大、≥9 一般、<9 低）。",
))

register(Registry(
    model=HazardSource, slug="hazard-sources", menu_group="风险防控", icon="☢",
    list_fields=["name", "organization", "unit_kind", "is_major", "grade", "r_value", "sum_ratio", "graded_at"],
    search_fields=["name", "calculation"],
    filter_fields=["is_major", "grade", "unit_kind", "organization", "region"],
    natural_key=("id",),
    form_fields=["name", "organization", "region", "unit_kind", "people_within_500m", "lon", "lat"],
    select_related=("organization", "region"),
    point_colour=PointColour("grade", {"一级": "#d9001b", "二级": "#ff7d00", "三级": "#f7ba1e", "四级": "#1677ff"}),
    example={"unit_kind": "storage", "people_within_500m": 120},
    description="按 GB 18218-2018 辨识与分级：登记单元内危险化学品的最大存在量，系统计算 Σq/Q、α、R 和等级，"
                "计算过程逐项列出，可手工核对。",
))

register(Registry(
    model=HazardInventory, slug="hazard-inventories", menu_group="风险防控", icon="⚗",
    list_fields=["hazard_source", "chemical_name", "category_code", "max_quantity_t"],
    search_fields=["chemical_name", "category_code"],
    filter_fields=["organization", "region"],
    natural_key=("id",),
    form_fields=["hazard_source", "chemical_name", "category_code", "max_quantity_t"],
    select_related=("hazard_source__organization", "organization", "region"),  # a source is named with its unit
    example={"chemical_name": "液氯", "category_code": "", "max_quantity_t": 3},
    description="重大危险源单元内的危险化学品及其最大存在量 q（t）；保存后自动重新辨识分级。",
))

register(Registry(
    model=VulnerableTarget, slug="vulnerable-targets", menu_group="风险防控", icon="⌂",
    list_fields=["name", "kind", "people", "region", "contact"],
    search_fields=["name", "address", "contact"],
    filter_fields=["kind", "region"],
    natural_key=("id",),
    select_related=("region",),
    description="学校、幼儿园、医院、养老机构、人员密集场所等脆弱性目标；三清单中列出其 1 km 内的较大以上风险和重大危险源。",
))
