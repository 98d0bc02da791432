"""Address → region (core.placenames): the platform's region table as the gazetteer."""

from yingji.core.directory.placenames import Place, aliases, resolve

COUNTY = Place("430181", "浏阳市", None, 0)
DAYAO = Place("430181107", "大瑶镇", "430181", 1)
JINGANG = Place("430181108", "金刚镇", "430181", 1)
DAYAO_VILLAGE = Place("430181107201", "大瑶村", "430181107", 2)
LIUSHU_A = Place("430181107202", "柳树村", "430181107", 2)
LIUSHU_B = Place("430181108203", "柳树村", "430181108", 2)
GUANDU = Place("430181108204", "官渡社区", "430181108", 2)
ALL = [COUNTY, DAYAO, JINGANG, DAYAO_VILLAGE, LIUSHU_A, LIUSHU_B, GUANDU]


def test_aliases_cut_the_suffix_only_where_two_characters_remain():
    assert aliases("大瑶镇") == ["大瑶镇", "大瑶"]
    assert aliases("官渡社区") == ["官渡社区", "官渡"]
    assert aliases("东乡") == ["东乡"]  # 东 alone would match too much


def test_the_deepest_place_the_address_names_with_its_township():
    found = resolve("大瑶镇大瑶村三组李家屋场", ALL)
    assert found.place == DAYAO_VILLAGE and [p.name for p in found.named] == ["大瑶镇", "大瑶村"]
    assert resolve("浏阳市金刚镇官渡社区 菜市场旁", ALL).place == GUANDU
    assert resolve("官渡菜市场", ALL).place == GUANDU  # the short name


def test_a_short_name_inside_a_longer_one_is_the_longer_place():
    # 大瑶镇政府: the town, not 大瑶村 (whose short name 大瑶 sits inside 大瑶镇).
    assert resolve("大瑶镇政府门口", ALL).place == DAYAO
    # 大瑶 alone names the town and the village alike: the town.
    assert resolve("大瑶老街", ALL).place == DAYAO


def test_a_name_two_townships_share_needs_the_township_or_is_ambiguous():
    assert resolve("金刚镇柳树村", ALL).place == LIUSHU_B
    found = resolve("柳树村后山", ALL)
    assert found.ambiguous and found.candidates == (LIUSHU_A, LIUSHU_B)


def test_nothing_named():
    assert resolve("后山塘坝", ALL) is None
    assert resolve("  ", ALL) is None
