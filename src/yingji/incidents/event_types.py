"""Event types (突发事件类型) as data: the code table follows the layout of GB/T 35561-2017 突发事件
分类与编码 — the first digit is the category (1 自然灾害, 2 事故灾难, 3 公共卫生事件, 4 社会安全事件),
the next digits narrow it down, trailing zeros mean "the whole class". The table lives in
data/event_types.csv; it is read from memory of the standard and marked **verify** in
docs/incidents.md until checked against the text. Pure: no Django."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATEGORIES = {"1": ("natural", "自然灾害"), "2": ("accident", "事故灾难"), "3": ("health", "公共卫生事件"),
              "4": ("social", "社会安全事件")}
SOURCE = "GB/T 35561-2017《突发事件分类与编码》（代码表待核对原文）"


@dataclass(frozen=True)
class EventType:
    code: str
    name: str

    @property
    def category(self) -> str:
        return CATEGORIES[self.code[0]][0]

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.code[0]][1]

    @property
    def prefix(self) -> str:
        """The digits that matter: 21000 covers every 21xxx type."""
        return self.code.rstrip("0") or self.code[0]

    @property
    def depth(self) -> int:
        return len(self.prefix)

    def covers(self, other: EventType) -> bool:
        return other.code.startswith(self.prefix)


@cache
def table() -> dict[str, EventType]:
    with open(Path(__file__).with_name("data") / "event_types.csv", encoding="utf-8") as f:
        rows = [EventType(r["code"], r["name"]) for r in csv.DictReader(f)]
    return {t.code: t for t in rows}


def get(code: str) -> EventType:
    try:
        return table()[code]
    except KeyError:
        raise ValueError(f"“{code}”不是有效的突发事件类型代码") from None


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped by category for a select: [(category label, [(code, "code name"), …]), …]."""
    groups: dict[str, list] = {}
    for t in table().values():
        indent = "\u3000" * (t.depth - 1 if t.depth > 1 else 0)
        groups.setdefault(t.category_label, []).append((t.code, f"{indent}{t.name}"))
    return list(groups.items())


def flat_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in table().values()]


def path(code: str) -> str:
    """"事故灾难 › 工矿商贸等企业安全事故 › 危险化学品事故"."""
    t = get(code)
    names = [u.name for u in table().values() if u.covers(t)]
    return " › ".join(names)
