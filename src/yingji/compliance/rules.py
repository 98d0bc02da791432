"""The rules as data (data/compliance-rules.json): the national defaults with their sources, a jurisdiction's
overrides, and the eight mandatory sectors of 安责险 with how an enterprise's industry code or 名录库 class
maps to one. Pure: no Django."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources


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

    @property
    def number(self) -> int:
        return int(self.value)


@dataclass(frozen=True)
class Sector:
    code: str
    label: str
    high_risk: bool  # 《生产经营单位安全培训规定》第九条第二款's sectors: 48/16 学时
    industry: tuple[str, ...]  # GB/T 4754 code prefixes
    classes: tuple[str, ...]  # supervision's EnterpriseClass values


@cache
def _raw() -> dict:
    return json.loads(resources.files("yingji.compliance").joinpath("data", "compliance-rules.json").read_text("utf-8"))


def defaults() -> dict[str, Rule]:
    return {key: Rule(key, r["label"], Decimal(str(r["value"])), r["unit"], r["source"], r.get("article", ""),
                      r.get("date", ""), bool(r.get("confirmed")), r.get("note", ""))
            for key, r in _raw()["rules"].items()}


def with_overrides(base: Mapping[str, Rule], overrides: Mapping[str, Mapping]) -> dict[str, Rule]:
    """``base`` with a jurisdiction's values (key -> {value, source, article, date, confirmed, note})."""
    out = dict(base)
    for key, o in overrides.items():
        if key in out:
            out[key] = replace(out[key], value=Decimal(str(o["value"])), source=o.get("source") or out[key].source,
                               article=o.get("article", ""), date=o.get("date", ""),
                               confirmed=bool(o.get("confirmed")), note=o.get("note", ""))
    return out


def sectors() -> list[Sector]:
    return [Sector(s["code"], s["label"], bool(s["high_risk"]), tuple(s["industry"]), tuple(s["classes"]))
            for s in _raw()["sectors"]["list"]]


def sectors_source() -> str:
    return _raw()["sectors"]["source"]


def sector_of(industry_code: str, enterprise_class: str = "") -> Sector | None:
    """The mandatory sector of an enterprise: its 名录库 class when that names one, else the longest
    matching industry-code prefix, else None (not a mandatory sector)."""
    all_ = sectors()
    if enterprise_class:
        for s in all_:
            if enterprise_class in s.classes:
                return s
    best, length = None, 0
    for s in all_:
        for prefix in s.industry:
            if industry_code and industry_code.startswith(prefix) and len(prefix) > length:
                best, length = s, len(prefix)
    return best
