"""调查评估与复盘's pure engines with hand-computed values: drill scoring (weights, late factor, coverage,
grades), the timeline and response figures (未记录 where nothing was recorded), month arithmetic."""

import datetime
from decimal import Decimal as D

import pytest

from yingji.reviews import rules, scoring, timeline

GRADES = [(D("90"), "优秀"), (D("75"), "良好"), (D("60"), "合格"), (D("0"), "不合格")]


def test_weighted_mean_with_a_late_observation_and_an_unobserved_criterion():
    criteria = [scoring.Criterion("a", "信息报告", D("10"), limit_minutes=15), scoring.Criterion("b", "指挥", D("15")),
                scoring.Criterion("c", "后期处置", D("5"))]
    obs = [scoring.Observation("a", 90, minutes=20),  # late: 90 × 0.8 = 72
           scoring.Observation("a", 80, minutes=10),  # on time: 80 → a = (72 + 80) / 2 = 76.0
           scoring.Observation("b", 85, minutes=30)]  # no limit → b = 85
    r = scoring.evaluate(criteria, obs, grades=GRADES, late_factor=D("0.8"))
    assert [(row.key, row.score, row.observations, row.late) for row in r.rows] == [
        ("a", D("76.0"), 2, 1), ("b", D("85.0"), 1, 0), ("c", None, 0, 0)]
    assert r.total == D("81.4")  # (10 × 76 + 15 × 85) / 25 = 2035 / 25
    assert r.coverage == D("83.3")  # 25 of 30
    assert r.grade == "良好"


def test_rounding_half_up_and_grade_lines_inclusive():
    c = [scoring.Criterion(1, "x", D("1"))]
    r = scoring.evaluate(c, [scoring.Observation(1, 90), scoring.Observation(1, 89), scoring.Observation(1, 91)],
                         grades=GRADES, late_factor=D("1"))
    assert r.total == D("90.0") and r.grade == "优秀"  # 90 counts as 优秀 (≥)
    r = scoring.evaluate(c, [scoring.Observation(1, 59), scoring.Observation(1, 60)], grades=GRADES, late_factor=D("1"))
    assert r.total == D("59.5") and r.grade == "不合格"


def test_nothing_observed_is_not_scored_and_bad_input_is_refused():
    r = scoring.evaluate([scoring.Criterion(1, "x", D("1"))], [], grades=GRADES, late_factor=D("0.8"))
    assert r.total is None and r.grade == "未评分" and r.coverage == 0
    with pytest.raises(scoring.ScoringError):
        scoring.evaluate([scoring.Criterion(1, "x", D("1"))], [scoring.Observation(1, 101)], grades=GRADES,
                         late_factor=D("1"))
    with pytest.raises(scoring.ScoringError):
        scoring.evaluate([scoring.Criterion(1, "x", D("1"))], [scoring.Observation(2, 50)], grades=GRADES,
                         late_factor=D("1"))


T0 = datetime.datetime(2026, 6, 20, 8, 0, tzinfo=datetime.UTC)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def test_figures_from_recorded_facts():
    facts = timeline.Facts(received_at=T0, occurred_at=at(-15), reports_sent=[at(42), at(300)],
                           responses=[(at(9), "IV级")], dispatches=[(at(10), at(24), "大瑶镇专职队"), (at(30), None, "蓝天")],
                           relief_start=at(9), relief_met=[at(9 + 360), at(9 + 480)], materials_sent=2, closed_at=at(1440))
    entries, figures = timeline.assemble(facts)
    f = {x.key: x for x in figures}
    assert f["to_report"].value == 42 and f["to_report"].text == "42 分钟"
    assert f["to_respond"].value == 9 and f["to_dispatch"].value == 10 and f["to_arrive"].value == 24
    assert f["travel_max"].value == 14  # the team still on its way is not counted
    assert f["relief_hours"].value == 8.0  # 480 minutes after the clock started
    assert f["teams"].value == 2 and f["materials"].value == 2 and f["duration"].value == 24.0
    assert [e.kind for e in entries][:4] == ["发生", "接报", "响应", "派出"]
    assert entries == sorted(entries, key=lambda e: e.at)


def test_what_was_not_recorded_says_so():
    # a household still waiting: the relief hours are not known yet; no dispatch, no report
    _, figures = timeline.assemble(timeline.Facts(received_at=T0, relief_start=T0, relief_met=[at(60), None]))
    f = {x.key: x.text for x in figures}
    for key in ("to_report", "to_respond", "to_arrive", "relief_hours", "teams", "materials", "duration"):
        assert f[key] == "未记录"


def test_months_later():
    assert rules.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert rules.add_months(datetime.date(2025, 11, 15), 12) == datetime.date(2026, 11, 15)
    assert rules.add_months(datetime.date(2025, 11, 15), 10) == datetime.date(2026, 9, 15)
    assert rules.national("drill_onsite_months").months == 6
    assert rules.national("lookback_open_months").months == 10 and not rules.national("lookback_due_months").confirmed
