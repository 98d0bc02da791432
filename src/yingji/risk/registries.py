from yingji.core.registry import Registry, register
from yingji.risk.documents import notice_card
from yingji.risk.models import RiskAssessment, RiskBandSetting, RiskPoint
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
    point_colour=lambda p: LEVEL_COLOURS[p.level][1] if p.level else "#999999",
    description="风险点登记与分级管控：每次评估（LEC 或风险矩阵）都保留，风险点取最近一次评估的等级。",
))

register(Registry(
    model=RiskAssessment, slug="risk-assessments", menu_group="风险防控", icon="◇",
    list_fields=["risk_point", "method", "value", "level", "assessor", "assessed_at"],
    search_fields=["assessor", "explanation"],
    filter_fields=["level", "method", "organization", "region"],
    natural_key=("id",),
    form_fields=["risk_point", "method", "likelihood", "exposure", "consequence", "assessor", "assessed_at"],
    select_related=("risk_point", "organization", "region"),
    example={"method": "lec", "likelihood": 6, "exposure": 6, "consequence": 15, "assessor": "张工"},
    description="风险评估记录：D = L×E×C 或 R = L×S，按配置的阈值分为重大/较大/一般/低（红/橙/黄/蓝）。",
))

register(Registry(
    model=RiskBandSetting, slug="risk-bands", menu_group="风险防控", icon="≡",
    list_fields=["region", "organization", "method", "major_bound", "high_bound", "moderate_bound", "basis"],
    search_fields=["basis"],
    filter_fields=["method", "region"],
    natural_key=("id",),
    select_related=("region", "organization"),
    example={"method": "lec", "major_bound": 320, "high_bound": 160, "moderate_bound": 70},
    description="各省分级标准不同：可为某区划（含下级）或某企业设置 LEC（D 值）或风险矩阵（R 值）的分级阈值；未设置时用通用阈值"
                "（LEC：>320 重大、≥160 较大、≥70 一般；矩阵：≥20 重大、≥15 较大、≥9 一般）。",
))
