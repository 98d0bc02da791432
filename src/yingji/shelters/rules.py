"""The numbers of shelter operations (pure, no Django): per-person areas by shelter class, the occupancy
colours' thresholds, the retention period of personal data and the public search's limits.

They are data (data/shelter-rules.json: the national defaults, each with its source, ``confirmed`` false
where the text could not be checked); a county, city or province overrides them (ShelterRule records),
the nearest one winning — the same way as the enforcement cases' clocks (supervision/caselaw.py)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from yingji.core.framework import rulebook
from yingji.core.framework.rulebook import Rule, with_overrides  # noqa: F401  (the apps' own name for them)

MIN_TAIL_FLOOR = 4  # the public search's tail may be set longer by a jurisdiction, never shorter than this




def defaults() -> dict[str, Rule]:
    return rulebook.defaults("yingji.shelters", "shelter-rules.json")




def m2_per_person(rules: Mapping[str, Rule], duration_class: str) -> Decimal:
    """The per-person effective area of a shelter class (resources.choices.ShelterDuration values)."""
    return rules[f"m2_{duration_class}"].value
