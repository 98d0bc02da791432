"""The legal clocks and gates of an enforcement case (pure, no Django).

The numbers are data (data/case-rules.json: the national defaults, each with its source and article,
``confirmed`` false where the text could not be checked); a county, city or province overrides them
(CaseRule records), the nearest one winning. From them: whether a fine needs 法制审核 or 集体讨论,
whether the party must be told of the right to a hearing (each "以上", the number included), and
when each step is due.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources

UNIT, PERSON = "unit", "person"


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    value: Decimal
    unit: str
    source: str
    article: str = ""
    date: str = ""
    confirmed: bool = False
    note: str = ""

    @property
    def citation(self) -> str:
        text = f"{self.source}{self.article}"
        return text if self.confirmed else f"{text}（未核实）"


def defaults() -> dict[str, Rule]:
    raw = json.loads(resources.files("yingji.supervision").joinpath("data", "case-rules.json").read_text("utf-8"))
    return {key: Rule(key, r["label"], Decimal(str(r["value"])), r["unit"], r["source"], r.get("article", ""),
                      r.get("date", ""), bool(r.get("confirmed")), r.get("note", ""))
            for key, r in raw["rules"].items()}


def with_overrides(base: Mapping[str, Rule], overrides: Mapping[str, Mapping]) -> dict[str, Rule]:
    """``base`` with a jurisdiction's values (key -> {value, source, article, date, confirmed, note})."""
    out = dict(base)
    for key, o in overrides.items():
        if key in out:
            out[key] = replace(out[key], value=Decimal(str(o["value"])), source=o.get("source") or out[key].source,
                               article=o.get("article", ""), date=o.get("date", ""),
                               confirmed=bool(o.get("confirmed")), note=o.get("note", ""))
    return out


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
