"""Plan matching, the event-type table and the report checklist (pure engines)."""

import pytest

from yingji.incidents import event_types, matching, reporting
from yingji.incidents.matching import Condition, LevelRule, PlanSpec


def levels(**bounds):
    """levels(IV=[("deaths", ">=", 1)], …)"""
    return tuple(LevelRule(lv, tuple(Condition(f, op, v) for f, op, v in conds)) for lv, conds in bounds.items())


HAZMAT = PlanSpec("hazmat", "危化品事故预案", ("21400",), levels(
    III=[("deaths_missing", ">=", 3)], IV=[("deaths_missing", ">=", 1), ("trapped", ">", 0)]))
GENERAL = PlanSpec("general", "总体预案", (), levels(I=[("deaths_missing", ">=", 30)], IV=[("injured", ">=", 1)]))
ACCIDENTS = PlanSpec("accidents", "生产安全事故预案", ("20000",), levels(IV=[("injured", ">=", 3)]))
FLOOD = PlanSpec("flood", "防汛预案", ("11000", "12200"), levels(IV=[("relocated", ">=", 1000)]))


def figures(**kw):
    base = dict.fromkeys(matching.FIGURES, 0)
    return {**base, **kw}


def test_inclusive_and_exclusive_boundaries():
    # 以上 (>=) includes the number; 超过 (>) does not.
    assert matching.triggered_level(HAZMAT, figures(deaths_missing=3))[0] == "III"
    assert matching.triggered_level(HAZMAT, figures(deaths_missing=2))[0] == "IV"
    assert matching.triggered_level(HAZMAT, figures(trapped=0))[0] is None
    assert matching.triggered_level(HAZMAT, figures(trapped=1))[0] == "IV"


def test_the_highest_level_reached_decides_and_says_why():
    level, why = matching.triggered_level(HAZMAT, figures(deaths_missing=4, trapped=2))
    assert level == "III"
    assert why == ("死亡和失踪 4人 ≥ 3人",)


def test_ranking_specific_plans_first_and_untriggered_last():
    found = matching.match([GENERAL, FLOOD, ACCIDENTS, HAZMAT], "21400", figures(deaths_missing=1, injured=3))
    assert [m.plan.key for m in found] == ["hazmat", "accidents", "general"]  # flood does not apply
    assert [m.level for m in found] == ["IV", "IV", "IV"]
    assert found[0].specificity > found[1].specificity > found[2].specificity == 0
    quiet = matching.match([GENERAL, HAZMAT], "21400", figures())
    assert [m.level for m in quiet] == [None, None]
    assert quiet[0].reason == "各级响应的启动条件均未达到"


def test_a_class_code_covers_its_sub_types_only():
    assert matching.applies(ACCIDENTS, "21500") == 1  # 烟花爆竹事故 is under 事故灾难
    assert matching.applies(ACCIDENTS, "14200") is None
    assert matching.applies(FLOOD, "11100") == 2  # 洪水 under 水旱灾害
    assert matching.applies(FLOOD, "12100") is None  # 台风 is not 暴雨


@pytest.mark.parametrize("raw, message", [
    ("x", "启动条件应为列表"),
    ([{"figure": "dead", "value": 1}], "第 1 条启动条件的指标“dead”无效"),
    ([{"figure": "deaths", "op": ">=", "value": 1}, {"figure": "deaths", "op": "=>", "value": 1}],
     "第 2 条启动条件的比较符“=>”无效"),
    ([{"figure": "deaths", "value": -1}], "第 1 条启动条件的数值应为非负数"),
])
def test_bad_rules_are_refused_with_the_item_named(raw, message):
    with pytest.raises(ValueError, match=message):
        matching.parse_conditions(raw)


def test_unknown_figures_are_refused():
    with pytest.raises(ValueError, match="未知的事件指标：dead"):
        matching.match([GENERAL], "21400", {"dead": 1})


def test_event_type_table():
    t = event_types.get("21400")
    assert (t.name, t.category, t.category_label) == ("危险化学品事故", "accident", "事故灾难")
    assert event_types.get("14200").category == "natural"
    assert event_types.path("21400") == "事故灾难 › 工矿商贸等企业安全事故 › 危险化学品事故"
    assert event_types.get("12A00").name == "冰雹" and event_types.path("12A00").startswith("自然灾害 › 气象灾害")
    with pytest.raises(ValueError, match="“99999”不是有效的突发事件类型代码"):
        event_types.get("99999")
    groups = dict(event_types.choices())
    assert set(groups) == {"自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"}


def test_accident_report_checklist_is_article_12():
    complete = {"unit_profile": "某花炮厂", "occurred_at": "2026-11-22T03:00", "place": "大瑶镇", "scene": "工房垮塌",
                "course": "爆炸", "casualties_confirmed": True, "direct_loss_cny": 0, "measures": "停产疏散"}
    assert reporting.missing_items("accident", complete) == []
    # A loss of 0 is an estimate; an empty one is not given.
    assert reporting.missing_items("accident", {**complete, "direct_loss_cny": None}) == ["初步估计的直接经济损失"]
    assert reporting.missing_items("accident", {**complete, "unit_profile": " ", "casualties_confirmed": False}) == [
        "事故发生单位概况", "伤亡人数（包括下落不明的人数）"]
    assert reporting.missing_items("natural", {**complete, "losses": ""}) == ["损失情况"]
