"""The review rules as data (pure: no Django): the intervals of the 回头看 and of drills with their sources
and whether each was checked against the text, and the drill-scoring defaults (data/review-rules.json)."""

from __future__ import annotations

import calendar
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Interval:
    key: str
    months: int
    source: str
    confirmed: bool
    note: str = ""
    region: str = "全国默认值"


@lru_cache(maxsize=1)
def _read() -> dict:
    return json.loads(resources.files("yingji.reviews").joinpath("data", "review-rules.json").read_text("utf-8"))


def national(key: str) -> Interval:
    raw = _read()["intervals"][key]
    return Interval(key, int(raw["months"]), raw["source"], bool(raw["confirmed"]), raw.get("note", ""))


def scoring() -> dict:
    """grades [(at least, label)], late_factor, task_weight (Decimal), generic criteria, source."""
    raw = _read()["scoring"]
    return {"grades": [(Decimal(str(a)), label) for a, label in raw["grades"]],
            "late_factor": Decimal(raw["late_factor"]), "task_weight": Decimal(raw["task_weight"]),
            "generic": [(s, t, Decimal(w), m) for s, t, w, m in raw["generic"]],
            "source": raw["source"], "confirmed": raw["confirmed"]}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` later, at the month's last day where it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
