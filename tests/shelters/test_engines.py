"""The pure engines of shelter operations: capacity and colours, nearest with room, duplicate signs, rules."""

from decimal import Decimal

import pytest

from yingji.resources.models import M2_PER_PERSON
from yingji.shelters import capacity, duplicates, rules


def test_usable_capacity_is_area_over_norm_rounded_down():
    assert capacity.usable_capacity(1000, Decimal("2.0")) == 500
    assert capacity.usable_capacity(1001, Decimal("3.0")) == 333
    assert capacity.usable_capacity(0, 2) == 0
    with pytest.raises(ValueError):
        capacity.usable_capacity(100, 0)


def test_default_norms_are_the_ones_resources_uses_and_marked_unverified():
    table = rules.defaults()
    for cls, m2 in M2_PER_PERSON.items():
        assert rules.m2_per_person(table, cls) == Decimal(str(m2))
        assert not table[f"m2_{cls}"].confirmed and table[f"m2_{cls}"].citation.endswith("（未核实）")
    assert table["retention_days"].value == 180 and table["retention_days"].source


def test_overrides_replace_the_value_and_its_source():
    table = rules.with_overrides(rules.defaults(), {"retention_days": {"value": 90, "source": "某县规定", "confirmed": True}})
    assert table["retention_days"].value == 90 and table["retention_days"].citation == "某县规定"
    assert table["m2_short"].value == Decimal("2.0")


def test_occupancy_colours():
    assert capacity.level(0, 100) == "green"
    assert capacity.level(79, 100) == "green"
    assert capacity.level(80, 100) == "amber"
    assert capacity.level(100, 100) == "red"
    assert capacity.level(1, 0) == "red" and capacity.level(0, 0) == "green"
    assert capacity.level(90, 100, amber_ratio=Decimal("0.95")) == "green"


def test_nearest_with_room_skips_full_far_and_unlocated_sites():
    origin = capacity.Site(1, "甲", 113.0, 28.0, 0)
    sites = [capacity.Site(2, "乙（满）", 113.01, 28.0, 0), capacity.Site(3, "丙", 113.1, 28.0, 10),
             capacity.Site(4, "丁", 113.05, 28.0, 2), capacity.Site(5, "戊", None, None, 100)]
    site, km = capacity.nearest_with_room(origin, sites, need=3)
    assert site.name == "丙" and 9 < km < 11
    assert capacity.nearest_with_room(origin, sites, need=2)[0].name == "丁"
    assert capacity.nearest_with_room(origin, sites, need=50) is None
    assert capacity.nearest_with_room(capacity.Site(1, "甲", None, None, 0), sites) is None


def person(key, household, name, id_number="", phone="", village=1, birth_year=None):
    return {"key": key, "household": household, "name": name, "id_number": id_number, "phone": phone,
            "village": village, "birth_year": birth_year, "shelter": f"安置点{household}"}


def test_duplicate_signs():
    people = [
        person(1, 1, "张三", "11010519491231002X"), person(2, 2, "张叁", "11010519491231002x".upper()),  # same ID
        person(3, 3, "李四", phone="13800000001"), person(4, 4, "李四", phone="13800000001"),  # name + phone
        person(5, 5, "王五", "11010519491231002X"[:0], village=7, birth_year=1960),
        person(6, 6, "王五", "", village=7, birth_year=1960),  # name + village + year
        person(7, 7, "王五", "", village=8, birth_year=1960),  # another village: not a candidate
        person(8, 8, "赵六", phone="13900000002"), person(9, 8, "赵六", phone="13900000002"),  # one household's phone
    ]
    found = {(c.first["key"], c.second["key"]): c.reason for c in duplicates.candidates(people)}
    assert found == {(1, 2): "id_number", (3, 4): "name_phone", (5, 6): "name_village_year"}


def test_birth_year_from_the_id_number_and_one_candidate_per_pair():
    a = person(1, 1, "张三", "11010519491231002X", phone="13800000001")
    b = person(2, 2, "张三", "11010519491231002X", phone="13800000001", birth_year=None)
    assert duplicates.birth_year(a) == 1949
    found = duplicates.candidates([a, b])
    assert len(found) == 1 and found[0].reason_label == "身份证号码相同"
    assert duplicates.candidates_for([b], [a])[0].second["key"] == 2
    assert duplicates.candidates_for([person(3, 3, "无关")], [a, b]) == []
