"""Copy-forward and diff between reports of one 灾情事件 (pure: no Django): a 续报 starts from the
previous report's figures; the diff shows, per township and indicator, the old and new figures, the
change, and whether the change needs a written explanation (checks.check_change: a cumulative figure
that fell or jumped)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from yingji.disasters.catalogue import Rules
from yingji.disasters.checks import Finding, check_change


@dataclass(frozen=True)
class Change:
    township: str  # "" for the county total
    code: str
    label: str
    unit: str
    old: object  # None where the previous report had no figure
    new: object
    change: object  # new − old; None where either is absent
    finding: Finding | None  # why it needs an explanation, if it does

    @property
    def needs_explanation(self) -> bool:
        return self.finding is not None

    @property
    def changed(self) -> bool:
        return self.old != self.new


def copy_forward(previous: dict[str, dict]) -> dict[str, dict]:
    """The draft of the next 续报: the previous report's figures, township by township (a deep copy, so
    editing the draft leaves the sent report as it was)."""
    return copy.deepcopy(previous)


def diff(previous: dict[str, dict], current: dict[str, dict], rules: Rules, *, only_changed: bool = False) -> list[Change]:
    """Every figure of either report, townships in the current report's order (then any the previous
    had alone), indicators in form order."""
    townships = list(current) + [t for t in previous if t not in current]
    out = []
    for township in townships:
        before, after = previous.get(township, {}), current.get(township, {})
        for code, ind in rules.indicators.items():
            old, new = before.get(code), after.get(code)
            if old is None and new is None:
                continue
            change = new - old if old is not None and new is not None else None
            row = Change(township, code, rules.name(code), ind.unit, old, new, change,
                         check_change(code, old, new, rules, township))
            if row.changed or not only_changed:
                out.append(row)
    return out
