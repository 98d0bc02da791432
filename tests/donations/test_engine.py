"""The disclosure calendar against the rule's own numbers (《慈善法》: a campaign longer than six months
disclosed at least every three months; a full account within three months after it ends)."""

import datetime

import pytest

from yingji.donations import disclosure

D = datetime.date


def test_months_are_calendar_months():
    assert disclosure.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert disclosure.add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


def test_a_short_campaign_owes_only_its_final_account_three_months_after_it_ends():
    out = disclosure.calendar(D(2026, 6, 21), D(2026, 9, 1), ended=D(2026, 8, 20))
    assert [(d.kind, d.period_start, d.period_end, d.due) for d in out] == [
        ("final", D(2026, 6, 21), D(2026, 8, 20), D(2026, 11, 20))]


def test_an_open_campaign_owes_nothing_before_it_runs_six_months():
    assert disclosure.calendar(D(2026, 6, 21), D(2026, 12, 20)) == []
    out = disclosure.calendar(D(2026, 6, 21), D(2026, 12, 22))  # past six months: every three months since the start
    assert [(d.kind, d.period_start, d.due) for d in out] == [
        ("periodic", D(2026, 6, 21), D(2026, 9, 20)), ("periodic", D(2026, 9, 21), D(2026, 12, 20)),
        ("periodic", D(2026, 12, 21), D(2027, 3, 20))]


def test_a_planned_long_campaign_is_disclosed_quarterly_from_the_start():
    out = disclosure.calendar(D(2026, 6, 21), D(2026, 7, 1), planned_end=D(2027, 6, 30))
    assert [(d.kind, d.due) for d in out] == [("periodic", D(2026, 9, 20))]


def test_a_long_ended_campaign_has_quarters_then_the_final_account():
    out = disclosure.calendar(D(2026, 1, 1), D(2027, 1, 1), ended=D(2026, 8, 15))
    assert [(d.kind, d.period_end) for d in out] == [
        ("periodic", D(2026, 3, 31)), ("periodic", D(2026, 6, 30)), ("final", D(2026, 8, 15))]
    assert out[-1].due == D(2026, 11, 15)


def test_the_emergency_cadence_is_a_setting():
    out = disclosure.calendar(D(2026, 6, 21), D(2026, 7, 10), emergency_until=D(2026, 7, 4), emergency_days=7)
    assert [(d.period_start, d.period_end) for d in out] == [
        (D(2026, 6, 21), D(2026, 6, 27)), (D(2026, 6, 28), D(2026, 7, 4))]
    assert disclosure.calendar(D(2026, 6, 21), D(2026, 7, 10), emergency_until=D(2026, 7, 4)) == []


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ValueError):
        disclosure.calendar(D(2026, 6, 21), D(2026, 7, 1), ended=D(2026, 6, 1))


def test_the_rules_carry_their_source_and_are_marked_unverified():
    rules = disclosure.defaults()
    assert int(rules["periodic_months"].value) == 3 and int(rules["final_within_months"].value) == 3
    assert int(rules["long_campaign_months"].value) == 6
    assert all(r.source and not r.confirmed for r in rules.values())
