"""Plan matching (pure): which emergency plans apply to an incident, and which response level each
one's trigger rules reach, with the figures that decided it.

A plan declares the event types it covers (codes; a class code covers its sub-types, no codes means
every type — a 总体预案) and, per response level, trigger conditions over the incident's figures.
A level is triggered when any of its conditions holds; levels are checked from Ⅰ (highest) down.
Boundaries follow the regulations' wording: "以上" is ``>=`` (inclusive), "超过" is ``>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yingji.incidents import event_types

LEVELS = ("I", "II", "III", "IV")
LEVEL_LABELS = {"I": "Ⅰ级响应", "II": "Ⅱ级响应", "III": "Ⅲ级响应", "IV": "Ⅳ级响应"}
# The incident figures a rule may use: name -> (label, unit).
FIGURES = {
    "deaths": ("死亡", "人"), "missing": ("失踪", "人"), "deaths_missing": ("死亡和失踪", "人"),
    "injured": ("重伤", "人"), "trapped": ("被困", "人"), "direct_loss": ("直接经济损失", "万元"),
    "relocated": ("紧急转移安置", "人"), "houses_collapsed": ("倒塌和严重损坏房屋", "间"),
    "affected": ("受灾人口", "人"),
}
OPS = {">=": "≥", ">": ">"}


@dataclass(frozen=True)
class Condition:
    figure: str
    op: str
    value: float

    def holds(self, figures: dict) -> bool:
        v = figures.get(self.figure) or 0
        return v >= self.value if self.op == ">=" else v > self.value

    def describe(self, figures: dict) -> str:
        label, unit = FIGURES[self.figure]
        return f"{label} {_num(figures.get(self.figure) or 0)}{unit} {OPS[self.op]} {_num(self.value)}{unit}"

    def text(self) -> str:
        label, unit = FIGURES[self.figure]
        return f"{label}{OPS[self.op]}{_num(self.value)}{unit}"


def _num(v) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def parse_conditions(raw) -> tuple[Condition, ...]:
    """Conditions from stored JSON ([{"figure": "deaths", "op": ">=", "value": 3}, …]); a ValueError
    names the item and the field that is wrong."""
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list):
        raise ValueError("启动条件应为列表，如 [{\"figure\": \"deaths\", \"op\": \">=\", \"value\": 3}]")
    out = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ValueError(f"第 {i} 条启动条件应为对象")
        name, op, value = item.get("figure"), item.get("op", ">="), item.get("value")
        if name not in FIGURES:
            raise ValueError(f"第 {i} 条启动条件的指标“{name}”无效；可选：{'、'.join(FIGURES)}")
        if op not in OPS:
            raise ValueError(f"第 {i} 条启动条件的比较符“{op}”无效；可选：>=（以上，含本数）、>（超过）")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"第 {i} 条启动条件的数值应为非负数")
        out.append(Condition(name, op, float(value)))
    return tuple(out)


@dataclass(frozen=True)
class LevelRule:
    level: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class PlanSpec:
    key: object  # the caller's id for the plan
    name: str
    event_types: tuple[str, ...] = ()  # codes; empty: every type (总体预案)
    levels: tuple[LevelRule, ...] = ()


@dataclass(frozen=True)
class Match:
    plan: PlanSpec
    specificity: int  # 0 for a plan covering every type; longer code prefixes are more specific
    level: str | None
    decided_by: tuple[str, ...] = field(default_factory=tuple)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "未达到启动条件")

    @property
    def reason(self) -> str:
        if self.level is None:
            return "各级响应的启动条件均未达到"
        return "；".join(self.decided_by)


def applies(plan: PlanSpec, event_code: str) -> int | None:
    """How specifically ``plan`` covers the event type (0 = all types), or None if it does not."""
    if not plan.event_types:
        return 0
    event = event_types.get(event_code)
    depths = [event_types.get(c).depth for c in plan.event_types if event_types.get(c).covers(event)]
    return max(depths) if depths else None


def triggered_level(plan: PlanSpec, figures: dict) -> tuple[str | None, tuple[str, ...]]:
    rules = sorted(plan.levels, key=lambda r: LEVELS.index(r.level))
    for rule in rules:
        hits = tuple(c.describe(figures) for c in rule.conditions if c.holds(figures))
        if hits:
            return rule.level, hits
    return None, ()


def match(plans: list[PlanSpec], event_code: str, figures: dict) -> list[Match]:
    """Applicable plans, best first: triggered before not triggered, then the more specific plan
    (a 危化品 plan before the 总体预案), then the higher level."""
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValueError(f"未知的事件指标：{'、'.join(sorted(unknown))}")
    out = []
    for plan in plans:
        depth = applies(plan, event_code)
        if depth is None:
            continue
        level, hits = triggered_level(plan, figures)
        out.append(Match(plan, depth, level, hits))
    return sorted(out, key=lambda m: (m.level is None, -m.specificity,
                                      LEVELS.index(m.level) if m.level else 9, m.plan.name))
