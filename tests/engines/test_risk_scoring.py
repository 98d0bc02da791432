"""LEC and risk-matrix engines against the method's own scales and bands (STANDARDS.md §6)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.risk import scoring
from yingji.risk.scoring import LEC_C, LEC_E, LEC_L, MATRIX_L, MATRIX_S, Band, Bands


def reference_lec_level(D):
    # The table as the method states it: D > 320 重大; 160–320 较大; 70–160 一般; below 70 低.
    if D > 320:
        return "major"
    if 160 <= D <= 320:
        return "high"
    if 70 <= D < 160:
        return "moderate"
    return "low"


def test_scales_are_the_methods():
    assert sorted(LEC_L) == [0.1, 0.2, 0.5, 1, 3, 6, 10]
    assert sorted(LEC_E) == [0.5, 1, 2, 3, 6, 10]
    assert sorted(LEC_C) == [1, 3, 7, 15, 40, 100]
    assert LEC_C[15] == "非常严重，一人死亡" and LEC_L[6] == "相当可能" and LEC_E[6] == "每天工作时间内暴露"


@pytest.mark.parametrize("L, E, C", list(itertools.product(LEC_L, LEC_E, LEC_C)))
def test_every_lec_combination(L, E, C):
    result = scoring.lec(L, E, C)
    assert result.value == pytest.approx(L * E * C)
    assert result.level == reference_lec_level(L * E * C)


@pytest.mark.parametrize("L, E, C, D, level, words", [
    (6, 6, 15, 540, "major", "极其危险"),       # a classic worked case: 相当可能 × 每天 × 一人死亡
    (3, 6, 15, 270, "high", "高度危险"),
    (6, 3, 7, 126, "moderate", "显著危险"),
    (3, 6, 3, 54, "low", "一般危险"),
    (1, 6, 3, 18, "low", "稍有危险"),
    (10, 10, 100, 10000, "major", "极其危险"),
    (0.1, 0.5, 1, 0.05, "low", "稍有危险"),
])
def test_worked_cases(L, E, C, D, level, words):
    result = scoring.lec(L, E, C)
    assert result.value == pytest.approx(D) and result.level == level
    assert words in result.explanation
    assert result.explanation.startswith(f"D = L×E×C = {L:g}×{E:g}×{C:g} = {D:g}")


@pytest.mark.parametrize("D, level", [(320.0001, "major"), (320, "high"), (160, "high"), (159.99, "moderate"),
                                      (70, "moderate"), (69.99, "low")])
def test_lec_band_boundaries(D, level):
    assert scoring.LEC_BANDS.level(D)[0] == level


@pytest.mark.parametrize("D, words", [(320, "高度危险"), (160, "高度危险"), (70, "显著危险"), (20, "一般危险"),
                                      (19.9, "稍有危险")])
def test_lec_five_class_wording_boundaries(D, words):
    assert words in scoring.lec_danger(D)


def test_lec_refuses_values_off_the_scale():
    with pytest.raises(ValueError, match="L（事故发生的可能性） 应取标准分值之一：10、6、3、1、0.5、0.2、0.1（实际为 5）"):
        scoring.lec(5, 6, 15)


@pytest.mark.parametrize("L, S", list(itertools.product(MATRIX_L, MATRIX_S)))
def test_every_matrix_cell(L, S):
    R = L * S
    expected = "major" if R >= 20 else "high" if R >= 15 else "moderate" if R >= 9 else "low"
    assert scoring.matrix(L, S).level == expected


def test_matrix_bands_match_the_common_banding():
    cells = {L * S: scoring.matrix(L, S).level for L in MATRIX_L for S in MATRIX_S}
    assert {r for r, lvl in cells.items() if lvl == "major"} == {20, 25}
    assert {r for r, lvl in cells.items() if lvl == "high"} == {15, 16}
    assert {r for r, lvl in cells.items() if lvl == "moderate"} == {9, 10, 12}
    assert {r for r, lvl in cells.items() if lvl == "low"} == {1, 2, 3, 4, 5, 6, 8}


def test_configured_bands_change_the_grade():
    strict_province = Bands((Band("major", 240), Band("high", 120), Band("moderate", 50), Band("low")))
    assert scoring.lec(3, 6, 15).level == "high"  # 270 under the defaults
    assert scoring.lec(3, 6, 15, strict_province).level == "major"
    with pytest.raises(ValueError, match="严格递减"):
        Bands((Band("major", 100), Band("high", 160), Band("moderate", 70), Band("low")))


# ---- band schemes of any shape (issue 15, point 1) ----------------------------------------------

def test_the_default_schemes_are_the_standards_table_in_words():
    assert scoring.LEC_BANDS.describe() == "> 320 重大风险（红）；≥ 160 较大风险（橙）；≥ 70 一般风险（黄）；< 70 低风险（蓝）"
    assert scoring.MATRIX_BANDS.describe() == "≥ 20 重大风险（红）；≥ 15 较大风险（橙）；≥ 9 一般风险（黄）；< 9 低风险（蓝）"
    assert [b.as_data() for b in scoring.LEC_BANDS.bands][0] == {"label": "重大风险", "level": "major", "bound": 320,
                                                               "inclusive": False}


# An enterprise table of two levels (一般/重大) with its own boundary: 重大 from D = 160 up, "以上".
TWO_LEVELS = [{"label": "重大", "level": "major", "bound": 160, "inclusive": True}, {"label": "一般", "level": "moderate"}]


@pytest.mark.parametrize("D, label, level, rule", [
    (540, "重大", "major", "≥ 160"), (160, "重大", "major", "≥ 160"),  # the edge itself: 以上 includes it
    (159.99, "一般", "moderate", "< 160"), (0.05, "一般", "moderate", "< 160"),
])
def test_a_two_level_scheme_with_an_inclusive_edge(D, label, level, rule):
    band, why = scoring.bands_from_data(TWO_LEVELS).classify(D)
    assert (band.name, band.level, why) == (label, level, rule)


def test_a_two_level_scheme_with_an_exclusive_edge():
    exclusive = scoring.bands_from_data([{**TWO_LEVELS[0], "inclusive": False}, TWO_LEVELS[1]])
    assert exclusive.classify(160)[0].name == "一般" and exclusive.classify(160)[1] == "≤ 160"  # 超过 160: not 160
    assert exclusive.classify(160.01)[0].name == "重大"


def test_lec_through_a_two_level_scheme_names_its_own_words():
    scheme = scoring.bands_from_data(TWO_LEVELS, source="某化工企业风险分级管控制度")
    result = scoring.lec(3, 6, 15, scheme)  # 270: 较大 under the defaults, 重大 in the enterprise's table
    assert (result.level, result.label) == ("major", "重大")
    assert result.explanation.startswith("D = L×E×C = 3×6×15 = 270，≥ 160 → 重大（重大风险，红）")
    low = scoring.lec(3, 6, 7, scheme)  # 126
    assert (low.level, low.label, low.rule) == ("moderate", "一般", "< 160")
    assert scheme.describe() == "≥ 160 重大（重大风险，红）；< 160 一般（一般风险，黄）"


def test_the_standards_five_classes_as_a_scheme_of_five():
    five = scoring.bands_from_data([
        {"label": "极其危险", "level": "红", "bound": 320, "inclusive": False},
        {"label": "高度危险", "level": "橙", "bound": 160},
        {"label": "显著危险", "level": "黄", "bound": 70},
        {"label": "一般危险", "level": "蓝", "bound": 20},
        {"label": "稍有危险", "level": "蓝"},
    ])
    expected = {540: "极其危险", 320: "高度危险", 160: "高度危险", 159.9: "显著危险", 70: "显著危险", 69.9: "一般危险",
                20: "一般危险", 19.9: "稍有危险"}
    for D, label in expected.items():
        assert five.classify(D)[0].name == label == scoring.lec_danger(D)[:4], D
    assert {five.classify(D)[0].level for D in (20, 19.9)} == {"low"}  # two bands may count as one colour


@pytest.mark.parametrize("raw, message", [
    ([], "至少要有两级"),
    ([{"label": "重大", "level": "major"}], "至少要有两级"),
    ("重大>160", "应为列表"),
    ([{"label": "重大", "level": "major", "bound": 160}, {"label": "一般", "level": "moderate", "bound": 70}],
     "第 2 级（一般）是最低一级，不设下限"),
    ([{"label": "重大", "level": "major"}, {"label": "一般", "level": "moderate"}], "第 1 级（重大）须设下限"),
    ([{"label": "重大", "level": "major", "bound": 70}, {"label": "较大", "level": "high", "bound": 160},
      {"label": "一般", "level": "moderate"}], "下限须从高到低严格递减：第 2 级（较大）的下限 160 不低于上一级的 70"),
    ([{"label": "一般", "level": "moderate", "bound": 160}, {"label": "重大", "level": "major"}],
     "第 2 级（重大）的颜色等级不能比上一级（一般）更严重"),
    ([{"label": "重大", "level": "purple", "bound": 160}, {"label": "一般", "level": "moderate"}],
     "第 1 级（重大）的颜色等级（level）“purple”无效"),
    ([{"label": "", "level": "major", "bound": 160}, {"label": "一般", "level": "moderate"}], "第 1 级须填写名称"),
    ([{"label": "重大", "level": "major", "bound": "160"}, {"label": "一般", "level": "moderate"}],
     "第 1 级（重大）的下限（bound）应为数值"),
    ([{"label": "重大", "level": "major", "bound": 160, "inclusive": "yes"}, {"label": "一般", "level": "moderate"}],
     "inclusive 应为 true"),
    ([{"label": "重大", "level": "major", "bound": 160, "colour": "red"}, {"label": "一般", "level": "moderate"}],
     "第 1 级有未知的项：colour"),
    ([{"label": "一般", "level": "major", "bound": 160}, {"label": "一般", "level": "moderate"}], "等级名称“一般”重复"),
])
def test_a_scheme_that_cannot_grade_is_refused_with_the_band_named(raw, message):
    with pytest.raises(ValueError, match=message):
        scoring.bands_from_data(raw)


@given(st.lists(st.floats(min_value=0, max_value=10000, allow_nan=False), min_size=1, max_size=5, unique=True),
       st.lists(st.booleans(), min_size=5, max_size=5), st.floats(min_value=0, max_value=20000, allow_nan=False))
def test_any_scheme_puts_every_value_in_exactly_the_band_its_edges_say(bounds, inclusive, D):
    bounds = sorted(bounds, reverse=True)
    levels = ["major", "high", "moderate", "low", "low", "low"]
    scheme = Bands(tuple(Band(levels[i], b, inclusive[i], f"第{i + 1}级") for i, b in enumerate(bounds))
                   + (Band("low", label="其余"),))
    band, _ = scheme.classify(D)
    reached = [b for b, inc in zip(bounds, inclusive, strict=False) if (D >= b if inc else D > b)]
    expected = f"第{bounds.index(reached[0]) + 1}级" if reached else "其余"
    assert band.name == expected


@given(st.sampled_from(sorted(LEC_L)), st.sampled_from(sorted(LEC_E)), st.sampled_from(sorted(LEC_C)),
       st.sampled_from(["L", "E", "C"]))
def test_raising_any_factor_never_lowers_the_level(L, E, C, factor):
    rank = {lvl: i for i, lvl in enumerate(reversed(scoring.LEVELS))}
    scale = {"L": LEC_L, "E": LEC_E, "C": LEC_C}[factor]
    before = scoring.lec(L, E, C)
    current = {"L": L, "E": E, "C": C}[factor]
    for higher in (v for v in scale if v > current):
        raised = scoring.lec(**{"likelihood": L, "exposure": E, "consequence": C,
                                {"L": "likelihood", "E": "exposure", "C": "consequence"}[factor]: higher})
        assert rank[raised.level] >= rank[before.level]


def test_highest_level_and_colours():
    assert scoring.highest(["low", "high", "moderate"]) == "high"
    assert scoring.highest([]) is None
    assert scoring.LEVEL_COLOURS["major"] == ("红", "#d9001b") and scoring.LEVEL_COLOURS["low"] == ("蓝", "#1677ff")
