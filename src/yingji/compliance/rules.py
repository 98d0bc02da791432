"""The rules as data (data/compliance-rules.json): the national defaults with their sources, a jurisdiction's
overrides, and the eight mandatory sectors of 安责险 with how an enterprise's industry code or 名录库 class
maps to one. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass

from yingji.core.framework import rulebook
from yingji.core.framework.rulebook import Rule, with_overrides  # noqa: F401  (the apps' own name for them)


@dataclass(frozen=True)
class Sector:
    code: str
    label: str
    high_risk: bool  # 《生产经营单位安全培训规定》第九条第二款's sectors: 48/16 学时
    industry: tuple[str, ...]  # GB/T 4754 code prefixes
    classes: tuple[str, ...]  # supervision's EnterpriseClass values


def _raw() -> dict:
    return rulebook.read_file("yingji.compliance", "compliance-rules.json")


def defaults() -> dict[str, Rule]:
    return rulebook.defaults("yingji.compliance", "compliance-rules.json")




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
