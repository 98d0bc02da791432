"""Grading and reporting clocks against the regulation's own numbers, at every boundary:
以上 includes the number, 以下 excludes it (国务院令第493号 第三条)."""

import datetime
from decimal import Decimal

import pytest

from yingji.incidents import deadlines, grading
from yingji.incidents.grading import accident_grade, relief_level

WAN = Decimal(10000)


@pytest.mark.parametrize(("deaths", "grade"), [(0, "general"), (2, "general"), (3, "larger"), (9, "larger"),
                                               (10, "major"), (29, "major"), (30, "especially_major"),
                                               (200, "especially_major")])
def test_deaths_boundaries(deaths, grade):
    assert accident_grade(deaths=deaths).code == grade


@pytest.mark.parametrize(("injuries", "grade"), [(9, "general"), (10, "larger"), (49, "larger"), (50, "major"),
                                                 (99, "major"), (100, "especially_major")])
def test_serious_injury_boundaries(injuries, grade):
    assert accident_grade(serious_injuries=injuries).code == grade


@pytest.mark.parametrize(("loss", "grade"), [(Decimal("9999999.99"), "general"), (1000 * WAN, "larger"),
                                             (Decimal("49999999.99"), "larger"), (5000 * WAN, "major"),
                                             (Decimal("99999999.99"), "major"), (10000 * WAN, "especially_major")])
def test_direct_loss_boundaries(loss, grade):
    assert accident_grade(direct_loss_cny=loss).code == grade


def test_the_highest_criterion_decides_and_says_why():
    g = accident_grade(deaths=2, serious_injuries=12, direct_loss_cny=6000 * WAN)
    assert (g.code, g.label) == ("major", "重大事故")
    assert [c.name for c in g.decided_by] == ["direct_loss_cny"]
    assert g.reason == "直接经济损失 6,000万元 ≥ 5,000万元"
    both = accident_grade(deaths=12, serious_injuries=55)
    assert both.reason == "死亡 12人 ≥ 10人；重伤（含急性工业中毒） 55人 ≥ 50人"
    assert accident_grade().reason == "各项指标均未达到较大事故标准"


def test_a_followup_with_more_deaths_raises_the_grade():
    first = accident_grade(deaths=2, serious_injuries=4)
    later = accident_grade(deaths=3, serious_injuries=4)
    assert (first.code, later.code) == ("general", "larger")


def test_missing_people_count_with_the_dead():
    g = accident_grade(deaths=1, missing=2)
    assert g.code == "larger" and g.reason == "死亡（含失踪） 3人 ≥ 3人"


@pytest.mark.parametrize("bad", [{"deaths": -1}, {"serious_injuries": 1.5}, {"direct_loss_cny": -5}])
def test_bad_figures_are_refused(bad):
    with pytest.raises(ValueError):
        accident_grade(**bad)


@pytest.mark.parametrize(("figures", "level"), [
    ({"deaths_missing": 19}, None), ({"deaths_missing": 20}, "IV"), ({"deaths_missing": 49}, "IV"),
    ({"deaths_missing": 50}, "III"), ({"deaths_missing": 99}, "III"), ({"deaths_missing": 100}, "II"),
    ({"deaths_missing": 199}, "II"), ({"deaths_missing": 200}, "I"),
    ({"relocated": 99_999}, None), ({"relocated": 100_000}, "IV"), ({"relocated": 500_000}, "III"),
    ({"relocated": 1_000_000}, "II"), ({"relocated": 2_000_000}, "I"),
    ({"houses_rooms": 9_999}, None), ({"houses_rooms": 10_000}, "IV"), ({"houses_rooms": 100_000}, "III"),
    ({"houses_rooms": 200_000}, "II"), ({"houses_rooms": 300_000}, "I"),
    ({"houses_households": 2_999}, None), ({"houses_households": 3_000}, "IV"),
    ({"houses_households": 30_000}, "III"), ({"houses_households": 70_000}, "II"), ({"houses_households": 100_000}, "I"),
    ({"drought_people": 1_000_000}, "IV"), ({"drought_share": 0.1499}, None), ({"drought_share": 0.15}, "IV"),
    ({"drought_share": 0.30}, "I"),
])
def test_national_relief_levels_at_each_bound(figures, level):
    assert relief_level(figures).level == level


def test_a_county_plan_sets_its_own_thresholds():
    county = (("III", {"deaths_missing": 5, "relocated": 5000}), ("IV", {"deaths_missing": 1, "relocated": 1000}))
    r = relief_level({"deaths_missing": 2, "relocated": 6000}, county, source="浏阳市自然灾害救助应急预案")
    assert r.level == "III" and r.label == "Ⅲ级响应" and r.reason == "紧急转移安置或需紧急生活救助 6,000人 ≥ 5,000人"
    assert relief_level({}, county).label == "未达到启动条件"
    with pytest.raises(ValueError, match="未知的灾情指标：deaths"):
        relief_level({"deaths": 3}, county)


# ---- reporting clocks ------------------------------------------------------------------------------

T0 = datetime.datetime(2026, 7, 15, 3, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_accident_reports_go_as_high_as_the_grade_requires():
    general = deadlines.accident_deadlines(T0, "general")
    assert [(d.key, d.due.hour) for d in general] == [("county", 4), ("city", 6)]
    major = deadlines.accident_deadlines(T0, "major")
    assert [(d.key, d.due.hour) for d in major] == [("county", 4), ("city", 6), ("province", 8), ("state", 10)]
    assert [d.key for d in deadlines.accident_deadlines(T0, "larger")] == ["county", "city", "province"]
    assert grading.REPORT_UP_TO.keys() == {g for g, _ in grading.ACCIDENT_GRADES}


def test_disaster_initial_reports_and_followup_interval():
    plan = deadlines.disaster_deadlines(T0, up_to="city")
    assert [(d.key, d.due) for d in plan] == [
        ("county", T0 + datetime.timedelta(hours=2)), ("city", T0 + datetime.timedelta(hours=4))]
    # 续报: every 7 days, drought (11400 and below) every 10 days, unless the plan sets its own.
    assert deadlines.followup_interval("11300") == datetime.timedelta(days=7)
    assert deadlines.followup_interval("11400") == datetime.timedelta(days=10)
    assert deadlines.followup_interval("11400", plan_days=5) == datetime.timedelta(days=5)
    second = deadlines.next_followup(2, T0, datetime.timedelta(days=10))
    assert (second.key, second.label, second.due) == ("followup-2", "第 2 次续报", T0 + datetime.timedelta(days=10))
    with pytest.raises(ValueError):
        deadlines.next_followup(0, T0, datetime.timedelta(days=7))


def test_the_clock_as_time_moves():
    due = deadlines.accident_deadlines(T0, "general")[0]  # 04:00
    at = lambda h, m: T0.replace(hour=h, minute=m)  # noqa: E731
    assert deadlines.clock(due, at(3, 30)).status == "pending"
    assert deadlines.clock(due, at(3, 45)).status == "due_soon"  # 15 minutes before: remind
    assert deadlines.clock(due, at(4, 0)).status == "due_soon" and deadlines.clock(due, at(4, 0)).seconds_left == 0
    late = deadlines.clock(due, at(4, 1))
    assert (late.status, late.seconds_left, late.label) == ("overdue", -60, "已超时")  # escalate
    assert deadlines.clock(due, at(5, 0), done_at=at(3, 50)).status == "done"
    with pytest.raises(ValueError, match="时区"):
        deadlines.clock(due, datetime.datetime(2026, 7, 15, 3, 0))
