"""Plausibility rules of a 灾情 report: each rule passes on consistent figures and fails with a
located message (township, indicator code and label, why) on inconsistent ones; the falling or
jumping cumulative figures are findings of their own kind that a written explanation clears."""

from decimal import Decimal

import pytest

from yingji.disasters import checks
from yingji.disasters.catalogue import national

RULES = national()
GOOD = {"affected_population": 1200, "deaths": 1, "missing": 2, "injured": 5, "injured_serious": 2,
        "relocated_total": 300, "relocated_concentrated": 120, "relocated_dispersed": 180, "relocated_current": 80,
        "emergency_aid_total": 90, "emergency_aid_current": 40, "transition_aid": 30, "transition_aid_female": 14,
        "transition_aid_elderly": 9, "transition_aid_children": 6, "crop_affected_area": Decimal("350.5"),
        "crop_affected_grain": Decimal("200"), "crop_damaged_area": Decimal("120.25"), "crop_damaged_grain": 80,
        "crop_lost_area": Decimal("100"), "crop_lost_grain": 20, "direct_loss": Decimal("12345670.00"),
        "direct_loss_agriculture": Decimal("5000000"), "direct_loss_housing": Decimal("3000000")}


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def test_consistent_figures_pass():
    assert checks.check_figures(GOOD, RULES, "青石镇") == []


@pytest.mark.parametrize(("change", "rule", "code", "words"), [
    ({"crop_damaged_area": Decimal("400")}, "at_most", "crop_damaged_area", "不应大于「农作物受灾面积」350.5 公顷"),
    ({"crop_lost_area": Decimal("130")}, "at_most", "crop_lost_area", "不应大于「农作物成灾面积」120.25 公顷"),
    ({"crop_lost_grain": 90}, "at_most", "crop_lost_grain", ("青石镇「农作物绝收面积中的粮食作物」：90 公顷，"
                                                    "不应大于「农作物成灾面积中的粮食作物」80 公顷")),
    ({"injured_serious": 6}, "at_most_parent", "injured_serious", ("青石镇「因灾受伤人口中的重伤」：6 人，"
                                                                 "超过其总数「因灾受伤人口」5 人")),
    ({"transition_aid_children": 31}, "at_most_parent", "transition_aid_children", "超过其总数「需过渡期生活救助人口」30 人"),
    ({"relocated_dispersed": 170}, "sum_equal", "relocated_total", "应等于 集中安置 + 分散安置 = 290 人"),
    ({"relocated_current": 301}, "realtime", "relocated_current", ("实时数 301 人 不应大于"
                                                                   "累计数「紧急转移安置人口（累计）」300 人")),
    ({"emergency_aid_current": 91}, "realtime", "emergency_aid_current", "不应大于累计数"),
    ({"direct_loss_industry": Decimal("5000000")}, "sum_at_most", "direct_loss", "1234.567 万元，小于各分项之和 1300 万元"),
    ({"deaths": -1}, "negative", "deaths", "不能为负数（-1）"),
    ({"missing": Decimal("1.5")}, "whole", "missing", "应为整数（1.5）"),
])
def test_each_rule_fails_located(change, rule, code, words):
    finding = only(checks.check_figures({**GOOD, **change}, RULES, "青石镇"))
    assert (finding.kind, finding.rule, finding.code, finding.township) == ("error", rule, code, "青石镇")
    assert finding.label == RULES.name(code)
    assert finding.message.startswith(f"青石镇「{finding.label}」：")
    assert words in finding.message


def test_each_其中_at_its_total_passes_and_one_more_fails():
    at = {**GOOD, "injured_serious": 5, "relocated_current": 300, "crop_damaged_area": Decimal("350.5")}
    assert checks.check_figures(at, RULES) == []
    finding = only(checks.check_figures({**at, "injured_serious": 6}, RULES))
    assert finding.township == "" and finding.message.startswith("全县合计「因灾受伤人口中的重伤」")


def test_unknown_figures_take_no_part_and_unknown_codes_are_errors():
    assert checks.check_figures({"crop_damaged_area": 10}, RULES) == []  # 受灾 not given: nothing to compare
    assert only(checks.check_figures({"killed": 1}, RULES)).rule == "unknown"


def test_a_report_is_checked_per_township():
    report = {"青石镇": GOOD, "白水乡": {**GOOD, "crop_lost_area": Decimal("121"), "crop_lost_grain": 20}, "": GOOD}
    finding = only(checks.check_report(report, RULES))
    assert finding.township == "白水乡" and finding.code == "crop_lost_area"


def test_a_falling_cumulative_figure_needs_an_explanation():
    finding = checks.check_change("missing", 3, 1, RULES, "青石镇")
    assert (finding.kind, finding.rule, finding.key) == ("explain", "fell", ("青石镇", "missing"))
    assert finding.message == "青石镇「因灾失踪人口」：累计数由 3 人 降为 1 人，需书面说明原因"
    assert checks.check_change("missing", 3, 3, RULES) is None
    assert checks.check_change("relocated_current", 300, 80, RULES) is None  # 实时 may fall


def test_a_jump_beyond_the_ratio_needs_an_explanation():
    assert checks.check_change("affected_population", 100, 200, RULES) is None  # exactly 2×: not beyond
    finding = checks.check_change("affected_population", 100, 201, RULES)
    assert finding.rule == "jumped" and "超过上次的 2 倍" in finding.message
    assert checks.check_change("injured", 1, 5, RULES) is None  # rise below the minimum increase (10)
    assert checks.check_change("injured", 0, 500, RULES) is None  # first appearance is no jump
    loss = checks.check_change("direct_loss", Decimal("1000000"), Decimal("3000000"), RULES)
    assert "由 100 万元 增至 300 万元" in loss.message
    stricter = RULES.with_overrides({"plausibility": {"jump_ratio": 1.5}})
    assert checks.check_change("affected_population", 100, 160, stricter).rule == "jumped"


def test_changes_between_reports_and_what_blocks_sending():
    previous = {"青石镇": {"missing": 3, "affected_population": 1000}, "": {"missing": 3}}
    current = {"青石镇": {"missing": 1, "affected_population": 1100}, "": {"missing": 1}}
    findings = checks.check_changes(previous, current, RULES)
    assert [f.key for f in findings] == [("青石镇", "missing"), ("", "missing")]
    assert checks.blocking(findings) == findings
    explained = {("青石镇", "missing"): "两名失踪人员已找到，均安全", ("", "missing"): "同上"}
    assert checks.blocking(findings, explained) == []
    assert checks.blocking(findings, {("青石镇", "missing"): "  "}) == findings  # blank is no explanation
    error = only(checks.check_figures({"injured": 1, "injured_serious": 2}, RULES))
    assert checks.blocking([error], {error.key: "解释也不行"}) == [error]


def test_deaths_and_missing_equal_the_named_list():
    assert checks.check_named_list({"deaths": 2, "missing": 1}, 2, 1, RULES) == []
    finding = only(checks.check_named_list({"deaths": 2, "missing": 1}, 2, 0, RULES, "青石镇"))
    assert finding.code == "missing" and finding.message == "青石镇「因灾失踪人口」：报 1 人，因灾死亡失踪人口一览表中有 0 人"
    assert only(checks.check_named_list({}, 1, 0, RULES)).code == "deaths"


def test_the_text_description_and_photos():
    full = {part: "……" for part in checks.TEXT_PARTS}
    assert checks.check_text(full, response_active=True, photos=3, rules=RULES) == []
    assert checks.check_text(full, response_active=False, photos=0, rules=RULES) == []
    photos = only(checks.check_text(full, response_active=True, photos=2, rules=RULES))
    assert photos.rule == "photos" and "不少于 3 张，现有 2 张" in photos.message
    missing = only(checks.check_text({**full, "trend": " "}, response_active=False, photos=0, rules=RULES))
    assert missing.code == "trend" and missing.message == "文字说明缺少「趋势预测」"


def test_figures_as_typed_or_stored_come_in_their_stored_types():
    raw = {"affected_population": "1,200", "deaths": 1.0, "crop_affected_area": "350.50", "direct_loss": "12345670.00",
           "missing": "", "injured": None}
    figures, errors = checks.parse_figures(raw, RULES, "青石镇")
    assert errors == []
    assert figures == {"affected_population": 1200, "deaths": 1, "crop_affected_area": Decimal("350.50"),
                       "direct_loss": Decimal("12345670.00")}
    assert isinstance(figures["deaths"], int)
    typed, _ = checks.parse_figures({"direct_loss": "1234.567"}, RULES, money_in="wan")
    assert typed == {"direct_loss": Decimal("12345670.000")}  # 万元 typed, yuan kept, exactly
    assert checks.figures_json(figures) == {"affected_population": 1200, "deaths": 1, "crop_affected_area": "350.5",
                                            "direct_loss": "12345670"}
    again, _ = checks.parse_figures(checks.figures_json(figures), RULES)
    assert again == figures  # JSON round trip


@pytest.mark.parametrize(("raw", "rule", "words"), [
    ({"deaths": "两人"}, "number", "青石镇「因灾死亡人口」：「两人」不是数字"),
    ({"deaths": True}, "number", "不是数字"),
    ({"deaths": "NaN"}, "number", "不是数字"),
    ({"missing": "1.5"}, "whole", "应为整数（1.5）"),
    ({"direct_loss": "0.0000001"}, "fen", "精确到分以下（0.001 元）"),
    ({"killed": 1}, "unknown", "未知指标 killed"),
])
def test_bad_figures_are_refused_located(raw, rule, words):
    figures, errors = checks.parse_figures(raw, RULES, "青石镇", money_in="wan")
    assert figures == {} and only(errors).rule == rule and words in errors[0].message
