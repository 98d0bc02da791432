"""The pure engines of plan evaluation, against values computed by hand."""

import zlib

import pytest

from yingji.evaluation import chart, composite
from yingji.evaluation.indicators import (
    AT_LEAST,
    AT_MOST,
    CHANGE_PCT,
    GREEN,
    GREY,
    RED,
    YELLOW,
    Formula,
    Indicator,
    Target,
    assess,
    compute,
    evaluate,
)


def test_rate_per_100k_employees():
    # 工矿商贸就业人员十万人生产安全事故死亡率: 3 deaths among 250 000 employees → 3 / 250000 × 100000 = 1.2
    f = Formula(("mining_deaths",), ("employees",), 100_000)
    t = compute(f, {"mining_deaths": {2023: 3}, "employees": {2023: 250_000}}, 2023)
    assert t.value == pytest.approx(1.2)
    assert (t.numerator, t.denominator, t.years) == (3, 250_000, (2023,))


def test_deaths_per_100m_gdp_sums_two_series():
    # (4 + 2) deaths / 1500 亿元 = 0.004 per 亿元
    f = Formula(("accident_deaths", "traffic_deaths"), ("gdp",))
    t = compute(f, {"accident_deaths": {2022: 4}, "traffic_deaths": {2022: 2}, "gdp": {2022: 1500}}, 2022)
    assert t.value == pytest.approx(0.004)


def test_period_average_sums_from_the_first_year():
    # 年均直接经济损失占GDP比例 (%) in 2023 of a period from 2021: (30+10+20)/(1000+1100+1200) ×100 = 1.818…
    f = Formula(("loss",), ("gdp",), 100, aggregate="period")
    s = {"loss": {2021: 30, 2022: 10, 2023: 20}, "gdp": {2021: 1000, 2022: 1100, 2023: 1200}}
    t = compute(f, s, 2023, period_start=2021)
    assert t.years == (2021, 2022, 2023)
    assert t.value == pytest.approx(60 / 3300 * 100)


def test_missing_figure_or_zero_denominator_gives_no_value():
    f = Formula(("a",), ("b",))
    assert compute(f, {"a": {2022: 1}}, 2022).value is None
    assert compute(f, {"a": {2022: 1}}, 2022).missing == ("b:2022",)
    assert compute(f, {"a": {2022: 1}, "b": {2022: 0}}, 2022).value is None


def test_percent_change_target_and_straight_line_path():
    # 较大以上事故起数 下降15% from a base of 20 in 2020 to 2025: goal 17, path 20 − 3 × (y − 2020)/5.
    target = Target(CHANGE_PCT, -15)
    assert target.goal(20) == pytest.approx(17)
    assert target.text() == "较基期下降15%"
    a = assess(target, 20, 2020, 2025, 2023, 18.2)  # path 2023 = 20 − 1.8 = 18.2 → on the path
    assert a.path == pytest.approx(18.2) and a.light == GREEN
    assert a.progress_pct == pytest.approx(60)
    # behind by 0.2 ≤ 10 % of the distance (0.3): yellow; by 0.5: red
    assert assess(target, 20, 2020, 2025, 2023, 18.4).light == YELLOW
    assert assess(target, 20, 2020, 2025, 2023, 18.7).light == RED
    final = assess(target, 20, 2020, 2025, 2025, 16.5)
    assert final.met and final.light == GREEN


def test_increase_target_and_bounds():
    up = Target(CHANGE_PCT, 10)  # 提高10%: 60 → 66
    assert not up.lower_is_better() and up.goal(60) == pytest.approx(66)
    assert assess(up, 60, 2020, 2025, 2022, 62.4).light == GREEN  # path 62.4
    cov = Target(AT_LEAST, 75)  # 5分钟覆盖率 ≥75 % from 60 %: path in 2024 = 60 + 15 × 4/5 = 72
    assert assess(cov, 60, 2020, 2025, 2024, 71).light == YELLOW  # 1 behind ≤ 1.5
    assert assess(cov, 60, 2020, 2025, 2024, 70).light == RED
    cap = Target(AT_MOST, 0.05)  # a bound met at the base stays the path
    a = assess(cap, 0.03, 2020, 2025, 2022, 0.049)
    assert a.path == pytest.approx(0.05) and a.light == GREEN
    assert assess(cap, 0.03, 2020, 2025, 2022, 0.052).light == YELLOW  # behind by .002 ≤ 10 % of .05
    assert assess(cap, 0.03, 2020, 2025, 2022, None).light == GREY


def test_evaluate_takes_the_base_from_the_series_when_not_given():
    ind = Indicator("rate", Formula(("d",), ("p",), 1_000_000), Target(CHANGE_PCT, -20), 2020, None)
    s = {"d": {2020: 10, 2021: 8}, "p": {2020: 1_000_000, 2021: 1_000_000}}
    rows = evaluate([ind], s, [2021], 2025, 2021)["rate"]
    assert rows[0].goal == pytest.approx(8)  # base 10 per million, −20 %
    assert rows[0].value == pytest.approx(8) and rows[0].light == GREEN


def test_composite_weights_and_min_max():
    comps = [composite.Component("deaths", "死亡率", 0.6, higher_is_better=False),
             composite.Component("officers", "信息员覆盖率", 0.4, lo=0, hi=100)]
    out = composite.score(comps, {"A": {"deaths": 1.0, "officers": 100}, "B": {"deaths": 3.0, "officers": 50},
                                  "C": {"deaths": 2.0, "officers": None}})
    by = {s.unit: s for s in out}
    assert by["A"].index == pytest.approx(100)  # 0.6×100 + 0.4×100
    assert by["B"].index == pytest.approx(0.6 * 0 + 0.4 * 50)
    assert by["C"].index == pytest.approx(50) and by["C"].missing == ["信息员覆盖率"]  # only 死亡率, re-weighted
    assert [s.unit for s in out] == ["A", "C", "B"] and [s.rank for s in out] == [1, 2, 3]


def test_chart_is_a_png_with_the_drawn_size():
    data = chart.line_chart([2020, 2021, 2022], [3.0, 2.5, None], [3.0, 2.8, 2.6], goal=2.4)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (chart.WIDTH, chart.HEIGHT)
    idat = data.index(b"IDAT")
    raw = zlib.decompress(data[idat + 4: idat + 4 + int.from_bytes(data[idat - 4:idat], "big")])
    assert len(raw) == height * (1 + 3 * width)
    assert bytes(chart.VALUE) in raw  # the values' colour is drawn
