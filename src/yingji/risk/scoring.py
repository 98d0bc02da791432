"""Risk assessment engines (pure, no Django): LEC and the risk matrix, scales and bands as data.

Sources: the 作业条件危险性评价法 (LEC, Graham–Kinney) scales as used in Chinese 双重预防 practice
(see ../shared/design/STANDARDS.md §6): D = L × E × C with
D > 320 极其危险 → 重大 (red); 160 ≤ D ≤ 320 高度危险 → 较大 (orange); 70 ≤ D < 160 显著危险 → 一般
(yellow); D < 70 → 低 (blue), split for the record into 20 ≤ D < 70 一般危险 and D < 20 稍有危险.
Risk matrix R = L × S (1–5 each), commonly banded 20–25 重大, 15–16 较大, 9–12 一般, 1–8 低.
Provinces differ: bands are parameters (``Bands``) that a region or enterprise may configure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LEVELS = ("major", "high", "moderate", "low")
LEVEL_LABELS = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
LEVEL_COLOURS = {"major": ("红", "#d9001b"), "high": ("橙", "#ff7d00"), "moderate": ("黄", "#f7ba1e"),
                 "low": ("蓝", "#1677ff")}

LEC_L = {10: "完全可以预料", 6: "相当可能", 3: "可能但不经常", 1: "可能性小，完全意外", 0.5: "很不可能，可以设想",
         0.2: "极不可能", 0.1: "实际不可能"}
LEC_E = {10: "连续暴露", 6: "每天工作时间内暴露", 3: "每周一次或偶然暴露", 2: "每月一次暴露", 1: "每年几次暴露",
         0.5: "非常罕见地暴露"}
LEC_C = {100: "大灾难，许多人死亡", 40: "灾难，数人死亡", 15: "非常严重，一人死亡", 7: "严重，重伤", 3: "重大，致残",
         1: "引人注目，需要救护"}
LEC_DANGER = (  # (bound, inclusive, wording)
    (320, False, "极其危险，不能继续作业"), (160, True, "高度危险，要立即整改"),
              (70, True, "显著危险，需要整改"), (20, True, "一般危险，需要注意"))
LEC_DANGER_LOWEST = "稍有危险，可以接受"

MATRIX_L = {5: "很可能", 4: "可能", 3: "偶然", 2: "不大可能", 1: "极不可能"}
MATRIX_S = {5: "特别重大", 4: "重大", 3: "较大", 2: "一般", 1: "轻微"}


@dataclass(frozen=True)
class Band:
    level: str
    bound: float
    inclusive: bool  # True: value ≥ bound; False: value > bound

    def holds(self, value: float) -> bool:
        return value >= self.bound if self.inclusive else value > self.bound

    def describe(self) -> str:
        return f"{'≥' if self.inclusive else '>'} {self.bound:g}"


@dataclass(frozen=True)
class Bands:
    """Bands from the most severe down; values below the last band are 低 (low)."""

    major: Band
    high: Band
    moderate: Band

    def __post_init__(self):
        bounds = [self.major.bound, self.high.bound, self.moderate.bound]
        if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != 3:
            raise ValueError("分级阈值须从重大到一般严格递减")

    def level(self, value: float) -> tuple[str, str]:
        """(level, the rule that decided it)."""
        for band in (self.major, self.high, self.moderate):
            if band.holds(value):
                return band.level, band.describe()
        return "low", f"< {self.moderate.bound:g}"


LEC_BANDS = Bands(Band("major", 320, False), Band("high", 160, True), Band("moderate", 70, True))
MATRIX_BANDS = Bands(Band("major", 20, True), Band("high", 15, True), Band("moderate", 9, True))


@dataclass(frozen=True)
class Result:
    method: str  # "lec" or "matrix"
    inputs: dict
    value: float
    level: str
    rule: str
    explanation: str

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self.level][0]


def _scale_value(value, scale: dict, name: str) -> float:
    number = float(Decimal(str(value)))
    if number not in scale:
        allowed = "、".join(f"{k:g}" for k in scale)
        raise ValueError(f"{name} 应取标准分值之一：{allowed}（实际为 {value}）")
    return number


def lec(likelihood, exposure, consequence, bands: Bands = LEC_BANDS) -> Result:
    """D = L × E × C, graded by ``bands``."""
    L = _scale_value(likelihood, LEC_L, "L（事故发生的可能性）")
    E = _scale_value(exposure, LEC_E, "E（暴露于危险环境的频繁程度）")
    C = _scale_value(consequence, LEC_C, "C（发生事故产生的后果）")
    D = round(L * E * C, 4)
    level, rule = bands.level(D)
    return Result("lec", {"L": L, "E": E, "C": C}, D, level, rule,
                  f"D = L×E×C = {L:g}×{E:g}×{C:g} = {D:g}，{rule} → {LEVEL_LABELS[level]}（{LEVEL_COLOURS[level][0]}）；"
                  f"{lec_danger(D)}")


def lec_danger(D: float) -> str:
    """The classic five-class wording of the LEC method."""
    for bound, inclusive, text in LEC_DANGER:
        if D >= bound if inclusive else D > bound:
            return text
    return LEC_DANGER_LOWEST


def matrix(likelihood, severity, bands: Bands = MATRIX_BANDS) -> Result:
    """R = L × S on 1–5 scales, graded by ``bands``."""
    L = _scale_value(likelihood, MATRIX_L, "L（可能性）")
    S = _scale_value(severity, MATRIX_S, "S（严重程度）")
    R = L * S
    level, rule = bands.level(R)
    return Result("matrix", {"L": L, "S": S}, R, level, rule,
                  f"R = L×S = {L:g}×{S:g} = {R:g}，{rule} → {LEVEL_LABELS[level]}（{LEVEL_COLOURS[level][0]}）")


def highest(levels) -> str | None:
    """The most severe of several levels (a township or enterprise takes its highest risk point's)."""
    present = [lvl for lvl in LEVELS if lvl in set(levels)]
    return present[0] if present else None
