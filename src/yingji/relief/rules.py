"""The relief rules as data (pure: no Django): national defaults in data/relief-rules.json with their
sources, and the national reference standards of the relief items (data/relief-items.json)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    value: Decimal
    unit: str
    source: str
    article: str
    date: str
    confirmed: bool
    note: str


def _read(name: str) -> dict:
    return json.loads(resources.files("yingji.relief").joinpath("data", name).read_text("utf-8"))


def defaults() -> dict[str, Rule]:
    raw = _read("relief-rules.json")
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


def reference_items() -> dict[str, dict]:
    """kind -> the national reference standard (name, basis, amount_cny as Decimal, periods, source …)."""
    items = _read("relief-items.json")["items"]
    return {kind: {**item, "amount_cny": Decimal(item["amount_cny"])} for kind, item in items.items()}
