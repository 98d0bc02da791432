"""Which enterprises the listing rules propose for the serious-dishonesty list (pure: no Django).

Input: the platform's own facts as plain data — production-safety accidents (the incident, its 事发单位,
its grade by 国务院令第493号 第三条, when it happened) and decided enforcement cases (the discretion
entry, the fine, the ceiling of the entry's tier). Output: one ``Hit`` per case found, naming the facts
that triggered it, so a person can read them and decide. A rule whose fact the platform does not hold
has no check (rules.ListingRule.check is None) and is never run here.

Months are calendar months: ``add_months(2025-03-31, 1)`` is 2025-04-30. "12个月内" includes the day
twelve months on (以内 includes its number)."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from yingji.credit.rules import ListingRule

MAJOR = ("especially_major", "major")
LARGER = "larger"
GRADE_LABELS = {"especially_major": "特别重大事故", "major": "重大事故", "larger": "较大事故", "general": "一般事故"}
DECIDED = ("decided", "executed", "closed")
ENTRY_114 = "AQSCF-114"


@dataclass(frozen=True)
class Accident:
    id: int
    org_id: int
    grade: str
    occurred_on: datetime.date
    number: str = ""
    title: str = ""
    deaths: int = 0


@dataclass(frozen=True)
class Case:
    id: int
    org_id: int
    state: str
    entry: str
    decided_on: datetime.date | None
    fine_cny: Decimal | None
    ceiling_cny: Decimal | None  # the highest fine of the entry's tier under its first paragraph
    number: str = ""
    cause: str = ""
    tier: str = ""


@dataclass(frozen=True)
class Fact:
    kind: str  # incident | case
    id: int
    number: str
    title: str
    on: datetime.date
    detail: str

    def record(self) -> dict:
        return {"kind": self.kind, "id": self.id, "number": self.number, "title": self.title,
                "on": self.on.isoformat(), "detail": self.detail}


@dataclass(frozen=True)
class Hit:
    rule: str
    org_id: int
    facts: tuple[Fact, ...]
    why: str

    @property
    def key(self) -> str:
        """What identifies this proposal: the rule and its facts (the same facts never propose twice)."""
        return f"{self.rule}:" + ",".join(f"{f.kind}-{f.id}" for f in sorted(self.facts, key=lambda f: (f.kind, f.id)))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _accident_fact(a: Accident) -> Fact:
    dead = f"，死亡{a.deaths}人" if a.deaths else ""
    return Fact("incident", a.id, a.number, a.title, a.occurred_on,
                f"{GRADE_LABELS.get(a.grade, a.grade)}，{a.occurred_on:%Y-%m-%d}发生{dead}")


def major_accident(rule: ListingRule, accidents: Iterable[Accident], cases, since) -> list[Hit]:
    return [Hit(rule.code, a.org_id, (_accident_fact(a),), f"发生{GRADE_LABELS[a.grade]}（{a.number}）")
            for a in accidents if a.grade in MAJOR and a.occurred_on >= since]


def larger_accidents_in_window(rule: ListingRule, accidents: Iterable[Accident], cases, since) -> list[Hit]:
    """Each run of ``at_least`` 较大 accidents of one enterprise in which the last happened within
    ``window_months`` of the first: the earliest such run of each enterprise's accidents, then the next one
    that starts after it."""
    n, months = rule.at_least or 2, rule.window_months or 12
    per_org: dict[int, list[Accident]] = defaultdict(list)
    for a in accidents:
        if a.grade == LARGER and a.occurred_on >= since:
            per_org[a.org_id].append(a)
    hits = []
    for org_id, rows in per_org.items():
        rows.sort(key=lambda a: (a.occurred_on, a.id))
        i = 0
        while i + n - 1 < len(rows):
            run = rows[i:i + n]
            if run[-1].occurred_on <= add_months(run[0].occurred_on, months):
                days = (run[-1].occurred_on - run[0].occurred_on).days
                hits.append(Hit(rule.code, org_id, tuple(_accident_fact(a) for a in run),
                                f"{months}个月内发生{n}起较大事故（{run[0].occurred_on:%Y-%m-%d} 至 "
                                f"{run[-1].occurred_on:%Y-%m-%d}，相隔{days}天）"))
                i += n
            else:
                i += 1
    return hits


def fine_multiple_114(rule: ListingRule, accidents, cases: Iterable[Case], since) -> list[Hit]:
    hits = []
    for c in cases:
        if (c.entry == ENTRY_114 and c.state in DECIDED and c.decided_on and c.decided_on >= since
                and c.fine_cny is not None and c.ceiling_cny is not None and c.fine_cny > c.ceiling_cny):
            hits.append(Hit(rule.code, c.org_id, (Fact("case", c.id, c.number, c.cause, c.decided_on,
                                                       f"{c.tier}：罚款{c.fine_cny:,.2f}元，超过第一款上限"
                                                       f"{c.ceiling_cny:,.2f}元（即依第二款按2倍以上5倍以下处罚）"),),
                            f"依安全生产法第一百一十四条第二款处罚（{c.number}）"))
    return hits


CHECKS = {"major_accident": major_accident, "larger_accidents_in_window": larger_accidents_in_window,
          "fine_multiple_114": fine_multiple_114}


def evaluate(rules: Iterable[ListingRule], accidents: Iterable[Accident], cases: Iterable[Case],
             since: datetime.date) -> list[Hit]:
    """Every hit of every rule that runs; facts before ``since`` (the 办法 in force) are not read."""
    accidents, cases = list(accidents), list(cases)
    out = []
    for r in rules:
        if r.check is None:
            continue
        out.extend(CHECKS[r.check](r, accidents, cases, since))
    return out
