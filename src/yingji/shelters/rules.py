"""The numbers of shelter operations (pure, no Django): per-person areas by shelter class, the occupancy
colours' thresholds, the retention period of personal data and the public search's limits.

They are data (data/shelter-rules.json: the national defaults, each with its source, ``confirmed`` false
where the text could not be checked); a county, city or province overrides them (ShelterRule records),
the nearest one winning — the same way as the enforcement cases' clocks (supervision/caselaw.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources

MIN_TAIL_FLOOR = 4  # the public search's tail may be set longer by a jurisdiction, never shorter than this


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
    raw = json.loads(resources.files("yingji.shelters").joinpath("data", "shelter-rules.json").read_text("utf-8"))
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


def m2_per_person(rules: Mapping[str, Rule], duration_class: str) -> Decimal:
    """The per-person effective area of a shelter class (resources.choices.ShelterDuration values)."""
    return rules[f"m2_{duration_class}"].value
