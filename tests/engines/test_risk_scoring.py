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
    strict_province = Bands(Band("major", 240, True), Band("high", 120, True), Band("moderate", 50, True))
    assert scoring.lec(3, 6, 15).level == "high"  # 270 under the defaults
    assert scoring.lec(3, 6, 15, strict_province).level == "major"
    with pytest.raises(ValueError, match="严格递减"):
        Bands(Band("major", 100, True), Band("high", 160, True), Band("moderate", 70, True))


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
