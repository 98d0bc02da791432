"""岗位/场所风险告知卡 (.docx) for a risk point: hazards, possible accidents, measures, emergency actions."""

from yingji.core.framework.documents import OfficialDocument
from yingji.risk.scoring import LEVEL_COLOURS


def notice_card(point) -> bytes:
    level = point.get_level_display() or "未评估"
    colour = f"（{LEVEL_COLOURS[point.level][0]}色）" if point.level else ""
    doc = OfficialDocument(point.organization.name if point.organization else str(point.region), "安全风险告知卡")
    doc.facts([
        ("风险点", point.name), ("风险等级", f"{level}{colour}"), ("类型", point.get_kind_display()),
        ("危险有害因素", f"{point.get_hazard_factor_display()}：{point.hazard_details or '—'}"),
        ("可能导致的事故", point.accident_types),
        ("工程技术措施", point.engineering_measures), ("管理措施", point.management_measures),
        ("培训教育措施", point.training_measures), ("个体防护措施", point.ppe_measures),
        ("应急处置措施", point.emergency_measures),
        ("责任人", f"{point.responsible_person}  {point.responsible_phone}"),
        ("应急电话", "火警 119  急救 120  报警 110  安全生产举报 12350"),
    ])
    return doc.bytes()
