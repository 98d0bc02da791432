"""Grading engines (pure: no Django).

Production-safety accidents: 生产安全事故报告和调查处理条例 (国务院令第493号) 第三条 — the grade is
decided by deaths, serious injuries (including acute industrial poisoning) and direct economic
loss; whichever criterion reaches the highest grade decides it. "以上" includes the number and
"以下" excludes it (第三条 itself says so), so 30 deaths is 特别重大 and 29 is 重大.

Natural disasters: the suggested relief response level (救助应急响应 I–IV) from a plan's
thresholds; ``NATIONAL_RELIEF`` holds 国家自然灾害救助应急预案 (2024) figures as read in
STANDARDS.md §3 (marked **verify** there). A county's plan sets its own, smaller figures.

Every answer carries the figure(s) that decided it, so the page can say why ("死亡 12 人 ≥ 10 人").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SOURCE_493 = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"

# Highest first: (grade, label, deaths ≥, serious injuries ≥, direct loss ≥ yuan)
ACCIDENT_THRESHOLDS = (
    ("especially_major", "特别重大事故", 30, 100, Decimal("100000000")),
    ("major", "重大事故", 10, 50, Decimal("50000000")),
    ("larger", "较大事故", 3, 10, Decimal("10000000")),
)
GENERAL = ("general", "一般事故")
ACCIDENT_GRADES = [(g, label) for g, label, *_ in ACCIDENT_THRESHOLDS] + [GENERAL]
# Who each grade is reported up to (第十条): the top level a report must reach.
REPORT_UP_TO = {"especially_major": "state", "major": "state", "larger": "province", "general": "city"}


@dataclass(frozen=True)
class Criterion:
    name: str  # deaths | serious_injuries | direct_loss_cny | …
    label: str
    value: object
    threshold: object  # the grade's lower bound that the value reached
    unit: str = ""

    def __str__(self):
        return f"{self.label} {_fmt(self.value)}{self.unit} ≥ {_fmt(self.threshold)}{self.unit}"


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    decided_by: tuple[Criterion, ...] = field(default_factory=tuple)
    source: str = SOURCE_493

    @property
    def reason(self) -> str:
        if not self.decided_by:
            return "各项指标均未达到较大事故标准"
        return "；".join(str(c) for c in self.decided_by)


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        if value >= 10000 and value % 10000 == 0:
            return f"{value / 10000:,.0f}万"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


def _count(name: str, value) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(f"{name} 应为非负整数")
    return int(value)


def accident_grade(deaths: int = 0, serious_injuries: int = 0, direct_loss_cny: Decimal | int | None = 0,
                   missing: int = 0) -> Grade:
    """The grade of a production-safety accident. ``missing`` people are counted with the dead while
    they are missing (the grade reported upward must not be lower than the worst case)."""
    dead = _count("deaths", deaths) + _count("missing", missing)
    hurt = _count("serious_injuries", serious_injuries)
    loss = Decimal(str(direct_loss_cny or 0))
    if loss < 0:
        raise ValueError("direct_loss_cny 不能为负")
    dead_label = "死亡（含失踪）" if missing else "死亡"
    for code, label, d, s, money in ACCIDENT_THRESHOLDS:
        hits = []
        if dead >= d:
            hits.append(Criterion("deaths", dead_label, dead, d, "人"))
        if hurt >= s:
            hits.append(Criterion("serious_injuries", "重伤（含急性工业中毒）", hurt, s, "人"))
        if loss >= money:
            hits.append(Criterion("direct_loss_cny", "直接经济损失", loss, money, "元"))
        if hits:
            return Grade(code, label, tuple(hits))
    return Grade(*GENERAL)


# ---- natural disasters: relief response level ---------------------------------------------------

RELIEF_CRITERIA = {  # name -> (label, unit)
    "deaths_missing": ("死亡和失踪", "人"),
    "relocated": ("紧急转移安置或需紧急生活救助", "人"),
    "houses_rooms": ("倒塌和严重损坏房屋", "间"),
    "houses_households": ("倒塌和严重损坏房屋", "户"),
    "drought_people": ("因旱需政府救助", "人"),
    "drought_share": ("因旱需政府救助人口占农牧业人口", ""),
}

SOURCE_RELIEF = "《国家自然灾害救助应急预案》（2024年修订）启动条件（STANDARDS.md §3，待核对原文）"
# Highest level first; a figure at or above a level's bound triggers it (以上 includes).
NATIONAL_RELIEF = (
    ("I", {"deaths_missing": 200, "relocated": 2_000_000, "houses_rooms": 300_000, "houses_households": 100_000,
           "drought_people": 4_000_000, "drought_share": 0.30}),
    ("II", {"deaths_missing": 100, "relocated": 1_000_000, "houses_rooms": 200_000, "houses_households": 70_000,
            "drought_people": 3_000_000, "drought_share": 0.25}),
    ("III", {"deaths_missing": 50, "relocated": 500_000, "houses_rooms": 100_000, "houses_households": 30_000,
             "drought_people": 2_000_000, "drought_share": 0.20}),
    ("IV", {"deaths_missing": 20, "relocated": 100_000, "houses_rooms": 10_000, "houses_households": 3_000,
            "drought_people": 1_000_000, "drought_share": 0.15}),
)
LEVEL_LABELS = {"I": "Ⅰ级响应", "II": "Ⅱ级响应", "III": "Ⅲ级响应", "IV": "Ⅳ级响应"}


@dataclass(frozen=True)
class ReliefLevel:
    level: str | None  # "I".."IV", or None: no response level triggered
    decided_by: tuple[Criterion, ...] = ()
    source: str = SOURCE_RELIEF

    @property
    def label(self) -> str:
        return LEVEL_LABELS.get(self.level, "未达到启动条件")

    @property
    def reason(self) -> str:
        return "；".join(str(c) for c in self.decided_by) if self.decided_by else "各项指标均未达到Ⅳ级响应启动条件"


def relief_level(figures: dict, thresholds=NATIONAL_RELIEF, source: str = SOURCE_RELIEF) -> ReliefLevel:
    """The highest relief response level any figure reaches under ``thresholds``.

    ``figures`` uses the keys of ``RELIEF_CRITERIA``; missing keys count as 0. ``thresholds`` is
    [(level, {criterion: lower bound})] highest first, as a plan declares it."""
    unknown = set(figures) - set(RELIEF_CRITERIA)
    if unknown:
        raise ValueError(f"未知的灾情指标：{'、'.join(sorted(unknown))}")
    for level, bounds in thresholds:
        hits = []
        for name, bound in bounds.items():
            value = figures.get(name) or 0
            if value < 0:
                raise ValueError(f"{name} 不能为负")
            if bound is not None and value >= bound:
                label, unit = RELIEF_CRITERIA[name]
                hits.append(Criterion(name, label, value, bound, unit))
        if hits:
            return ReliefLevel(level, tuple(hits), source)
    return ReliefLevel(None, (), source)
