"""Identifier rules against the standards' own definitions and published examples."""

import pytest

from yingji.core.directory import codes


def test_standard_example_credit_code_is_valid():
    # The worked example used in GB 32100-2015 explanations: 91350100M000100Y4 → check character 3.
    assert codes.credit_code_check_char("91350100M000100Y4") == "3"
    # By hand: 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + M(21)·20 + 1·8 + Y(30)·30 + 4·28 = 1640 (zeros omitted);
    # 1640 mod 31 = 28; 31 − 28 = 3.
    assert codes.credit_code_error("91350100M000100Y43") is None


def test_check_character_is_named_when_wrong():
    assert codes.credit_code_error("91350100M000100Y44") == "校验位应为 3"


def test_check_character_31_maps_to_zero():
    # Σ ≡ 0 (mod 31) gives 31 − 0 = 31, which the standard writes as 0.
    assert codes.credit_code_check_char("00000000000000000") == "0"


def test_weights_and_alphabet_are_the_standards():
    assert codes.CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(codes.CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(codes.CREDIT_CODE_ALPHABET)
    # The weights are 3^i mod 31, as GB 32100 defines them.
    assert codes.CREDIT_CODE_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize("code, message", [
    ("9135010", "应为 18 位，实际为 7 位"),
    ("91350100M000100YI3", "含有不允许的字符 I（只允许数字和除 I、O、Z、S、V 外的大写字母）"),
])
def test_malformed_credit_codes(code, message):
    assert codes.credit_code_error(code) == message


@pytest.mark.parametrize("code, level, ok", [
    ("430000", "province", True), ("430100", "province", False),
    ("430100", "city", True), ("430000", "city", False),
    ("430181", "county", True), ("430100", "county", False),
    ("430181110", "township", True), ("430181000", "township", False), ("43018111", "township", False),
    ("430181110001", "village", True), ("430181110000", "village", False),
    ("43018A", "county", False),
])
def test_region_code_structure(code, level, ok):
    assert (codes.region_code_error(code, level) is None) is ok


def test_region_parent_rules():
    assert codes.region_parent_error("430181110", "township", "430181", "county") is None
    assert codes.region_parent_error("430182110", "township", "430181", "county") == "代码前 6 位应与上级区划代码 430181 一致"
    assert codes.region_parent_error("430181110001", "village", "430181", "county") == "上级区划应为乡镇街道级，实际为县级"
    assert codes.region_parent_error("429004", "county", "420000", "province") is None  # 省直辖县级行政单位
    assert codes.region_parent_error("430181", "county", None, None) == "县级区划必须选择上级区划"
    assert codes.region_parent_error("430000", "province", None, None) is None


@pytest.mark.parametrize("code, ok", [
    ("C", True), ("C26", True), ("C2672", True), ("F5265", True), ("E4710", True),
    ("C51", False), ("X12", False), ("C2", False), ("C26721", False), ("", False),
])
def test_industry_codes(code, ok):
    assert (codes.industry_code_error(code) is None) is ok


def test_industry_sections_cover_all_97_divisions_once():
    covered = [d for _, lo, hi in codes.INDUSTRY_SECTIONS.values() for d in range(lo, hi + 1)]
    assert sorted(covered) == list(range(1, 98)) == sorted(codes.INDUSTRY_DIVISIONS)
    assert codes.industry_label("C2672") == "化学原料和化学制品制造业"
