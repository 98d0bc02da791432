"""The discretion engine on every shipped entry, at every 裁量阶次 boundary, and the boundary words."""

from decimal import Decimal

import pytest

from yingji.incidents.grading import accident_grade
from yingji.supervision.discretion import DiscretionError, decide, entries, national_table, parse_table

NATIONAL = entries([national_table()])
STATUTE_TIERS = ["AQSCF-97-1", "AQSCF-97-3", "AQSCF-97-7", "AQSCF-101-5"]


def test_every_shipped_entry_cites_its_basis_and_every_tier_is_reached():
    reached = {code: set() for code in NATIONAL}
    for entry in NATIONAL.values():
        assert entry.penalty_basis.startswith("《安全生产法》") and entry.legal_provision
        for tier in entry.tiers:
            assert tier.fines and tier.standard and tier.conditions
    for code in STATUTE_TIERS:
        for overdue in (True, False):
            reached[code].add(decide(NATIONAL[code], {"overdue": overdue}).tier.name)
    for refused in (True, False):
        reached["AQSCF-102"].add(decide(NATIONAL["AQSCF-102"], {"refused": refused}).tier.name)
    for deaths in (0, 3, 10, 30):
        reached["AQSCF-114"].add(decide(NATIONAL["AQSCF-114"], {"deaths": deaths, "serious_injuries": 0,
                                                                   "direct_loss": 0}).tier.name)
    assert reached == {code: {t.name for t in e.tiers} for code, e in NATIONAL.items()}


@pytest.mark.parametrize("code", STATUTE_TIERS)
def test_article_97_and_101_tiers_and_their_fine_bounds(code):
    """第九十七条/第一百零一条: 责令限期改正，处十万元以下; 逾期未改正 十万元以上二十万元以下 (unit),
    二万元以上五万元以下 (persons). 以上/以下 include the number."""
    first = decide(NATIONAL[code], {"overdue": "否"})
    assert first.tier.name == "责令限期改正"
    assert first.check_fine("unit", Decimal("100000")) is None
    assert first.check_fine("unit", Decimal("0.01")) is None
    assert "不在" in first.check_fine("unit", Decimal("100000.01"))
    assert "没有罚款" in first.check_fine("person", Decimal("20000"))
    late = decide(NATIONAL[code], {"overdue": "是"})
    assert late.tier.name == "逾期未改正"
    for party, low, high in (("unit", "100000", "200000"), ("person", "20000", "50000")):
        assert late.check_fine(party, Decimal(low)) is None
        assert late.check_fine(party, Decimal(high)) is None
        assert late.check_fine(party, Decimal(low) - Decimal("0.01")) is not None
        assert late.check_fine(party, Decimal(high) + Decimal("0.01")) is not None
    assert late.tier.fine_for("unit").text == "10万元以上20万元以下"
    assert "第九十七条" in late.citation or "第一百零一条" in late.citation
    assert late.reasons == ("经责令限期改正，逾期未改正：是（须为“是”）",)


def test_article_102_refusal_fines_the_persons_only():
    first = decide(NATIONAL["AQSCF-102"], {"refused": False})
    assert first.check_fine("unit", Decimal("50000")) is None
    assert first.check_fine("unit", Decimal("50000.01")) is not None
    refused = decide(NATIONAL["AQSCF-102"], {"refused": True})
    assert refused.tier.name == "拒不执行"
    assert refused.check_fine("person", Decimal("50000")) is None and refused.check_fine("person", Decimal("100000")) is None
    assert refused.check_fine("person", Decimal("49999.99")) is not None
    assert refused.check_fine("unit", Decimal("1")) is not None


# deaths, serious injuries, loss (yuan) on each side of every boundary of 国务院令第493号 第三条
ACCIDENTS = [
    (2, 9, "9999999.99", "一般事故"), (3, 0, "0", "较大事故"), (0, 10, "0", "较大事故"), (0, 0, "10000000", "较大事故"),
    (9, 49, "49999999.99", "较大事故"), (10, 0, "0", "重大事故"), (0, 50, "0", "重大事故"), (0, 0, "50000000", "重大事故"),
    (29, 99, "99999999.99", "重大事故"), (30, 0, "0", "特别重大事故"), (0, 100, "0", "特别重大事故"),
    (0, 0, "100000000", "特别重大事故"), (0, 0, "0", "一般事故"),
]
FINES_114 = {"一般事故": (300000, 1000000), "较大事故": (1000000, 2000000), "重大事故": (2000000, 10000000),
             "特别重大事故": (10000000, 20000000)}


@pytest.mark.parametrize(("deaths", "hurt", "loss", "grade"), ACCIDENTS)
def test_article_114_by_accident_grade_at_every_boundary(deaths, hurt, loss, grade):
    decision = decide(NATIONAL["AQSCF-114"], {"deaths": deaths, "serious_injuries": hurt, "direct_loss": loss})
    assert decision.tier.name == grade
    # the same grade as the platform's own grading of 493号 第三条 (one reading of the regulation)
    assert accident_grade(deaths, hurt, Decimal(loss)).label == grade
    low, high = (Decimal(x) for x in FINES_114[grade])
    assert decision.check_fine("unit", low) is None and decision.check_fine("unit", high) is None
    assert decision.check_fine("unit", low - Decimal("0.01")) is not None
    assert decision.check_fine("unit", high + Decimal("0.01")) is not None
    assert decision.reasons  # the answers that led to it are kept


def test_decision_records_the_answers_that_led_to_it():
    decision = decide(NATIONAL["AQSCF-114"], {"deaths": "3", "serious_injuries": 0, "direct_loss": "12000000"})
    record = decision.record()
    assert record["entry"] == "AQSCF-114" and record["tier"] == "较大事故"
    assert record["answers"] == {"deaths": "3", "serious_injuries": "0", "direct_loss": "12000000"}
    assert record["reasons"] == ["死亡（含失踪）人数：3人，3人以上（≥ 3）"]
    assert "第一百一十四条" in record["citation"] and "一百万元以上二百万元以下" in record["citation"]


@pytest.mark.parametrize(("answers", "message"), [
    ({}, "请回答“经责令限期改正，逾期未改正”"),
    ({"overdue": "也许"}, "须回答是或否"),
])
def test_bad_answers_are_refused_naming_the_question(answers, message):
    with pytest.raises(DiscretionError, match=message):
        decide(NATIONAL["AQSCF-97-1"], answers)


def test_numbers_must_be_numbers():
    with pytest.raises(DiscretionError, match="死亡（含失踪）人数.*整数"):
        decide(NATIONAL["AQSCF-114"], {"deaths": "1.5", "serious_injuries": 0, "direct_loss": 0})
    with pytest.raises(DiscretionError, match="直接经济损失.*数字"):
        decide(NATIONAL["AQSCF-114"], {"deaths": 0, "serious_injuries": 0, "direct_loss": "很多"})


def _supplement(op, n=30):
    return parse_table({"name": "某省补充基准", "source": "某省应急管理厅文件", "entries": [{
        "code": "SUP-1", "violation": "某违法行为", "legal_provision": "某条", "penalty_basis": "某条",
        "questions": [{"key": "workers", "label": "从业人员", "kind": "number", "unit": "人"}],
        "tiers": [
            {"name": "较重", "conditions": f"从业人员{n}人{op}的", "rule": {"q": "workers", "op": op, "n": n},
             "standard": "处二万元以上三万元以下的罚款", "fines": [{"party": "unit", "low": 20000, "high": 30000}]},
            {"name": "一般", "conditions": "其他", "rule": {"q": "workers", "op": "以上", "n": 0},
             "standard": "处二万元以下的罚款", "fines": [{"party": "unit", "high": 20000}]}]}]})


@pytest.mark.parametrize(("op", "below", "at", "above"), [
    ("以上", False, True, True), ("以下", True, True, False), ("以内", True, True, False),
    ("不满", True, False, False), ("超过", False, False, True),
])
def test_boundary_words_include_or_exclude_the_number(op, below, at, above):
    """以上/以下/以内 include the number, 不满/超过 exclude it (立法技术规范（试行）（一）)."""
    entry = _supplement(op).entries[0]
    for workers, heavier in ((29, below), (30, at), (31, above)):
        assert (decide(entry, {"workers": workers}).tier.name == "较重") is heavier, (op, workers)


def test_a_supplement_extends_the_table_and_may_not_reuse_a_code():
    table = _supplement("以上")
    merged = entries([national_table(), table])
    assert "SUP-1" in merged and "AQSCF-114" in merged
    with pytest.raises(DiscretionError, match="编号 SUP-1 已在"):
        entries([national_table(), table, table])


@pytest.mark.parametrize(("change", "message"), [
    (lambda e: e["tiers"][0].update(rule={"q": "nobody", "op": "以上", "n": 1}), "未声明的问题 nobody"),
    (lambda e: e["tiers"][0].update(rule={"q": "workers", "op": "大于", "n": 1}), "不认识的界限用语“大于”"),
    (lambda e: e["tiers"][0].update(fines=[{"party": "unit", "low": 5, "high": 1}]), "罚款幅度不成立"),
    (lambda e: e.pop("penalty_basis"), "第1条（SUP-1）：缺少“penalty_basis”"),
])
def test_a_faulty_table_is_refused_with_where_and_why(change, message):
    raw = {"name": "坏表", "source": "x", "entries": [{
        "code": "SUP-1", "violation": "v", "legal_provision": "l", "penalty_basis": "p",
        "questions": [{"key": "workers", "label": "从业人员", "kind": "number"}],
        "tiers": [{"name": "一般", "conditions": "c", "rule": {"q": "workers", "op": "以上", "n": 0}, "standard": "s",
                   "fines": [{"party": "unit", "high": 1}]}]}]}
    change(raw["entries"][0])
    with pytest.raises(DiscretionError, match=message):
        parse_table(raw, "坏表.json")


def test_no_matching_tier_is_an_error_not_a_guess():
    table = parse_table({"name": "t", "source": "s", "entries": [{
        "code": "X", "violation": "v", "legal_provision": "l", "penalty_basis": "p",
        "questions": [{"key": "n", "label": "数量", "kind": "number"}],
        "tiers": [{"name": "严重", "conditions": "10以上", "rule": {"q": "n", "op": "以上", "n": 10}, "standard": "s",
                   "fines": [{"party": "unit", "high": 1}]}]}]})
    with pytest.raises(DiscretionError, match="没有与所答情形相符的裁量阶次"):
        decide(table.entries[0], {"n": 9})

