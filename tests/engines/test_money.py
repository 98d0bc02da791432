"""Money as people write it (万元, or with its unit) and as it is kept (Decimal yuan to the fen): exact,
never rounded across a grade boundary (issue 15, point 3)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.core.framework import money
from yingji.incidents import grading


@pytest.mark.parametrize("text, yuan", [
    ("1234.567", "12345670.00"),          # an exact report figure in 万元: more than two decimals
    ("999.999999", "9999999.99"),         # six places of 万元 are the fen
    ("9,999,999.99元", "9999999.99"), ("9999999.99 元", "9999999.99"),
    ("1000", "10000000.00"), ("1000万", "10000000.00"), ("1000万元", "10000000.00"), ("1.2亿元", "120000000.00"),
    ("0", "0.00"), (80, "800000.00"), (1234.567, "12345670.00"), (" 12，345.5 ", "123455000.00"),
])
def test_figures_are_read_exactly(text, yuan):
    assert money.parse_yuan(text) == Decimal(yuan)


def test_the_default_unit_can_be_yuan():
    assert money.parse_yuan("12345670", default_unit="元") == Decimal("12345670.00")


@pytest.mark.parametrize("text, message", [
    ("1234.5678901", "精确到了分以下（12345678.901 元）"), ("0.001元", "精确到了分以下"),
    ("-1", "不能为负数"), ("约80", "不是金额"), ("万元", "不是金额"), ("NaN", "不是金额"), ("1e20", "超出"), ("1e300", "超出"),
    ("0.00000000000000000000000000000000000000001", "精确到了分以下"),
])
def test_what_is_not_an_exact_figure_is_refused_not_rounded(text, message):
    with pytest.raises(ValueError, match=message):
        money.parse_yuan(text)


def test_empty_is_not_given():
    assert money.parse_yuan("") is None and money.parse_yuan(None) is None and money.parse_yuan("  ") is None


def test_yuan_read_back_in_wan():
    assert money.wan_text(Decimal("12345670.00")) == "1234.567"
    assert money.wan_text(Decimal("9999999.99")) == "999.999999"
    assert money.wan_text(Decimal("800000.00")) == "80" and money.wan_text(Decimal("0.00")) == "0"
    assert money.wan_text(Decimal("123456789012.34"), grouped=True) == "12,345,678.901234"
    assert money.yuan_text(Decimal("12345670.00")) == "12,345,670" and money.yuan_text(Decimal("9999999.99")) == \
        "9,999,999.99"
    assert money.wan_text(None) == "" and money.yuan_to_wan(None) is None


@pytest.mark.parametrize("text, grade", [
    ("9,999,999.99元", "general"),   # 999.999999万元: below 1000万元, 一般 — not rounded up to 1000.00 (较大)
    ("999.999999", "general"),
    ("10,000,000元", "larger"), ("1000", "larger"),   # 1000万元以上: 较大 (以上 includes the number)
    ("4999.999999", "larger"), ("5000", "major"), ("9999.999999", "major"), ("1亿元", "especially_major"),
])
def test_the_grade_is_decided_on_the_exact_figure(text, grade):
    assert grading.accident_grade(direct_loss_cny=money.parse_yuan(text)).code == grade


@given(st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2))
def test_every_yuan_figure_goes_to_wan_and_back_unchanged(yuan):
    assert money.parse_yuan(money.wan_text(yuan)) == yuan
    assert money.parse_yuan(f"{yuan}元") == yuan
