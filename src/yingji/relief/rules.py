"""The relief rules as data (pure: no Django): national defaults in data/relief-rules.json with their
sources, and the national reference standards of the relief items (data/relief-items.json)."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from yingji.core.framework import rulebook
from yingji.core.framework.rulebook import Rule, with_overrides  # noqa: F401  (the apps' own name for them)


def _read(name: str) -> dict:
    return json.loads(resources.files("yingji.relief").joinpath("data", name).read_text("utf-8"))


def defaults() -> dict[str, Rule]:
    return rulebook.defaults("yingji.relief", "relief-rules.json")




def reference_items() -> dict[str, dict]:
    """kind -> the national reference standard (name, basis, amount_cny as Decimal, periods, source …)."""
    items = _read("relief-items.json")["items"]
    return {kind: {**item, "amount_cny": Decimal(item["amount_cny"])} for kind, item in items.items()}
