"""Plan indicators (规划指标) as a pure engine: an indicator's value for a year from named yearly
series, its target, the straight-line path from the base to the target, and the traffic light.

An indicator's formula is data: the sum of the ``numerator`` series over the sum of the
``denominator`` series (1 when there is none), times ``factor`` (100 for a percentage, 100 000 for a
rate per 十万人 …). ``aggregate="period"`` reads the formula over the plan period so far (年均 … :
the sums from the first year of the period to the year evaluated), ``"year"`` over the one year.

Targets: ``at_most`` (≤ value), ``at_least`` (≥ value), ``change_pct`` (the base changed by value %:
−15 is 下降15%). The path runs straight from (base year, base value) to (end year, target); a year is
green on or ahead of it, yellow behind it by no more than ``margin`` of the distance from base to
target, red beyond. A bound (≤ / ≥) already met at the base keeps the bound itself as the path.
No Django here: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Series = Mapping[str, Mapping[int, float]]  # series key -> {year: value}

AT_MOST, AT_LEAST, CHANGE_PCT = "at_most", "at_least", "change_pct"
GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
LIGHT_LABELS = {GREEN: "正常", YELLOW: "预警", RED: "滞后", GREY: "无数据"}


@dataclass(frozen=True)
class Formula:
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    factor: float = 1.0
    aggregate: str = "year"  # "year" | "period"

    def keys(self) -> tuple[str, ...]:
        return (*self.numerator, *self.denominator)


@dataclass(frozen=True)
class Target:
    kind: str  # AT_MOST | AT_LEAST | CHANGE_PCT
    value: float

    def goal(self, base: float | None) -> float | None:
        """The value to reach at the end of the period."""
        if self.kind == CHANGE_PCT:
            return None if base is None else base * (1 + self.value / 100)
        return self.value

    def lower_is_better(self) -> bool:
        return self.kind == AT_MOST or (self.kind == CHANGE_PCT and self.value < 0)

    def met(self, value: float, base: float | None) -> bool:
        goal = self.goal(base)
        if goal is None:
            return False
        return value <= goal + 1e-12 if self.lower_is_better() else value >= goal - 1e-12

    def text(self, unit: str = "") -> str:
        if self.kind == CHANGE_PCT:
            return f"较基期{'下降' if self.value < 0 else '提高'}{_num(abs(self.value))}%"
        return f"{'≤' if self.kind == AT_MOST else '≥'}{_num(self.value)}{unit}"


@dataclass(frozen=True)
class Terms:
    """One year's computation, as shown: the sums, the factor and the result."""

    year: int
    numerator: float | None
    denominator: float | None
    value: float | None
    years: tuple[int, ...]  # the years summed (one, or the period so far)
    missing: tuple[str, ...] = ()  # series without a figure for a year summed


@dataclass
class Assessment:
    year: int
    value: float | None
    path: float | None  # where the straight line says the indicator should be this year
    goal: float | None
    light: str
    progress_pct: float | None  # share of the way from base to goal (100 = reached)
    met: bool | None
    terms: Terms | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) >= 1e-4 or x == 0 else f"{x:.2e}"


def _sum(series: Series, keys: Iterable[str], years: Iterable[int], missing: list[str]) -> float | None:
    total = 0.0
    for key in keys:
        by_year = series.get(key, {})
        for y in years:
            v = by_year.get(y)
            if v is None:
                missing.append(f"{key}:{y}")
                continue
            total += float(v)
    return total


def compute(formula: Formula, series: Series, year: int, period_start: int | None = None) -> Terms:
    """The formula's value in ``year`` (over the period so far when it aggregates the period)."""
    if formula.aggregate == "period" and period_start is not None and year >= period_start:
        years = tuple(range(period_start, year + 1))
    else:
        years = (year,)
    missing: list[str] = []
    num = _sum(series, formula.numerator, years, missing)
    den = _sum(series, formula.denominator, years, missing) if formula.denominator else 1.0
    if missing or not den:
        return Terms(year, num if not missing else None, den if formula.denominator and not missing else None,
                     None, years, tuple(missing))
    return Terms(year, num, den if formula.denominator else None, num / den * formula.factor, years)


def path_value(base: float, goal: float, base_year: int, end_year: int, year: int) -> float:
    """The straight line from (base_year, base) to (end_year, goal), clamped to the period."""
    if end_year <= base_year:
        return goal
    t = min(max((year - base_year) / (end_year - base_year), 0.0), 1.0)
    return base + (goal - base) * t


def assess(target: Target, base: float | None, base_year: int, end_year: int, year: int, value: float | None,
           margin: float = 0.1, terms: Terms | None = None) -> Assessment:
    """The traffic light of ``value`` in ``year`` against the straight-line path to the target."""
    goal = target.goal(base)
    if goal is None or base is None:
        path = goal
    elif target.kind != CHANGE_PCT and target.met(base, base):
        path = goal  # a bound already met at the base: keep within it
    else:
        path = path_value(base, goal, base_year, end_year, year)
    if value is None:
        return Assessment(year, None, path, goal, GREY, None, None, terms, ["无数据"])
    met = target.met(value, base)
    progress = None
    if base is not None and goal is not None and abs(goal - base) > 1e-12:
        progress = (value - base) / (goal - base) * 100
    if path is None:
        return Assessment(year, value, None, goal, GREEN if met else RED, progress, met, terms)
    # How far the value is behind the path, positive when worse.
    behind = value - path if target.lower_is_better() else path - value
    scale = abs(goal - base) if base is not None and abs(goal - base) > 1e-12 else abs(goal) or 1.0
    if behind <= 1e-12:
        light = GREEN
    elif behind <= margin * scale:
        light = YELLOW
    else:
        light = RED
    return Assessment(year, value, path, goal, light, progress, met, terms)


@dataclass(frozen=True)
class Indicator:
    """An indicator as the engine needs it (the model holds the rest: name, owner, source)."""

    key: str
    formula: Formula
    target: Target
    base_year: int
    base_value: float | None  # None: computed from the series in the base year
    unit: str = ""


def evaluate(indicators: Iterable[Indicator], series: Series, years: Iterable[int], end_year: int,
             period_start: int, margin: float = 0.1) -> dict[str, list[Assessment]]:
    """Every indicator for every year: {key: [Assessment per year]}."""
    out: dict[str, list[Assessment]] = {}
    years = list(years)
    for ind in indicators:
        base = ind.base_value
        if base is None:
            base = compute(ind.formula, series, ind.base_year, None).value
        rows = []
        for y in years:
            terms = compute(ind.formula, series, y, period_start)
            rows.append(assess(ind.target, base, ind.base_year, end_year, y, terms.value, margin, terms))
        out[ind.key] = rows
    return out
