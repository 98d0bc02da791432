"""Clocks of a 灾情事件 with time moved: before, at and after each due time (pending, due soon within
the reminder window, overdue, done); the 越级 boundary at 9/10 deaths + missing; the 24小时零报告 across
midnight in Asia/Shanghai; drought 续报 every 10 days; 核报 in working days after 灾情稳定."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from yingji.disasters import clocks
from yingji.disasters.catalogue import national
from yingji.disasters.clocks import EventFacts

CST = ZoneInfo("Asia/Shanghai")
RULES = national().clocks
H, M = datetime.timedelta(hours=1), datetime.timedelta(minutes=1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CST)


LEARNED = at(2025, 7, 1, 14, 0)


def by_key(facts, sent, now, rules=RULES):
    return {s.deadline.key: s for s in clocks.states(facts, sent, rules, now)}


def test_township_and_county_initial_clocks_with_time_moved():
    facts = EventFacts(LEARNED, township_learned_at={"青石镇": LEARNED, "白水乡": LEARNED + 30 * M})
    due = {d.key: d.due for d in clocks.deadlines(facts, {}, RULES, LEARNED)}
    assert due["township:青石镇"] == at(2025, 7, 1, 15, 0) and due["township:白水乡"] == at(2025, 7, 1, 15, 30)
    assert due["initial:county"] == at(2025, 7, 1, 16, 0)
    assert due["initial:city"] == at(2025, 7, 1, 18, 0)  # county not sent yet: 2 h after it was due
    assert due["initial:province"] == at(2025, 7, 1, 20, 0)
    county_due = at(2025, 7, 1, 16, 0)
    assert by_key(facts, {}, county_due - 16 * M)["initial:county"].status == "pending"
    assert by_key(facts, {}, county_due - 15 * M)["initial:county"].status == "due_soon"  # reminder
    assert by_key(facts, {}, county_due)["initial:county"].status == "due_soon"  # at the due time: not yet late
    assert by_key(facts, {}, county_due + M)["initial:county"].status == "overdue"  # escalate
    sent = {"initial:county": county_due - 30 * M}
    state = by_key(facts, sent, county_due + H)["initial:county"]
    assert state.status == "done" and state.label == "已报送" and state.seconds_left == 1800


def test_the_next_level_counts_from_when_it_received():
    facts = EventFacts(LEARNED)
    sent = {"initial:county": at(2025, 7, 1, 15, 10)}
    due = {d.key: d.due for d in clocks.deadlines(facts, sent, RULES, LEARNED)}
    assert due["initial:city"] == at(2025, 7, 1, 17, 10) and due["initial:province"] == at(2025, 7, 1, 19, 10)
    sent["initial:city"] = at(2025, 7, 1, 16, 0)
    due = {d.key: d.due for d in clocks.deadlines(facts, sent, RULES, LEARNED)}
    assert due["initial:province"] == at(2025, 7, 1, 18, 0)


def test_a_county_platform_keeps_only_its_own_clocks():
    facts = EventFacts(LEARNED, levels=("county",))
    assert [d.key for d in clocks.deadlines(facts, {}, RULES, LEARNED)] == ["initial:county"]


@pytest.mark.parametrize(("deaths_missing", "skip"), [(9, False), (10, True), (11, True)])
def test_skip_level_boundary(deaths_missing, skip):
    keys = {d.key: d.due for d in clocks.deadlines(EventFacts(LEARNED, deaths_missing=deaths_missing), {}, RULES, LEARNED)}
    assert ("skip:province" in keys, "skip:ministry" in keys) == (skip, skip)
    if skip:
        assert keys["skip:province"] == keys["skip:ministry"] == at(2025, 7, 1, 16, 0)


def test_skip_level_counts_from_when_the_threshold_was_reached():
    later = at(2025, 7, 2, 9, 0)  # a 续报 brings deaths + missing to 10
    facts = EventFacts(LEARNED, deaths_missing=10, skip_level_since=later)
    due = {d.key: d.due for d in clocks.deadlines(facts, {}, RULES, LEARNED)}
    assert due["skip:province"] == due["skip:ministry"] == at(2025, 7, 2, 11, 0)


def test_the_skip_threshold_is_a_setting():
    rules = national().with_overrides({"clocks": {"skip_level_threshold": 5}}).clocks
    assert "skip:province" in {d.key for d in clocks.deadlines(EventFacts(LEARNED, deaths_missing=5), {}, rules, LEARNED)}


def test_followups_one_interval_after_the_last_report():
    facts = EventFacts(LEARNED)
    assert "followup-1" not in by_key(facts, {}, LEARNED)  # none before the 初报 is sent
    sent = {"initial:county": at(2025, 7, 1, 15, 30)}
    assert by_key(facts, sent, LEARNED)["followup-1"].deadline.due == at(2025, 7, 8, 15, 30)  # 7 days, unconfirmed
    sent["followup-1"] = at(2025, 7, 5, 9, 0)
    states = by_key(facts, sent, at(2025, 7, 13, 9, 0))
    assert states["followup-1"].status == "done" and states["followup-1"].deadline.due == at(2025, 7, 8, 15, 30)
    assert states["followup-2"].deadline.due == at(2025, 7, 12, 9, 0) and states["followup-2"].status == "overdue"
    five = national().with_overrides({"clocks": {"followup_days": 5}}).clocks
    assert by_key(facts, sent, LEARNED, five)["followup-2"].deadline.due == at(2025, 7, 10, 9, 0)


def test_drought_followups_every_ten_days_until_it_ends():
    first = at(2025, 8, 1, 10, 0)  # the drought first affects people: the 初报's clock starts
    facts = EventFacts(first, drought=True)
    assert by_key(facts, {}, first)["initial:county"].deadline.due == at(2025, 8, 1, 12, 0)
    sent = {"initial:county": at(2025, 8, 1, 11, 0), "followup-1": at(2025, 8, 11, 11, 0)}
    states = by_key(facts, sent, at(2025, 8, 15))
    assert states["followup-1"].deadline.due == at(2025, 8, 11, 11, 0) and states["followup-1"].status == "done"
    assert states["followup-2"].deadline.due == at(2025, 8, 21, 11, 0)
    ended = EventFacts(first, drought=True, stable_at=at(2025, 8, 18, 10, 0))
    keys = by_key(ended, sent, at(2025, 8, 19))
    assert "followup-2" not in keys and "final:county" in keys  # 核报 when it ends


def test_zero_reports_daily_across_midnight_in_shanghai():
    # The regime starts at 23:30 on 1 July Beijing time (15:30 UTC): the first 零报告 is due at 09:00 on
    # 2 July with data to 24:00 on 1 July, although in UTC it is still 1 July when the regime starts.
    start = datetime.datetime(2025, 7, 1, 15, 30, tzinfo=datetime.UTC)
    facts = EventFacts(LEARNED, major_since=start)
    zero = [d for d in clocks.deadlines(facts, {}, RULES, start) if d.key.startswith("zero:")]
    assert [(d.key, d.due) for d in zero] == [
        ("zero:county:2025-07-02", at(2025, 7, 2, 9, 0)), ("zero:city:2025-07-02", at(2025, 7, 2, 10, 0)),
        ("zero:province:2025-07-02", at(2025, 7, 2, 12, 0))]
    assert zero[0].label == "县级24小时零报告（截至 7 月 1 日 24 时）"
    later = by_key(facts, {"zero:county:2025-07-02": at(2025, 7, 2, 8, 40)}, at(2025, 7, 3, 9, 5))
    assert later["zero:county:2025-07-02"].status == "done"
    assert later["zero:county:2025-07-03"].status == "overdue"
    assert later["zero:city:2025-07-03"].status == "pending"
    assert later["zero:county:2025-07-04"].status == "pending"  # the next one is listed ahead


def test_zero_reports_stop_once_stable():
    facts = EventFacts(LEARNED, major_since=at(2025, 7, 1, 10, 0), stable_at=at(2025, 7, 3, 8, 0))
    days = sorted({d.key.split(":")[2] for d in clocks.deadlines(facts, {}, RULES, at(2025, 7, 10)) if d.key.startswith("zero:")})
    assert days == ["2025-07-02", "2025-07-03"]  # data to 24:00 on 2 July was still unstable; none after


def test_no_zero_reports_without_a_major_disaster():
    assert not [d for d in clocks.deadlines(EventFacts(LEARNED), {}, RULES, LEARNED) if d.key.startswith("zero:")]


def test_final_reports_in_working_days_after_stable():
    # Friday 6 June 2025, 15:00: the county has 2 working days (Mon 9, Tue 10): due at 24:00 on Tuesday.
    facts = EventFacts(LEARNED, stable_at=at(2025, 6, 6, 15, 0))
    due = {d.key: d.due for d in clocks.deadlines(facts, {}, RULES, LEARNED)}
    assert due["final:county"] == at(2025, 6, 11, 0, 0)
    assert due["final:city"] == at(2025, 6, 14, 0, 0)  # 3 working days after the county's due day: Wed-Fri
    assert due["final:province"] == at(2025, 6, 21, 0, 0)  # 5 more: 16–20 June
    sent = {"final:county": at(2025, 6, 9, 11, 0)}
    due = {d.key: d.due for d in clocks.deadlines(facts, sent, RULES, LEARNED)}
    assert due["final:city"] == at(2025, 6, 13, 0, 0)  # from Monday's report: Tue, Wed, Thu


def test_working_days_skip_holidays_and_count_adjusted_workdays():
    # 国庆 2025: 1–8 October off, Saturday 11 October worked (data: holidays and extra_workdays).
    assert clocks.add_working_days(at(2025, 9, 30, 18, 0), 2, RULES) == at(2025, 10, 11, 0, 0)  # 9 Oct, 10 Oct
    assert clocks.add_working_days(at(2025, 10, 9, 18, 0), 2, RULES) == at(2025, 10, 12, 0, 0)  # 10 Oct, Sat 11 Oct
    # 春节 2026: Saturday 14 February worked, 15–23 February off (国务院办公厅 2025-11-04 notice).
    assert clocks.add_working_days(at(2026, 2, 13, 18, 0), 2, RULES) == at(2026, 2, 25, 0, 0)  # Sat 14, Tue 24
    weekends_only = national().with_overrides({"clocks": {"holidays": [], "extra_workdays": []}}).clocks
    assert clocks.add_working_days(at(2025, 9, 30, 18, 0), 2, weekends_only) == at(2025, 10, 3, 0, 0)


def test_times_without_zone_are_refused():
    with pytest.raises(ValueError, match="时区"):
        clocks.deadlines(EventFacts(datetime.datetime(2025, 7, 1, 14)), {}, RULES, LEARNED)


def test_incidents_followup_interval_agrees_with_the_rules_data():
    from yingji.incidents import deadlines

    assert deadlines.FOLLOWUP_DAYS == RULES.followup_days
    assert deadlines.DROUGHT_FOLLOWUP_DAYS == RULES.drought_followup_days
    assert deadlines.REMIND_BEFORE == RULES.remind_before


ALL_CLOCKS = EventFacts(LEARNED, deaths_missing=12, township_learned_at={"青石镇": LEARNED},
                        major_since=at(2025, 7, 1, 12, 0), stable_at=at(2025, 7, 4, 8, 0))
ALL_SENT = {"initial:county": at(2025, 7, 1, 15, 0)}


def test_every_kind_of_clock_is_there():
    kinds = {d.key.split(":")[0].split("-")[0] for d in clocks.deadlines(ALL_CLOCKS, ALL_SENT, RULES, LEARNED)}
    assert kinds == {"township", "initial", "skip", "zero", "final"}  # no 续报 once 灾情稳定 is declared
    open_event = EventFacts(LEARNED)
    assert [d.key for d in clocks.deadlines(open_event, ALL_SENT, RULES, LEARNED)][-1] == "followup-1"


@pytest.mark.parametrize("remind_minutes", [15, 60])
@pytest.mark.parametrize("key", [d.key for d in clocks.deadlines(ALL_CLOCKS, ALL_SENT, RULES, LEARNED)
                                 if d.key not in ALL_SENT])
def test_every_clock_with_time_moved(key, remind_minutes):
    rules = national().with_overrides({"clocks": {"remind_before_minutes": remind_minutes}}).clocks
    due = next(d.due for d in clocks.deadlines(ALL_CLOCKS, ALL_SENT, rules, LEARNED) if d.key == key)
    window = datetime.timedelta(minutes=remind_minutes)

    def status(now, sent=ALL_SENT):
        return by_key(ALL_CLOCKS, sent, now, rules)[key].status

    assert status(due - window - M) == "pending"
    assert status(due - window) == "due_soon"  # the reminder
    assert status(due) == "due_soon"
    assert status(due + datetime.timedelta(seconds=1)) == "overdue"  # escalation to the duty desk
    late = {**ALL_SENT, key: due + H}
    assert status(due + 2 * H, late) == "done" and by_key(ALL_CLOCKS, late, due + 2 * H, rules)[key].seconds_left == -3600
