"""GB 18218-2018 identification and grading, on hand-computed cases and every boundary."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.risk import gb18218 as g


def chem(q_max, beta=1):
    return g.Chemical("测试物", "测试物", D(str(q_max)), D(str(beta)), "表1")


def test_tables_load_with_their_numbers():
    t1, t2 = g.table1(), g.table2()
    assert t1["氯"].critical_quantity_t == 5 and t1["氯"].beta == 4
    assert t1["氨"].critical_quantity_t == 10 and t1["氨"].beta == 2
    assert t1["碳酰氯"].critical_quantity_t == D("0.3") and t1["碳酰氯"].beta == 20
    assert t1["氢"].beta == D("1.5")  # not in table 3: β of its category W2 (table 4)
    assert t2["J1"].critical_quantity_t == 5 and t2["J5"].critical_quantity_t == 500
    assert t2["W5.4"].critical_quantity_t == 5000


def test_lookup_by_name_alias_or_lowest_category():
    assert g.lookup("液氯") is g.table1()["氯"] and g.lookup("光气") is g.table1()["碳酰氯"]
    # Table 1 wins over table 2 for a named chemical (4.1.2): 甲醇 keeps Q 500 t, not W5.3's 1000 t.
    assert g.lookup("甲醇", ("W5.3",)) is g.table1()["甲醇"] and g.lookup("甲醇", ("W5.3",)).critical_quantity_t == 500
    # Several table-2 descriptions fit: the lowest critical quantity applies.
    assert g.lookup("某溶剂", ("W5.3", "J3")).key == "J3"
    with pytest.raises(ValueError, match="不在 GB 18218 表1 中"):
        g.lookup("某新材料")
    with pytest.raises(ValueError, match="未知的危险性类别代码：X9"):
        g.lookup(None, ("X9",))


@pytest.mark.parametrize("people, alpha", [(0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (49, "1.2"),
                                           (50, "1.5"), (99, "1.5"), (100, "2.0"), (5000, "2.0")])
def test_alpha_boundaries(people, alpha):
    assert g.alpha(people) == D(alpha)


def test_sum_exactly_one_is_a_major_hazard_source():
    result = g.identify([(chem(10), D(4)), (chem(5), D(3))], 0)  # 0.4 + 0.6 = 1
    assert result.sum_ratio == 1 and result.is_major
    below = g.identify([(chem(10), D("4")), (chem(5), D("2.99"))], 0)
    assert below.sum_ratio < 1 and not below.is_major and below.grade is None
    assert below.explanation.endswith("Σq/Q < 1，不构成重大危险源")


@pytest.mark.parametrize("r, grade", [(D("100"), "一级"), (D("99.99"), "二级"), (D("50"), "二级"), (D("49.99"), "三级"),
                                      (D("10"), "三级"), (D("9.99"), "四级")])
def test_grade_boundaries(r, grade):
    assert g.grade_of(r) == grade


@pytest.mark.parametrize("q, people, r, grade", [
    (D(50), 100, D(100), "一级"),   # 2.0 × 1 × 50/1 = 100 exactly
    (D(25), 100, D(50), "二级"),    # 2.0 × 25 = 50 exactly
    (D(10), 1, D(10), "三级"),      # 1.0 × 10 = 10 exactly
    (D(5), 1, D(5), "四级"),
])
def test_r_exactly_at_the_grade_boundaries(q, people, r, grade):
    result = g.identify([(chem(1), q)], people)
    assert result.r == r and result.grade == grade


def test_hand_computed_chlorine_and_ammonia_store():
    # 液氯 3 t (Q 5, β 4) and 液氨 6 t (Q 10, β 2), 120 people within 500 m (α 2.0):
    # Σq/Q = 0.6 + 0.6 = 1.2 ≥ 1; R = 2.0 × (4×0.6 + 2×0.6) = 2.0 × 3.6 = 7.2 → 四级.
    result = g.identify([(g.lookup("液氯"), D(3)), (g.lookup("液氨"), D(6))], 120)
    assert result.sum_ratio == D("1.2") and result.is_major
    assert result.alpha == D("2.0") and result.r == D("7.2") and result.grade == "四级"
    assert result.explanation == ("Σq/Q = 3/5 + 6/10 = 1.2；Σq/Q ≥ 1，构成重大危险源；α = 2（500 m 内暴露人数 120 人）；"
                                  "R = α×(Σβq/Q) = 2×(4×3/5 + 2×6/10) = 7.2 → 四级重大危险源")


def test_hand_computed_lpg_tank_farm():
    # 液化石油气 400 t (Q 50; β 1.5 as a W2 flammable gas), 60 people (α 1.5):
    # Σ = 8; R = 1.5 × 1.5 × 8 = 18 → 三级.
    result = g.identify([(g.lookup("液化石油气"), D(400))], 60)
    assert result.sum_ratio == 8 and result.r == 18 and result.grade == "三级"


def test_refuses_empty_or_negative():
    with pytest.raises(ValueError, match="没有登记危险化学品"):
        g.identify([], 10)
    with pytest.raises(ValueError, match="不能为负数"):
        g.identify([(chem(1), D(-1))], 10)
    with pytest.raises(ValueError, match="暴露人数不能为负数"):
        g.alpha(-1)


quantities = st.decimals(min_value=0, max_value=10000, places=3, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.sampled_from(sorted(g.table1())), quantities), min_size=1, max_size=5),
       st.integers(min_value=0, max_value=5000), quantities)
def test_more_stock_or_more_people_never_lowers_the_grade(items, people, extra):
    order = {None: 0, "四级": 1, "三级": 2, "二级": 3, "一级": 4}
    inventory = [(g.table1()[name], q) for name, q in items]
    base = g.identify(inventory, people)
    assert base.is_major == (base.sum_ratio >= 1)
    more_stock = g.identify([(inventory[0][0], inventory[0][1] + extra), *inventory[1:]], people)
    more_people = g.identify(inventory, people + 100)
    for other in (more_stock, more_people):
        assert other.sum_ratio >= base.sum_ratio
        assert order[other.grade] >= order[base.grade]


def test_table1_is_complete_and_every_beta_resolves():
    import csv

    rows = list(csv.DictReader((g.DATA / "gb18218_table1.csv").open(encoding="utf-8")))
    assert len(rows) == 85  # the standard's table 1
    assert all(row["checked"].endswith("search") for row in rows)
    assert all((row["beta"] == "") != (row["beta_category"] == "") for row in rows)  # one source of β each
    table3 = {row["name"]: row["beta"] for row in rows if row["beta"]}
    assert table3 == {"氨": "2", "二氧化氮": "10", "二氧化硫": "2", "碳酰氯": "20", "环氧乙烷": "2", "磷化氢": "20",
                      "硫化氢": "5", "氯化氢(无水)": "3", "氯": "4", "溴甲烷": "3", "氟化氢": "5", "氰化氢": "10",
                      "异氰酸甲酯": "20"}  # table 3 less 一氧化碳, which table 1 does not list
    assert all(chem.critical_quantity_t > 0 and chem.beta > 0 for chem in g.table1().values())
    assert g.lookup("2,4,6-三硝基甲苯").critical_quantity_t == 5 and g.lookup("TNT").beta == 2
    assert g.lookup("天然气") is g.lookup("甲烷")


# ---- 汽油: β through its hazard category (issue 15, point 4; docs/standards-gb18218.md) ----------

def test_the_flammable_liquid_rows_of_tables_2_and_4():
    t2 = g.table2()
    assert [(c, t2[c].critical_quantity_t, t2[c].beta) for c in ("W5.1", "W5.2", "W5.3", "W5.4")] == [
        ("W5.1", 10, D("1.5")), ("W5.2", 50, 1), ("W5.3", 1000, 1), ("W5.4", 5000, 1)]
    assert g.hazard_classes()["W5.3"] == "易燃液体"


def test_petrol_is_in_table_1_and_ordinary_storage_takes_w5_3():
    petrol = g.lookup("汽油")
    assert petrol is g.lookup("乙醇汽油") is g.lookup("甲醇汽油") is g.table1()["汽油(乙醇汽油、甲醇汽油)"]
    # Q from table 1 (200 t, not W5.3's 1000 t); β of 易燃液体类别2 not worked above its boiling point: W5.3, 1.
    assert (petrol.critical_quantity_t, petrol.category, petrol.beta) == (200, "W5.3", 1)


def test_hand_computed_petrol_depot():
    # An oil depot's storage unit: 汽油 1200 t, 60 people within 500 m (α 1.5).
    # Σq/Q = 1200/200 = 6 ≥ 1; R = 1.5 × (1 × 6) = 9 → 四级. (With β 1.5 it was 13.5 → 三级.)
    result = g.identify([(g.lookup("汽油"), D(1200))], 60)
    assert result.sum_ratio == 6 and result.r == 9 and result.grade == "四级"
    assert result.explanation.endswith("R = α×(Σβq/Q) = 1.5×(1×1200/200) = 9 → 四级重大危险源")


def test_the_units_conditions_choose_the_sub_category_within_the_class():
    above_boiling = g.lookup("汽油", ("W5.1",))  # a production unit working petrol above its boiling point
    assert (above_boiling.critical_quantity_t, above_boiling.beta, above_boiling.category) == (200, D("1.5"), "W5.1")
    assert g.identify([(above_boiling, D(1200))], 60).r == D("13.5")  # 1.5 × 1.5 × 6 → 三级
    assert g.lookup("汽油", ("W5.2",)).beta == 1 and g.lookup("汽油", ("W5.3",)) is g.lookup("汽油")
    with pytest.raises(ValueError, match="应为其易燃液体类别之一：W5.1、W5.2、W5.3、W5.4（实际为 J1）"):
        g.lookup("汽油", ("J1",))
    with pytest.raises(ValueError, match="氨 的校正系数 β 按表3取 2，不随危险性类别变化"):
        g.lookup("氨", ("J5",))
    with pytest.raises(ValueError, match="未知的危险性类别代码：W5.9"):
        g.lookup("汽油", ("W5.9",))


def test_category_1_liquids_keep_w5_1_and_carbon_disulphide_is_category_2():
    # GHS / GB 30000.7: 类别1 flash point < 23 °C and initial boiling point ≤ 35 °C; 类别2 flash point < 23 °C
    # and initial boiling point > 35 °C. 乙醚 (bp 34.6 °C) and 1,2-环氧丙烷 (34 °C) are 类别1: W5.1;
    # 二硫化碳 (bp 46 °C) is 类别2: W5.3 in ordinary conditions.
    assert g.lookup("乙醚").category == "W5.1" and g.lookup("氧化丙烯").category == "W5.1"
    assert (g.lookup("二硫化碳").category, g.lookup("二硫化碳").beta) == ("W5.3", 1)
