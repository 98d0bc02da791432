"""What an incident report must contain before it may be sent (pure).

Accidents: 生产安全事故报告和调查处理条例 第十二条 — (一) 事故发生单位概况; (二) 事故发生的时间、地点以及
事故现场情况; (三) 事故的简要经过; (四) 已经造成或者可能造成的伤亡人数（包括下落不明的人数）和初步估计的
直接经济损失; (五) 已经采取的措施; (六) 其他应当报告的情况. Natural disasters and other events: time,
place, type, course, casualties and losses, measures (自然灾害情况统计调查制度 初报 content).
A report missing an item cannot be sent; the answer names each missing item in the regulation's words.
"""

from __future__ import annotations

# item -> (label, the report fields that must be filled for it)
ACCIDENT_ITEMS = {
    "unit": ("事故发生单位概况", ("unit_profile",)),
    "time_place": ("事故发生的时间、地点", ("occurred_at", "place")),
    "scene": ("事故现场情况", ("scene",)),
    "course": ("事故的简要经过", ("course",)),
    "casualties": ("伤亡人数（包括下落不明的人数）", ("casualties_confirmed",)),
    "loss": ("初步估计的直接经济损失", ("direct_loss_cny",)),
    "measures": ("已经采取的措施", ("measures",)),
}
GENERAL_ITEMS = {
    "time_place": ("发生时间、地点", ("occurred_at", "place")),
    "course": ("事件概况和经过", ("course",)),
    "casualties": ("人员伤亡和失踪情况", ("casualties_confirmed",)),
    "loss": ("损失情况", ("losses",)),
    "measures": ("已经采取的措施", ("measures",)),
}
SOURCE = "《生产安全事故报告和调查处理条例》第十二条"


def required_items(category: str) -> dict:
    return ACCIDENT_ITEMS if category == "accident" else GENERAL_ITEMS


def missing_items(category: str, report: dict) -> list[str]:
    """Labels of the required items ``report`` (field -> value) does not yet give."""
    def given(value) -> bool:
        if value is None or value is False:
            return False
        return bool(str(value).strip()) if isinstance(value, str) else True

    return [label for label, fields in required_items(category).values()
            if not all(given(report.get(f)) for f in fields)]
