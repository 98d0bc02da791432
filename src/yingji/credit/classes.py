"""An enterprise's safety-production credit class (A/B/C/D, or a province's own scheme) from documented
rules (pure: no Django). The scheme is data (data/credit-classes.json, or a bureau's file of the same
form): classes evaluated in the scheme's ``order``; a class with ``any`` applies when one of its
conditions holds, with ``all`` when every one does, a ``default`` class when none before applied. Each
answer says why: the conditions that held, in the scheme's words, with the facts counted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from yingji.credit.listing import add_months


@dataclass(frozen=True)
class AccidentFact:
    grade: str
    on: datetime.date
    deaths: int = 0


@dataclass(frozen=True)
class Facts:
    listed: bool = False
    standardization: str = ""
    accidents: tuple[AccidentFact, ...] = ()
    penalties: tuple[datetime.date, ...] = ()  # decision dates of decided cases
    listings_ended: tuple[datetime.date, ...] = ()  # when a listing of it ended (expired or removed)


@dataclass(frozen=True)
class CreditClass:
    code: str
    label: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _count(cond: dict, facts: Facts, today: datetime.date) -> int:
    kind = cond["fact"]
    since = add_months(today, -int(cond["within_months"])) if cond.get("within_months") else datetime.date.min
    if kind == "accidents":
        grades = set(cond.get("grades") or [])
        return sum(1 for a in facts.accidents if since <= a.on <= today and (not grades or a.grade in grades)
                   and a.deaths >= int(cond.get("min_deaths", 0)))
    if kind == "penalties":
        return sum(1 for d in facts.penalties if since <= d <= today)
    if kind == "listing_ended":
        return sum(1 for d in facts.listings_ended if since <= d <= today)
    raise ValueError(f"未知的事实：{kind}")


def holds(cond: dict, facts: Facts, today: datetime.date) -> tuple[bool, str]:
    kind, text = cond["fact"], cond.get("text", cond["fact"])
    if kind == "listed":
        return facts.listed, text
    if kind == "standardization":
        return facts.standardization in set(cond["in"]), text
    n = _count(cond, facts, today)
    ok = True
    if "at_least" in cond:
        ok = ok and n >= int(cond["at_least"])
    if "at_most" in cond:
        ok = ok and n <= int(cond["at_most"])
    return ok, f"{text}（计 {n} 项）"


def classify(scheme: dict, facts: Facts, today: datetime.date) -> CreditClass:
    for code in scheme["order"]:
        spec = scheme["classes"][code]
        if spec.get("default"):
            return CreditClass(code, spec["label"], (spec.get("text", ""),))
        results = [holds(c, facts, today) for c in spec.get("any", spec.get("all", []))]
        if "any" in spec and any(ok for ok, _ in results):
            return CreditClass(code, spec["label"], tuple(t for ok, t in results if ok))
        if "all" in spec and results and all(ok for ok, _ in results):
            return CreditClass(code, spec["label"], tuple(t for _, t in results))
    raise ValueError("信用分级方案没有默认等级")
