"""How often an enterprise is checked for a matter and the cap per year: a pure engine, no Django.

A jurisdiction's frequency rules name any of enterprise class, risk level, 标准化 level and credit
class (a blank criterion matches every value). The rule that applies to an enterprise is the
matching one with the most criteria named; among equally specific ones, the one of the nearest
region (the longest region path), then the latest in force, then the lowest cap (the stricter
reading). Without a matching rule, the plan item's own frequency and cap apply. Whether one more
planned check is allowed follows from the cap and the checks counted so far; complaint- and
accident-driven checks may go beyond it and are recorded as such.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

CRITERIA = ("enterprise_class", "risk_level", "standardization", "credit_class")


@dataclass(frozen=True)
class Rule:
    id: int | None
    frequency_per_year: int
    cap_per_year: int
    region_path: str = ""
    effective_from: datetime.date | None = None
    enterprise_class: str = ""
    risk_level: str = ""
    standardization: str = ""
    credit_class: str = ""
    source: str = ""

    def matches(self, enterprise: dict) -> bool:
        return all(not getattr(self, c) or getattr(self, c) == (enterprise.get(c) or "") for c in CRITERIA)

    @property
    def specificity(self) -> int:
        return sum(1 for c in CRITERIA if getattr(self, c))


@dataclass(frozen=True)
class Frequency:
    frequency_per_year: int
    cap_per_year: int
    rule: Rule | None  # None: the plan item's own numbers


def applicable(rules: Iterable[Rule], enterprise: dict, default_frequency: int, default_cap: int,
               on: datetime.date | None = None) -> Frequency:
    """The frequency and cap for ``enterprise`` (a dict with the CRITERIA keys), from the rules in force
    ``on`` that match it, else the defaults."""
    found = [r for r in rules if r.matches(enterprise) and (on is None or r.effective_from is None
                                                            or r.effective_from <= on)]
    if not found:
        return Frequency(default_frequency, default_cap, None)
    best = max(found, key=lambda r: (r.specificity, len(r.region_path), r.effective_from or datetime.date.min,
                                     -r.cap_per_year))
    return Frequency(best.frequency_per_year, best.cap_per_year, best)


@dataclass(frozen=True)
class CapDecision:
    allowed: bool
    beyond_cap: bool
    reason: str


def decide(cap: int, counted: int, trigger: str, beyond_triggers: Iterable[str], trigger_label: str = "") -> CapDecision:
    """Whether one more check may be made when ``counted`` checks of the enterprise for this matter
    this year already exist and the cap is ``cap``."""
    if counted < cap:
        return CapDecision(True, False, "")
    if trigger in set(beyond_triggers):
        return CapDecision(True, True, f"本年度已检查 {counted} 次，达到上限 {cap} 次；因{trigger_label or trigger}检查，"
                                       "不受上限限制，记为超出计划上限的检查")
    return CapDecision(False, False, f"该企业本事项本年度已检查 {counted} 次，达到年度计划上限 {cap} 次；"
                                     "只有投诉举报或事故引起的检查可以超出上限")
