"""Number forms of real disaster texts (numbers.py): Arabic, Chinese, mixed, approximations, ranges,
units and their conversions. Fragments quoted from the development set's texts are named by id
(tests/data/extraction/texts/<id>.json, sources there)."""

from decimal import Decimal

import pytest

from yingji.extraction.numbers import as_int, chinese_to_int, quantities


@pytest.mark.parametrize("chars, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百二十", 120), ("一百四十", 140), ("两千零五", 2005),
    ("一千一百五十", 1150), ("三万五千", 35000), ("一亿二千万", 120_000_000), ("二〇一六", 2016), ("四十六", 46),
])
def test_chinese_numerals(chars, value):
    assert chinese_to_int(chars) == value


def one(text):
    found = quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, kind, approximate", [
    ("3.2万人", 32000, "people", False),
    ("1,234人", 1234, "people", False),
    ("一百二十人", 120, "people", False),
    ("142.5万人", 1425000, "people", False),                      # chinanews-2016-09-29-megi-three-provinces
    ("一百四十一点一万人", 1411000, "people", False),               # chinanews-2009-08-10-morakot-fujian
    ("五十二点七五万人", 527500, "people", False),                  # chinanews-2009-08-10-morakot-fujian
    ("一百四十多万人", 1400000, "people", True),                   # chinanews-2009-08-10-morakot-fujian
    ("逾十五亿元", 1_500_000_000, "cny", True),                    # chinanews-2009-08-10-morakot-fujian
    ("400余人", 400, "people", True),                             # chinanews-2016-09-29-megi-three-provinces
    ("近900间", 900, "house_间", True),                           # chinanews-2016-09-29-megi-three-provinces
    ("约1.2亿元", 120_000_000, "cny", True),
    ("10余万人", 100_000, "people", True),
    ("12万多人", 120_000, "people", True),
    ("1100余间", 1100, "house_间", True),
    ("8972.9万元", 89_729_000, "cny", False),                     # cctv-2009-06-12-lingqiu-hail
    ("25.8亿元", 2_580_000_000, "cny", False),
    ("40.7千公顷", 40700, "area_ha", False),                      # chinanews-2016-09-29-megi-three-provinces
    ("29.6千公顷", 29600, "area_ha", False),
    ("1.9万公顷", 19000, "area_ha", False),
    ("3000亩", 200, "area_ha", False),
    ("12.65万亩", 8433.33, "area_ha", False),                     # cctv-2009-06-12-lingqiu-hail
    ("十几人", 10, "people", True),
    ("三四人", 3, "people", True),
    ("5户", 5, "house_户", False), ("11间", 11, "house_间", False), ("3栋", 3, "house_栋", False),
    ("2处", 2, "house_处", False),
])
def test_forms_units_and_approximations(text, value, kind, approximate):
    q = one(text)
    assert as_int(q.value) == value
    assert (q.kind, q.approximate) == (kind, approximate)
    assert (q.start, q.end) == (0, len(text))


def test_a_range_keeps_its_upper_bound_flagged_approximate():
    q = one("3至5人")
    assert (q.value, q.approximate, q.is_range) == (Decimal(5), True, True)
    q = one("300-600毫米")  # chinanews-2016-09-29-megi-three-provinces: rainfall, not people
    assert (q.value, q.kind) == (Decimal(600), "mm")


@pytest.mark.parametrize("text, kind", [
    ("12岁", "age"), ("18层", "floor"), ("7月4日", "time"), ("第493号", "ordinal"), ("14时", "time"),
    ("2016年", "time"), ("3辆", "vehicle"), ("5.1级", "magnitude"),
])
def test_units_that_are_no_figure(text, kind):
    assert quantities(text)[-1].kind == kind


def test_spans_are_the_texts_own():
    text = "共造成3人死亡、5人受伤"
    assert [(q.text, text[q.start:q.end]) for q in quantities(text)] == [("3人", "3人"), ("5人", "5人")]
