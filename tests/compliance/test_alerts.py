"""The alert rules as a pure engine, with the clock moved across every boundary (hand-computed days)."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.compliance import alerts, rules
from yingji.compliance.alerts import PolicyFacts

D = dt.date
LIMIT = Decimal("400000")
POLICY = PolicyFacts(1, "P1", D(2025, 7, 1), D(2026, 6, 30), 50, LIMIT)


def kinds(found):
    return sorted(a.kind for a in found)


def insurance(today, policies=(POLICY,), mandatory=True, employees=50, min_limit=LIMIT):
    return alerts.insurance(7, mandatory=mandatory, sector="烟花爆竹", policies=list(policies), employees=employees,
                            min_limit=min_limit, warning_days=30, today=today)


@pytest.mark.parametrize("today, expected", [
    (D(2026, 5, 30), []),                    # 31 days left: not yet
    (D(2026, 5, 31), ["lapsing"]),           # 30 days left: the first day of the warning
    (D(2026, 6, 30), ["lapsing"]),           # the last day covered: still insured, 0 days left
    (D(2026, 7, 1), ["lapsed"]),             # the day after: 脱保
])
def test_policy_lapsing_and_lapsed_with_the_clock_moved(today, expected):
    assert kinds(insurance(today)) == expected


def test_lapsing_names_the_days_left_and_the_due_day():
    [a] = insurance(D(2026, 6, 15))
    assert (a.subject, a.due) == ("policy:1", D(2026, 6, 30)) and "剩 15 日" in a.detail


def test_a_policy_taking_over_the_day_after_is_no_lapse():
    renewal = PolicyFacts(2, "P2", D(2026, 7, 1), D(2027, 6, 30), 50, LIMIT)
    assert insurance(D(2026, 6, 20), (POLICY, renewal)) == []
    gap = PolicyFacts(2, "P2", D(2026, 7, 2), D(2027, 7, 1), 50, LIMIT)  # one uninsured day between
    assert kinds(insurance(D(2026, 6, 20), (POLICY, gap))) == ["lapsing"]


def test_uninsured_only_where_insurance_is_mandatory():
    assert kinds(insurance(D(2026, 6, 1), ())) == ["uninsured"]
    assert insurance(D(2026, 6, 1), (), mandatory=False) == []
    assert insurance(D(2026, 7, 1), mandatory=False) == []  # a voluntary policy that ended: nothing to say
    assert kinds(insurance(D(2025, 6, 30))) == ["uninsured"]  # the policy has not started yet


@pytest.mark.parametrize("limit, local, expected", [
    (Decimal("400000"), LIMIT, []), (Decimal("399999.99"), LIMIT, ["limit_low"]),
    (Decimal("300000"), LIMIT, ["limit_low"]), (Decimal("400000"), Decimal("500000"), ["limit_low"]),  # local minimum
])
def test_per_person_limit_against_the_national_or_local_minimum(limit, local, expected):
    p = PolicyFacts(1, "P1", D(2026, 1, 1), D(2026, 12, 31), 50, limit)
    assert kinds(insurance(D(2026, 3, 1), (p,), min_limit=local)) == expected


@pytest.mark.parametrize("employees, expected", [(50, []), (51, ["headcount_low"]), (49, []), (None, [])])
def test_headcount_against_the_payroll_equal_is_enough(employees, expected):
    p = PolicyFacts(1, "P1", D(2026, 1, 1), D(2026, 12, 31), 50, LIMIT)
    assert kinds(insurance(D(2026, 3, 1), (p,), employees=employees)) == expected


EXPIRY = D(2026, 8, 14)


def cert(today, expires=EXPIRY, review=None):
    return alerts.certificate(3, label="张三的特种作业操作证", expires_on=expires, review_due=review, today=today,
                              first_days=60, second_days=30)


@pytest.mark.parametrize("today, expected", [
    (D(2026, 6, 14), []),                         # 61 days ahead
    (D(2026, 6, 15), ["cert_expiring_60"]),       # 60 days ahead: the first reminder
    (D(2026, 7, 14), ["cert_expiring_60"]),       # 31 days
    (D(2026, 7, 15), ["cert_expiring_30"]),       # 30 days: the second reminder
    (D(2026, 8, 14), ["cert_expiring_30"]),       # the expiry day itself is still valid
    (D(2026, 8, 15), ["cert_expired"]),           # the day after
])
def test_certificate_reminders_at_60_and_30_days_and_expiry(today, expected):
    assert kinds(cert(today)) == expected


def test_review_reminders_before_the_expiry_and_not_once_expired():
    assert kinds(cert(D(2026, 3, 1), expires=D(2029, 1, 1), review=D(2026, 3, 31))) == ["review_due_30"]
    assert kinds(cert(D(2026, 4, 1), expires=D(2029, 1, 1), review=D(2026, 3, 31))) == ["review_overdue"]
    assert kinds(cert(D(2029, 1, 2), expires=D(2029, 1, 1), review=D(2026, 3, 31))) == ["cert_expired"]
    assert cert(D(2026, 1, 1), expires=D(2029, 1, 1), review=D(2029, 1, 1)) == []  # reviewed: next due is the expiry


def test_status_valid_expiring_expired():
    assert alerts.status(D(2026, 8, 14), None, D(2026, 6, 14), 60) == "valid"
    assert alerts.status(D(2026, 8, 14), None, D(2026, 6, 15), 60) == "expiring"
    assert alerts.status(D(2026, 8, 14), None, D(2026, 8, 15), 60) == "expired"
    assert alerts.status(D(2029, 1, 1), D(2026, 3, 31), D(2026, 4, 1), 60) == "expired"  # review missed


def test_required_hours_by_sector():
    r = rules.defaults()
    assert [alerts.required_hours(initial=i, high_risk=h, rules=r)
            for i, h in ((True, True), (False, True), (True, False), (False, False))] == [48, 16, 32, 12]


def test_training_short_only_once_the_year_is_over():
    assert alerts.training(5, name="李四", year=2025, hours=Decimal("15.5"), required=16, today=D(2026, 1, 5)).kind \
        == "training_short"
    assert alerts.training(5, name="李四", year=2025, hours=Decimal("16"), required=16, today=D(2026, 1, 5)) is None
    assert alerts.training(5, name="李四", year=2026, hours=Decimal("0"), required=16, today=D(2026, 12, 31)) is None


def test_validity_periods_end_the_day_before_the_anniversary():
    assert alerts.add_years(D(2020, 5, 10), 6) == D(2026, 5, 9)
    assert alerts.add_years(D(2020, 2, 29), 3) == D(2023, 2, 28)


@pytest.mark.parametrize("industry, cls, expected", [
    ("C2672", "", "fireworks"), ("C2614", "", "hazardous_chemicals"), ("C2671", "", "explosives"),
    ("B1011", "", "mining"), ("E4790", "", "construction"), ("G5430", "", "transport"), ("A0411", "", "fishery"),
    ("C3110", "", "metal_smelting"), ("C33", "", None), ("C33", "metallurgy", "metal_smelting"), ("", "", None),
])
def test_the_eight_mandatory_sectors(industry, cls, expected):
    s = rules.sector_of(industry, cls)
    assert (s.code if s else None) == expected


def test_every_rule_names_its_source():
    r = rules.defaults()
    assert r["insurance_min_limit_cny"].value == 400000 and "第十五条" in r["insurance_min_limit_cny"].citation
    assert r["special_valid_years"].citation.endswith("（未核实）")
    assert len(rules.sectors()) == 8
