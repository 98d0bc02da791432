"""The listing rules and the credit classes as engines (no Django): each runnable case of 应急管理部令第11号
over plain facts, the 12-month window with the clock moved, the rules that are not run, the classes."""

import datetime
from decimal import Decimal

import pytest

from yingji.credit import classes, listing, rules

D = datetime.date
SINCE = D(2023, 10, 1)


def acc(i, on, grade="larger", org=1):
    return listing.Accident(i, org, grade, on, f"SJ{i}", f"事故{i}", 3)


def run(accidents=(), cases=()):
    return listing.evaluate(rules.listing_rules(), accidents, cases, SINCE)


def test_months_are_calendar_months():
    assert listing.add_months(D(2025, 3, 31), 1) == D(2025, 4, 30)
    assert listing.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert listing.add_months(D(2025, 5, 6), -12) == D(2024, 5, 6)


@pytest.mark.parametrize("second, listed", [
    (D(2025, 3, 1), True),      # 8 months on
    (D(2025, 7, 1), True),      # exactly 12 months on: 以内 includes it
    (D(2025, 7, 2), False),     # 12 months and a day
    (D(2025, 8, 1), False),     # 13 months apart
])
def test_two_larger_accidents_within_12_months(second, listed):
    hits = [h for h in run([acc(1, D(2024, 7, 1)), acc(2, second)]) if h.rule == "accident-larger-twice"]
    assert bool(hits) == listed
    if listed:
        assert [f.id for f in hits[0].facts] == [1, 2] and hits[0].key == "accident-larger-twice:incident-1,incident-2"


def test_a_window_counts_each_enterprise_and_grade_apart():
    general = run([acc(1, D(2024, 7, 1)), acc(2, D(2024, 9, 1), grade="general")])
    other_org = run([acc(1, D(2024, 7, 1)), acc(2, D(2024, 9, 1), org=2)])
    assert not [h for h in general + other_org if h.rule == "accident-larger-twice"]
    three = [h for h in run([acc(1, D(2024, 1, 1)), acc(2, D(2024, 2, 1)), acc(3, D(2024, 3, 1))])
             if h.rule == "accident-larger-twice"]
    assert [[f.id for f in h.facts] for h in three] == [[1, 2]]  # the third starts no pair with a counted one


def test_a_major_accident_lists_and_nothing_before_the_rules_were_in_force():
    hits = run([acc(1, D(2024, 5, 1), grade="major"), acc(2, D(2024, 6, 1), grade="especially_major"),
                acc(3, D(2023, 9, 30), grade="major")])
    assert sorted(f.id for h in hits if h.rule == "accident-major" for f in h.facts) == [1, 2]
    assert not run([acc(1, D(2023, 5, 1)), acc(2, D(2023, 9, 1))])  # both before 2023-10-01


@pytest.mark.parametrize("state, entry, fine, listed", [
    ("decided", "AQSCF-114", "3000000", True),    # above 较大's 200万 ceiling: 第二款
    ("closed", "AQSCF-114", "2000000.01", True),
    ("decided", "AQSCF-114", "2000000", False),   # within 第一款
    ("notified", "AQSCF-114", "3000000", False),  # not decided
    ("decided", "AQSCF-102", "3000000", False),
])
def test_a_fine_above_the_114_tier_is_the_2_to_5_times_case(state, entry, fine, listed):
    case = listing.Case(9, 1, state, entry, D(2025, 1, 1), Decimal(fine), Decimal("2000000"), "AJ20250001", "事故案",
                        "较大事故")
    assert bool([h for h in run(cases=[case]) if h.rule == "fine-114-multiple"]) == listed


def test_every_case_is_data_with_its_article_and_the_unrun_say_why():
    all_rules = rules.listing_rules()
    assert {r.code for r in all_rules} >= {"accident-major", "accident-larger-twice", "fine-114-multiple",
                                           "accident-concealed", "no-permit", "agency-fraud"}
    for r in all_rules:
        assert r.article.startswith("第") and r.wording and r.title
        assert r.runs or r.not_run  # a rule that is not run says why
        if r.check:
            assert r.check in listing.CHECKS
    assert not rules.rule("accident-concealed").runs and "瞒报" in rules.rule("accident-concealed").wording
    assert not rules.rule("agency-fraud").wording_confirmed  # not confirmed from the text: marked
    p = rules.periods()
    assert (p["management_years"].value, p["early_removal_months"].value) == (3, 12)
    assert rules.effective() == "2023-10-01"


def test_credit_classes_with_why():
    scheme, today = rules.class_scheme(), D(2026, 6, 1)
    assert classes.classify(scheme, classes.Facts(listed=True), today).code == "D"
    dead = classes.Facts(accidents=(classes.AccidentFact("general", D(2025, 12, 1), 1),))
    c = classes.classify(scheme, dead, today)
    assert c.code == "C" and "死亡" in c.reasons[0]
    old = classes.Facts(accidents=(classes.AccidentFact("general", D(2025, 5, 31), 1),))  # 12 months and a day ago
    assert classes.classify(scheme, old, today).code == "B"
    good = classes.Facts(standardization="level2")
    a = classes.classify(scheme, good, today)
    assert a.code == "A" and len(a.reasons) == 3
    assert classes.classify(scheme, classes.Facts(standardization="level2", penalties=(D(2024, 1, 1),)), today).code == "B"
    assert classes.classify(scheme, classes.Facts(listings_ended=(D(2026, 1, 1),)), today).code == "C"
