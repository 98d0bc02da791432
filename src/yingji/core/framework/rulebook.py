"""A jurisdiction's rules as data (pure, no Django): the national defaults an app ships in a JSON file,
each with its label, unit, source, article, date and whether it was checked against the text, and a
jurisdiction's overrides laid over them (the nearest region's value wins: core/directory/rules.py).

The file's shape: ``{"rules": {key: {"label", "value", "unit", "source", "article"?, "date"?,
"confirmed"?, "note"?}, …}, …}``; anything beside "rules" is the app's own."""

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


@cache
def read_file(package: str, filename: str) -> dict:
    """The whole JSON file ``data/<filename>`` of ``package``, read once."""
    return json.loads(resources.files(package).joinpath("data", filename).read_text("utf-8"))


def defaults(package: str, filename: str) -> dict[str, Rule]:
    """The national defaults of ``data/<filename>`` in ``package`` (a new dict each call)."""
    return {key: Rule(key, r["label"], Decimal(str(r["value"])), r["unit"], r["source"], r.get("article", ""),
                      r.get("date", ""), bool(r.get("confirmed")), r.get("note", ""))
            for key, r in read_file(package, filename)["rules"].items()}


def with_overrides(base: Mapping[str, Rule], overrides: Mapping[str, Mapping]) -> dict[str, Rule]:
    """``base`` with a jurisdiction's values (key -> {value, source, article, date, confirmed, note}); a key
    the defaults do not know is left out."""
    out = dict(base)
    for key, o in overrides.items():
        if key in out:
            out[key] = replace(out[key], value=Decimal(str(o["value"])), source=o.get("source") or out[key].source,
                               article=o.get("article", ""), date=o.get("date", ""),
                               confirmed=bool(o.get("confirmed")), note=o.get("note", ""))
    return out
