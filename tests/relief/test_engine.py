"""The pure relief engine: amounts, periods, intervals, the hours board with the clock moved."""

import datetime
from decimal import Decimal

import pytest

from yingji.relief import reliefcalc, rules

T0 = datetime.datetime(2026, 6, 20, 8, 0, tzinfo=datetime.UTC)


def test_amount_per_household_person_and_person_day():
    assert reliefcalc.amount("household", Decimal("20000"), people=4) == Decimal("20000.00")
    assert reliefcalc.amount("person", Decimal("300"), people=4) == Decimal("1200.00")
    assert reliefcalc.amount("person_day", Decimal("20"), people=3, days=30) == Decimal("1800.00")
    with pytest.raises(ValueError, match="未知的计发方式"):
        reliefcalc.amount("month", Decimal(1), people=1)


def test_periods_one_off_per_event_monthly_from_onset_and_winter_by_season():
    onset = datetime.date(2026, 6, 20)
    key = reliefcalc.period_key
    assert key("emergency", event_id=5, onset=onset, start=onset, period_days=None) == "E5-事件"
    assert key("transition", event_id=5, onset=onset, start=onset, period_days=30) == "E5-P1"
    assert key("transition", event_id=5, onset=onset, start=datetime.date(2026, 7, 19), period_days=30) == "E5-P1"
    assert key("transition", event_id=5, onset=onset, start=datetime.date(2026, 7, 20), period_days=30) == "E5-P2"
    # 冬春: December to May is one season, whatever the event
    assert key("winter_spring", event_id=5, onset=onset, start=datetime.date(2026, 12, 5), period_days=None) == "冬春2026"
    assert key("winter_spring", event_id=9, onset=onset, start=datetime.date(2027, 3, 1), period_days=None) == "冬春2026"
    with pytest.raises(ValueError, match="不能早于灾害发生日期"):
        key("transition", event_id=5, onset=onset, start=datetime.date(2026, 6, 1), period_days=30)


def test_minimum_interval():
    start = datetime.date(2026, 8, 1)
    assert reliefcalc.interval_error([datetime.date(2026, 7, 10)], start, 30).startswith("距上次发放")
    assert reliefcalc.interval_error([datetime.date(2026, 7, 1)], start, 30) is None
    assert reliefcalc.interval_error([datetime.date(2026, 7, 31)], start, None) is None


NEEDS = ("food", "water", "clothing", "shelter", "medical")


def hh(i, town, hours=None, missing=()):
    met = {n: (None if n in missing or hours is None else T0 + datetime.timedelta(hours=hours)) for n in NEEDS}
    return reliefcalc.Household(i, town, f"户{i}", met)


def test_hours_board_with_the_clock_moved():
    households = [hh(1, "大瑶镇", 6), hh(2, "大瑶镇", 11), hh(3, "大瑶镇", 5, missing=("medical",)), hh(4, "金刚镇", 9)]
    early = reliefcalc.hours_board(T0, Decimal(10), households, NEEDS, now=T0 + datetime.timedelta(hours=8))
    # at 8 hours: household 3 still waits within the target; household 1 was served in time
    town = {t.name: t for t in early["townships"]}
    assert town["大瑶镇"].waiting == 1 and town["大瑶镇"].on_time == 1 and not early["overdue"]
    assert early["remaining_s"] == 2 * 3600
    late = reliefcalc.hours_board(T0, Decimal(10), households, NEEDS, now=T0 + datetime.timedelta(hours=12))
    town = {t.name: t for t in late["townships"]}
    assert late["overdue"] and late["remaining_s"] == 0
    assert town["大瑶镇"].late == [("户2", 11.0, []), ("户3", None, ["medical"])]
    assert town["金刚镇"].on_time == 1 and not town["金刚镇"].late
    assert [t.name for t in late["townships"]] == ["大瑶镇", "金刚镇"]  # the late ones first
    assert (late["households"], late["met"], late["on_time"], late["late"]) == (4, 3, 2, 2)
    # the same households against the older 12-hour text: household 2 is on time
    twelve = reliefcalc.hours_board(T0, Decimal(12), households, NEEDS, now=T0 + datetime.timedelta(hours=11))
    assert twelve["on_time"] == 3 and twelve["late"] == 0


def test_rules_and_reference_items_carry_their_sources():
    d = rules.defaults()
    assert set(d) == {"target_hours", "notice_required", "notice_days"}  # the rules a jurisdiction may set
    assert d["target_hours"].value == 10 and not d["target_hours"].confirmed and "12小时" in d["target_hours"].note
    assert d["notice_required"].value == 1 and d["notice_days"].value == 3
    items = rules.reference_items()
    assert items["transition"]["amount_cny"] == Decimal("20.00") and items["transition"]["period_days"] == 30
    assert all(i["source"] for i in items.values())
