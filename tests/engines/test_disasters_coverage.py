"""The 灾害信息员 coverage rule (pure): an active A post in every village, A and B in disaster-prone ones."""

import pytest

from yingji.disasters import coverage

RULE = coverage.load_rule()
V1 = coverage.Village(1, "大瑶村", 10, "大瑶镇")
V2 = coverage.Village(2, "南阳村", 10, "大瑶镇", disaster_prone=True)
V3 = coverage.Village(3, "金刚村", 20, "金刚镇", disaster_prone=True)


def test_the_national_rule_as_data_names_its_source():
    assert RULE.every_village == ("A",) and RULE.disaster_prone_village == ("A", "B")
    assert "应急〔2020〕11号" in RULE.source and RULE.confirmed is False


def test_a_village_without_an_a_post_is_a_gap_and_a_b_post_does_not_stand_in_for_it():
    gaps = coverage.gaps([V1], [(1, "B")], RULE)
    assert [(g.village.name, g.missing) for g in gaps] == [("大瑶村", ("A",))]
    assert coverage.gaps([V1], [(1, "A")], RULE) == []


def test_a_disaster_prone_village_needs_both_posts():
    assert [g.missing for g in coverage.gaps([V2], [(2, "A")], RULE)] == [("B",)]
    assert [g.missing for g in coverage.gaps([V2], [], RULE)] == [("A", "B")]
    assert coverage.gaps([V2], [(2, "A"), (2, "B")], RULE) == []


def test_posts_in_other_villages_do_not_count():
    assert [g.village.id for g in coverage.gaps([V1, V2], [(3, "A"), (3, "B")], RULE)] == [1, 2]


def test_by_township_counts_covered_villages_and_lists_the_gaps_in_order():
    towns = coverage.by_township([V1, V2, V3], [(1, "A"), (2, "A"), (3, "A"), (3, "B")], RULE)
    assert [(t.township_name, t.villages, t.covered, [g.village.name for g in t.gaps]) for t in towns] == [
        ("大瑶镇", 2, 1, ["南阳村"]), ("金刚镇", 1, 1, [])]
    assert towns[0].rate == 0.5 and towns[1].rate == 1.0


def test_a_jurisdiction_may_require_more_and_a_bad_override_is_refused():
    strict = coverage.load_rule({"every_village": ["A", "B"]})
    assert [g.missing for g in coverage.gaps([V1], [(1, "A")], strict)] == [("B",)]
    with pytest.raises(ValueError, match="岗位只能是 A 或 B"):
        coverage.load_rule({"every_village": ["C"]})
    with pytest.raises(ValueError, match="至少一个"):
        coverage.load_rule({"disaster_prone_village": []})
