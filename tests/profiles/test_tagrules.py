"""The rule form of the profile's tags (pure engine): parsing with located errors, evaluation with the
facts that decided it, the clock's windows by calendar month."""

from __future__ import annotations

import datetime

import pytest

from yingji.profiles import tagrules as t

UTC = datetime.UTC


def test_a_rule_combines_field_conditions_and_counts_and_says_why():
    rule = t.parse({"all": [{"field": "industry_code", "startswith": ["C26", "B"], "label": "行业"},
                            {"any": [{"count": "hazards", "where": {"state": "overdue"}, "label": "超期隐患"},
                                     {"count": "incidents", "min": 2, "label": "事故"}]}]})
    [overdue, accidents] = t.counts(rule)
    assert t.fields(rule) == {"industry_code"}
    ok, why = t.evaluate(rule, {"industry_code": "C2614"}, {overdue.key: 1})
    assert ok and {"label": "超期隐患", "value": 1, "need": "超期隐患 ≥1"} in why
    assert not any(f["label"] == "事故" for f in why)  # the branch that did not hold is not a reason
    assert not t.evaluate(rule, {"industry_code": "G5942"}, {overdue.key: 1})[0]
    assert not t.evaluate(rule, {"industry_code": "C2614"}, {accidents.key: 1})[0]  # min 2
    assert t.evaluate(rule, {"industry_code": "B0610"}, {accidents.key: 2})[0]
    assert rule.text() == "行业以 C26、B 开头 且 （超期隐患 ≥1 或 事故 ≥2）"


def test_not_max_and_absent_facts():
    rule = t.parse({"not": {"count": "alarms", "min": 1, "max": 2, "label": "报警"}})
    [c] = t.counts(rule)
    assert t.evaluate(rule, {}, {})[0] and not t.evaluate(rule, {}, {c.key: 2})[0] and t.evaluate(rule, {}, {c.key: 3})[0]
    insured = t.parse({"field": "insured", "eq": False})
    assert t.evaluate(insured, {"insured": False}, {})[0]
    assert not t.evaluate(insured, {}, {})[0]  # unknown is not "not insured"
    assert not t.evaluate(t.parse({"field": "employees", "gte": 100}), {"employees": "多"}, {})[0]  # no TypeError


@pytest.mark.parametrize("rule, where", [
    ({}, "when"),
    ({"all": []}, "when.all"),
    ({"all": [{"field": "x", "eq": 1}, {"count": "Hazards"}]}, "when.all[1].count"),
    ({"field": "name", "eq": 1, "ne": 2}, "when"),
    ({"count": "hazards", "where": {"state; DROP": 1}}, "when.where.state; DROP"),
    ({"count": "hazards", "where": {"found_at__gte": "@yesterday"}}, "when.where.found_at__gte"),
    ({"count": "hazards", "where": {"deadline__lt": {"field": "x", "raw": "1"}}}, "when.where.deadline__lt"),
    ({"count": "hazards", "min": -1}, "when.min"),
    ({"eval": "__import__('os')"}, "when"),
])
def test_a_bad_rule_is_refused_saying_where(rule, where):
    with pytest.raises(t.RuleError) as caught:
        t.parse(rule)
    assert caught.value.where == where


def test_where_lookups_and_values():
    assert t.parse_where({"state": "overdue"}) == ("lookup", "state", "exact", ("value", "overdue"))
    assert t.parse_where({"closed_at__date__gt": {"field": "deadline"}}) == (
        "lookup", "closed_at__date", "gt", ("field", "deadline"))
    assert t.parse_where({"grade__in": ["a", "b"], "found_at__gte": "@now-12m"}) == ("all", (
        ("lookup", "grade", "in", ("value", ("a", "b"))), ("lookup", "found_at", "gte", ("moment", "@now-12m"))))
    assert t.parse_where({}) is None


def test_moments_move_by_calendar_months_clamped_to_the_month_end():
    now = datetime.datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert t.moment("@now-1m", now, now.date()) == datetime.datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert t.moment("@now-12m", now, now.date()) == datetime.datetime(2025, 3, 31, 10, 0, tzinfo=UTC)
    assert t.moment("@today-1y", now, datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)
    assert t.moment("@today-30d", now, now.date()) == datetime.date(2026, 3, 1)
    assert t.moment("@now", now, now.date()) == now
    assert t.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
