"""Drill scoring (pure: no Django), after the evaluation items of AQ/T 9009 (演练评估): each criterion
has a weight; each timed observation gives it a score (0–100). An observation made after the
criterion's time limit (minutes since the drill began) counts at ``late_factor`` of its score. A
criterion's score is the mean of its observations, to 0.1; the drill's is the weighted mean over the
criteria observed, to 0.1; ``coverage`` says how much of the weight was observed. The weights, the
factor and the grade lines are data (data/review-rules.json, per criterion on the evaluation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")


class ScoringError(ValueError):
    pass


@dataclass(frozen=True)
class Criterion:
    key: object
    label: str
    weight: Decimal
    limit_minutes: int | None = None


@dataclass(frozen=True)
class Observation:
    criterion: object
    score: int  # 0–100
    minutes: float | None = None  # since the drill began; None: not timed


@dataclass
class Row:
    key: object
    label: str
    weight: Decimal
    score: Decimal | None  # None: not observed
    observations: int = 0
    late: int = 0


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)
    total: Decimal | None = None
    coverage: Decimal = Decimal("0")  # % of the weight observed
    grade: str = "未评分"


def _round(x: Decimal) -> Decimal:
    return x.quantize(TENTH, rounding=ROUND_HALF_UP)


def observed_score(o: Observation, limit: int | None, late_factor: Decimal) -> tuple[Decimal, bool]:
    late = limit is not None and o.minutes is not None and o.minutes > limit
    return (Decimal(o.score) * late_factor if late else Decimal(o.score)), late


def grade_of(total: Decimal | None, grades: Sequence[tuple[Decimal, str]]) -> str:
    if total is None:
        return "未评分"
    for at_least, label in sorted(grades, key=lambda g: -g[0]):
        if total >= at_least:
            return label
    return "未评分"


def evaluate(criteria: Iterable[Criterion], observations: Iterable[Observation], *,
             grades: Sequence[tuple[Decimal, str]], late_factor: Decimal) -> Result:
    criteria = list(criteria)
    by_key = {c.key: c for c in criteria}
    if len(by_key) != len(criteria):
        raise ScoringError("评估标准重复")
    if any(c.weight < 0 for c in criteria):
        raise ScoringError("权重不能为负数")
    got: dict = {c.key: [] for c in criteria}
    late: dict = {c.key: 0 for c in criteria}
    for o in observations:
        if o.criterion not in by_key:
            raise ScoringError(f"观察记录指向未知的评估标准 {o.criterion}")
        if not 0 <= o.score <= 100:
            raise ScoringError("分值应在 0 到 100 之间")
        value, was_late = observed_score(o, by_key[o.criterion].limit_minutes, late_factor)
        got[o.criterion].append(value)
        late[o.criterion] += was_late
    result = Result()
    weighted = weight_seen = Decimal("0")
    for c in criteria:
        values = got[c.key]
        score = _round(sum(values) / len(values)) if values else None
        result.rows.append(Row(c.key, c.label, c.weight, score, len(values), late[c.key]))
        if score is not None:
            weighted += c.weight * score
            weight_seen += c.weight
    all_weight = sum((c.weight for c in criteria), Decimal("0"))
    if weight_seen:
        result.total = _round(weighted / weight_seen)
    result.coverage = _round(weight_seen * 100 / all_weight) if all_weight else Decimal("0")
    result.grade = grade_of(result.total, grades)
    return result
