"""The duplicate-grouping engine against numbers worked out by hand: Dice over character bigrams, the
haversine distance, and the three conditions (place, window, text) each able to break a match."""

import datetime as dt
import math

import pytest

from yingji.declarations import grouping, rules
from yingji.declarations.grouping import Item, Thresholds

T = Thresholds(window_hours=48, distance_m=500, same_township=True, min_similarity=0.3)
AT = dt.datetime(2026, 6, 18, 22, 0, tzinfo=dt.UTC)
TEXT = "山洪冲进大瑶村3组，2间房屋倒塌，4人转移"


def item(n, text=TEXT, hours=0.0, town="430181110", lon=None, lat=None):
    return Item(n, AT + dt.timedelta(hours=hours), text, town, lon, lat)


def test_similarity_is_dice_over_character_bigrams():
    # 山洪 洪冲 冲毁 毁房 房屋 / 山洪 洪冲 冲毁 毁桥 桥梁: 3 shared of 5 + 5 → 2·3/10
    assert grouping.similarity("山洪冲毁房屋", "山洪冲毁桥梁") == pytest.approx(0.6)
    assert grouping.similarity("山洪，冲毁 房屋！", "山洪冲毁房屋") == 1.0  # punctuation and spaces do not count
    assert grouping.similarity("山洪冲毁房屋", "车辆追尾") == 0.0
    assert grouping.similarity("", "") == 0.0
    # repeated bigrams count as often as they occur (multisets): 哈哈 ×3 vs ×1 → 2·1/(3+1)
    assert grouping.similarity("哈哈哈哈", "哈哈") == pytest.approx(0.5)


def test_distance_is_the_great_circle_distance():
    one_degree = 2 * math.pi * grouping.EARTH_RADIUS_M / 360  # along a meridian
    assert grouping.distance_m(113.7, 28.0, 113.7, 29.0) == pytest.approx(one_degree, abs=0.01)
    assert grouping.distance_m(113.7, 28.0, 113.7, 28.0) == 0.0
    # along a parallel, a degree of longitude shrinks with cos(latitude) (small arc: nearly exact)
    assert grouping.distance_m(113.700, 28.0, 113.701, 28.0) == pytest.approx(one_degree / 1000 * math.cos(
        math.radians(28.0)), rel=1e-6)


def test_a_duplicate_needs_the_same_place_the_same_window_and_similar_text():
    assert grouping.compare(item(1), item(2, hours=47.9), T).similarity == 1.0
    assert grouping.compare(item(1), item(2, hours=48.1), T) is None  # outside the window
    assert grouping.compare(item(1), item(2, town="430181111"), T) is None  # another township, no position
    assert grouping.compare(item(1), item(2, text="金刚镇一辆货车侧翻，司机受伤被困"), T) is None  # other text
    # another township but within the distance: the same place; beyond it: not
    one_m_lat = 1 / (2 * math.pi * grouping.EARTH_RADIUS_M / 360)
    near = grouping.compare(item(1, lon=113.75, lat=27.95), item(2, town="430181111", lon=113.75,
                                                                   lat=27.95 + 450 * one_m_lat), T)
    assert near is not None and near.distance_m == pytest.approx(450, abs=0.1) and not near.same_township
    assert grouping.compare(item(1, lon=113.75, lat=27.95),
                            item(2, town="430181111", lon=113.75, lat=27.95 + 550 * one_m_lat), T) is None
    # without the township rule only the distance places them
    assert grouping.compare(item(1), item(2), Thresholds(48, 500, False, 0.3)) is None


def test_duplicates_of_lists_the_most_similar_first():
    new = item(9, "大瑶村3组山洪，2间房屋倒塌")
    earlier = [item(1, "大瑶村3组山洪，房屋倒塌"), item(2, "大瑶村3组山洪，2间房屋倒塌，4人转移"), item(3, "车辆追尾")]
    found = grouping.duplicates_of(new, earlier, T)
    # the new text has 12 bigrams; 2 shares all of them (2·12/(12+16)); 1 lacks 洪2 2间 间房 (2·9/(12+10))
    assert [(m.id, m.similarity) for m in found] == [(2, round(24 / 28, 3)), (1, round(18 / 22, 3))]


def test_groups_are_chains_of_duplicates_headed_by_the_earliest():
    a = item(1, "大瑶村3组山洪冲毁房屋", hours=2)
    b = item(2, "大瑶村3组山洪冲毁房屋和桥梁", hours=1)
    c = item(3, "房屋和桥梁被冲毁，道路中断", hours=3)
    d = item(4, "金刚镇一辆货车侧翻", town="430181111")
    assert grouping.similarity(a.text, c.text) < T.min_similarity <= grouping.similarity(b.text, c.text)
    assert grouping.groups([a, b, c, d], T) == [[2, 1, 3]]  # a–b and b–c: one group, by time; d alone is none


def test_the_thresholds_are_data_marked_unconfirmed():
    t = rules.thresholds()
    doc = rules.document()
    assert rules.source() == "platform default, unconfirmed" and doc["confirmed"] is False
    assert (t.window_hours, t.distance_m, t.same_township, t.min_similarity) == (
        doc["rules"]["window_hours"]["value"], doc["rules"]["distance_m"]["value"],
        doc["rules"]["same_township"]["value"], doc["rules"]["min_similarity"]["value"])
