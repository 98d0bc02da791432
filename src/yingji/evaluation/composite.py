"""Weighted composite indices (安全发展指数, 防汛防台综合指数) as a pure engine.

An index is data: components, each one input (a yearly value per unit, e.g. a township's deaths per
100 000 people) with a weight, a direction (higher or lower is better) and the bounds that map it to
0–100. Bounds given (``lo``/``hi``) are fixed reference values; without them the component is
normalised min–max across the units compared that year (0 for the worst unit, 100 for the best; all
100 when they are equal). The index is the weighted mean of the scores of the components the unit has
a value for (weights re-scaled over those), so one missing input does not zero a township; the
components missing are listed with the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: float
    higher_is_better: bool = True
    lo: float | None = None  # the value scoring 0 (or 100 when lower is better), fixed; None: min across units
    hi: float | None = None


@dataclass
class Score:
    unit: str
    index: float | None
    parts: dict[str, float | None]  # component key -> 0–100 score
    missing: list[str] = field(default_factory=list)
    rank: int | None = None


def _scale(value: float, lo: float, hi: float, higher_is_better: bool) -> float:
    if hi <= lo:
        return 100.0
    s = (min(max(value, lo), hi) - lo) / (hi - lo) * 100
    return s if higher_is_better else 100 - s


def score(components: Sequence[Component], values: Mapping[str, Mapping[str, float | None]]) -> list[Score]:
    """``values``: {unit: {component key: value}}; the scores, best first, ranked (ties share a rank)."""
    bounds = {}
    for c in components:
        seen = [float(v[c.key]) for v in values.values() if v.get(c.key) is not None]
        lo = c.lo if c.lo is not None else (min(seen) if seen else 0.0)
        hi = c.hi if c.hi is not None else (max(seen) if seen else 0.0)
        bounds[c.key] = (lo, hi)
    out = []
    for unit, vals in values.items():
        parts, missing, total, weights = {}, [], 0.0, 0.0
        for c in components:
            v = vals.get(c.key)
            if v is None:
                parts[c.key] = None
                missing.append(c.label)
                continue
            parts[c.key] = _scale(float(v), *bounds[c.key], c.higher_is_better)
            total += c.weight * parts[c.key]
            weights += c.weight
        out.append(Score(unit, total / weights if weights else None, parts, missing))
    out.sort(key=lambda s: (s.index is None, -(s.index or 0)))
    rank, last = 0, None
    for i, s in enumerate(out, 1):
        if s.index is None:
            continue
        if last is None or abs(s.index - last) > 1e-9:
            rank, last = i, s.index
        s.rank = rank
    return out
