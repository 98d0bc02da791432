"""The legal clocks and gates of an enforcement case (pure, no Django).

The numbers are data (data/case-rules.json: the national defaults, each with its source and article,
``confirmed`` false where the text could not be checked); a county, city or province overrides them
(CaseRule records), the nearest one winning. From them: whether a fine needs 法制审核 or 集体讨论,
whether the party must be told of the right to a hearing (each "以上", the number included), and
when each step is due.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from yingji.core.framework import rulebook
from yingji.core.framework.rulebook import Rule, with_overrides  # noqa: F401  (the apps' own name for them)

UNIT, PERSON = "unit", "person"




def defaults() -> dict[str, Rule]:
    return rulebook.defaults("yingji.supervision", "case-rules.json")




def _threshold(rules: Mapping[str, Rule], name: str, party: str) -> Rule:
    return rules[f"{name}_{PERSON if party == PERSON else UNIT}"]


def gate(rules: Mapping[str, Rule], name: str, party: str, fine: Decimal | None) -> Rule | None:
    """The rule that makes ``name`` (legal_review, collective, hearing) required for a fine of ``fine``
    yuan on a ``party`` (unit or person) — 以上, the number included — or None when it is not."""
    if fine is None:
        return None
    rule = _threshold(rules, name, party)
    return rule if fine >= rule.value else None


def due(rules: Mapping[str, Rule], key: str, start: datetime.date) -> datetime.date:
    """The last day of the period ``key`` that starts on ``start`` (counted from the next day, as
    行政处罚法 periods are: 立案 on 1 March, 90 days → 30 May)."""
    return start + datetime.timedelta(days=int(rules[key].value))
