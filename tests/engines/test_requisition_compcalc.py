"""The compensation engine against hand-computed values (compcalc.py's rules)."""

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest

from yingji.requisition import compcalc, rules
from yingji.requisition.compcalc import Rates

T0 = datetime(2026, 7, 5, 8, 0)
EXCAVATOR = Rates(D("1500"), D("0"), D("300"))


def test_a_started_day_counts_whole_and_a_short_use_is_one_day():
    assert compcalc.billable_days(T0, T0 + timedelta(hours=2)) == 1
    assert compcalc.billable_days(T0, T0 + timedelta(days=3)) == 3
    assert compcalc.billable_days(T0, T0 + timedelta(days=3, minutes=1)) == 4
    with pytest.raises(compcalc.CompensationError):
        compcalc.billable_days(T0, T0 - timedelta(minutes=1))


def test_an_excavator_returned_with_a_repair():
    # 4 days: 1500 × 1 × 4 = 6000; one operator 300 × 1 × 4 = 1200; repair 3200 → 10400
    c = compcalc.compensate(EXCAVATOR, quantity=D("1"), unit_value_cny=D("450000"), days=4, condition="damaged",
                            repair_cost_cny=D("3200"), operators=1)
    assert [(x.key, x.amount_cny) for x in c.lines] == [("use", D("6000.00")), ("operators", D("1200.00")),
                                                       ("repair", D("3200.00"))]
    assert c.total_cny == D("10400.00")


def test_a_repair_dearer_than_the_thing_is_its_loss():
    c = compcalc.compensate(Rates(D("0")), quantity=D("2"), unit_value_cny=D("1000"), days=1, condition="damaged",
                            affected_quantity=D("1"), repair_cost_cny=D("1500"))
    assert [(x.key, x.amount_cny) for x in c.lines] == [("loss", D("1000.00"))]


def test_depreciation_and_loss_of_part_of_the_lot():
    # 3 pumps at 28000, 20 %/year for 10 days: 28000 × 0.20 × 10/365 × 3 = 460.273… → 460.27
    # one lost: 28000; use 200 × 3 × 10 = 6000
    c = compcalc.compensate(Rates(D("200"), D("20")), quantity=D("3"), unit_value_cny=D("28000"), days=10,
                            condition="lost", affected_quantity=D("1"))
    assert {x.key: x.amount_cny for x in c.lines} == {"use": D("6000.00"), "depreciation": D("460.27"),
                                                      "loss": D("28000.00")}
    assert c.total_cny == D("34460.27")


def test_consumed_goods_are_paid_at_their_value_and_intact_pays_use_only():
    water = compcalc.compensate(Rates(D("0")), quantity=D("500"), unit_value_cny=D("24.5"), days=2, condition="consumed")
    assert water.total_cny == D("12250.00")
    room = compcalc.compensate(Rates(D("120")), quantity=D("40"), unit_value_cny=D("0"), days=6)
    assert room.total_cny == D("28800.00") and [x.key for x in room.lines] == ["use"]


@pytest.mark.parametrize("kw, word", [
    ({"condition": "damaged"}, "修复费用"),
    ({"condition": "lost", "affected_quantity": D("2")}, "数量"),
    ({"condition": "burnt"}, "返还状况"),
    ({"days": 0}, "天数"),
])
def test_impossible_inputs_are_refused_with_what_is_wrong(kw, word):
    args = {"quantity": D("1"), "unit_value_cny": D("100"), "days": 1, **kw}
    with pytest.raises(compcalc.CompensationError, match=word):
        compcalc.compensate(EXCAVATOR, **args)


def test_the_legal_basis_is_data_with_its_sources_and_unconfirmed_marks():
    basis = {b["key"]: b for b in rules.legal_basis()}
    assert basis["requisition"]["effective"] == "2024-11-01" and basis["requisition"]["article"] == "第十二条"
    assert all(b["law"] and b["note"] for b in basis.values())
    assert "未核实" in rules.citation("requisition")
    rates = rules.national_rates()
    assert set(rates) == {"vehicle", "equipment", "site", "facility", "material", "business"}
    assert all(not r.confirmed and "示例" in r.source for r in rates.values())


def test_a_repair_of_a_thing_without_a_declared_value_is_paid_as_assessed():
    c = compcalc.compensate(Rates(D("0")), quantity=D("1"), unit_value_cny=D("0"), days=1, condition="damaged",
                            repair_cost_cny=D("800"))
    assert [(x.key, x.amount_cny) for x in c.lines] == [("repair", D("800.00"))]
