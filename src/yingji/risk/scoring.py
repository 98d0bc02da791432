"""Risk assessment engines (pure, no Django): LEC and the risk matrix, scales and band schemes as data.

Sources: the 作业条件危险性评价法 (LEC, Graham–Kinney) scales as used in Chinese 双重预防 practice
(see ../shared/design/STANDARDS.md §6): D = L × E × C with
D > 320 极其危险 → 重大 (red); 160 ≤ D ≤ 320 高度危险 → 较大 (orange); 70 ≤ D < 160 显著危险 → 一般
(yellow); D < 70 → 低 (blue), split for the record into 20 ≤ D < 70 一般危险 and D < 20 稍有危险.
Risk matrix R = L × S (1–5 each), commonly banded 20–25 重大, 15–16 较大, 9–12 一般, 1–8 低.

Provinces and enterprises differ, and not only in the numbers: real tables use two levels (一般/重大),
five (the LEC wording itself) or their own words, and say "以上" (≥) or "超过" (>) edge by edge. A
band scheme (``Bands``) is therefore any number of bands from the most severe down, each with its own
label, lower edge and edge inclusivity; the last band takes everything below. Each band also names the
platform level it counts as (``major``/``high``/``moderate``/``low``: the red/orange/yellow/blue of the
four-colour map, the 较大以上 lists and the notice cards), so every scheme still draws one map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

LEVELS = ("major", "high", "moderate", "low")  # most severe first
LEVEL_LABELS = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
LEVEL_COLOURS = {"major": ("红", "#d9001b"), "high": ("橙", "#ff7d00"), "moderate": ("黄", "#f7ba1e"),
                 "low": ("蓝", "#1677ff")}
COLOUR_LEVELS = {colour: level for level, (colour, _) in LEVEL_COLOURS.items()}  # 红 → major …

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


def _num(value) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Band:
    """One band of a scheme: values at or above (``inclusive``, 以上) or above (超过) ``bound``, and
    below the band before it. The last band of a scheme has no bound: everything below."""

    level: str  # the platform level it counts as (colour on maps, lists)
    bound: float | None = None
    inclusive: bool = True  # True: value ≥ bound (以上, 含本数); False: value > bound (超过)
    label: str = ""  # the scheme's own word (重大风险, 一般, 极其危险 …); default: the level's

    @property
    def name(self) -> str:
        return self.label or LEVEL_LABELS.get(self.level, self.level)

    def holds(self, value: float) -> bool:
        if self.bound is None:
            return True
        return value >= self.bound if self.inclusive else value > self.bound

    def describe(self) -> str:
        return f"{'≥' if self.inclusive else '>'} {_num(self.bound)}"

    def as_data(self) -> dict:
        data = {"label": self.name, "level": self.level}
        if self.bound is not None:
            data.update(bound=self.bound, inclusive=self.inclusive)
        return data


@dataclass(frozen=True)
class Bands:
    """A band scheme, most severe band first; at least two bands, the last without a bound."""

    bands: tuple[Band, ...]
    source: str = ""  # where the scheme comes from (a province's guide, the enterprise's own table)

    def __post_init__(self):
        object.__setattr__(self, "bands", tuple(self.bands))
        problem = _scheme_problem(self.bands)
        if problem:
            raise ValueError(problem)

    def classify(self, value: float) -> tuple[Band, str]:
        """(the band the value falls in, the rule that decided it)."""
        for above, band in zip((None, *self.bands), self.bands, strict=False):
            if band.bound is not None and band.holds(value):
                return band, band.describe()
            if band.bound is None:  # the lowest band: below the edge of the band above
                return band, f"{'<' if above.inclusive else '≤'} {_num(above.bound)}"
        raise AssertionError("a scheme's last band has no bound")  # pragma: no cover (checked in __post_init__)

    def level(self, value: float) -> tuple[str, str]:
        """(platform level, the rule that decided it)."""
        band, rule = self.classify(value)
        return band.level, rule

    def describe(self) -> str:
        """The scheme in words: "> 320 重大风险（红）；≥ 160 较大风险（橙）；…；< 70 低风险（蓝）"."""
        parts = []
        for above, band in zip((None, *self.bands), self.bands, strict=False):
            edge = band.describe() if band.bound is not None else f"{'<' if above.inclusive else '≤'} {_num(above.bound)}"
            parts.append(f"{edge} {band.name}（{_tag(band)}）")
        return "；".join(parts)

    def as_data(self) -> list[dict]:
        return [b.as_data() for b in self.bands]


def _tag(band: Band) -> str:
    """The colour, and the platform's word for the level where the scheme's own word differs."""
    colour = LEVEL_COLOURS[band.level][0]
    return colour if band.name == LEVEL_LABELS[band.level] else f"{LEVEL_LABELS[band.level]}，{colour}"


def _scheme_problem(bands) -> str | None:
    if len(bands) < 2:
        return "分级方案至少要有两级"
    seen = set()
    for i, band in enumerate(bands, 1):
        where = f"第 {i} 级（{band.name}）"
        if band.level not in LEVELS:
            return f"第 {i} 级的颜色等级“{band.level}”无效；可选：{LEVEL_CHOICES_TEXT}"
        last = i == len(bands)
        if last and band.bound is not None:
            return f"{where}是最低一级，不设下限（它包括其余全部数值）"
        if not last and band.bound is None:
            return f"{where}须设下限；只有最低一级不设下限"
        if band.name in seen:
            return f"等级名称“{band.name}”重复"
        seen.add(band.name)
        if i > 1:
            above = bands[i - 2]
            if not last and band.bound >= above.bound:
                return f"分级下限须从高到低严格递减：{where}的下限 {_num(band.bound)} 不低于上一级的 {_num(above.bound)}"
            if LEVELS.index(band.level) < LEVELS.index(above.level):
                return f"{where}的颜色等级不能比上一级（{above.name}）更严重"
    return None


LEVEL_CHOICES_TEXT = "、".join(f"{lvl}（{LEVEL_LABELS[lvl]}，{LEVEL_COLOURS[lvl][0]}）" for lvl in LEVELS)
BAND_KEYS = {"label", "level", "bound", "inclusive"}


def bands_from_data(raw, source: str = "") -> Bands:
    """A scheme from stored data: a list, most severe first, of
    ``{"label": "重大风险", "level": "major", "bound": 320, "inclusive": false}`` with no ``bound`` on
    the last; ``level`` may also be the colour (红/橙/黄/蓝). A ValueError names the band and the key."""
    if not isinstance(raw, list):
        raise ValueError('分级方案应为列表，从最严重的一级写起，如 [{"label": "重大风险", "level": "major", "bound": 160}, '
                         '{"label": "一般风险", "level": "moderate"}]')
    bands = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ValueError(f"第 {i} 级应为对象，如 {{\"label\": \"重大风险\", \"level\": \"major\", \"bound\": 160}}")
        unknown = set(item) - BAND_KEYS
        if unknown:
            raise ValueError(f"第 {i} 级有未知的项：{'、'.join(sorted(unknown))}；可用：label（名称）、level（颜色等级）、"
                             f"bound（下限）、inclusive（是否含下限本数）")
        label = item.get("label", "")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"第 {i} 级须填写名称（label），如“重大风险”")
        level = item.get("level")
        level = COLOUR_LEVELS.get(level, level)
        if level not in LEVELS:
            raise ValueError(f"第 {i} 级（{label.strip()}）的颜色等级（level）“{item.get('level')}”无效；"
                             f"可选：{LEVEL_CHOICES_TEXT}")
        bound = item.get("bound")
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)
                                  or not math.isfinite(bound)):
            raise ValueError(f"第 {i} 级（{label.strip()}）的下限（bound）应为数值")
        inclusive = item.get("inclusive", True)
        if not isinstance(inclusive, bool):
            raise ValueError(f"第 {i} 级（{label.strip()}）的 inclusive 应为 true（以上，含本数）或 false（超过，不含本数）")
        bands.append(Band(level, float(bound) if bound is not None else None, inclusive, label.strip()))
    return Bands(tuple(bands), source)


SOURCE_LEC = "作业条件危险性评价法（LEC）通行分级：D>320 重大，160≤D≤320 较大，70≤D<160 一般，D<70 低"
SOURCE_MATRIX = "风险矩阵法（L×S）通行分级：20–25 重大，15–16 较大，9–12 一般，1–8 低"
LEC_BANDS = Bands((Band("major", 320, False, "重大风险"), Band("high", 160, True, "较大风险"),
                   Band("moderate", 70, True, "一般风险"), Band("low", label="低风险")), SOURCE_LEC)
MATRIX_BANDS = Bands((Band("major", 20, True, "重大风险"), Band("high", 15, True, "较大风险"),
                      Band("moderate", 9, True, "一般风险"), Band("low", label="低风险")), SOURCE_MATRIX)


@dataclass(frozen=True)
class Result:
    method: str  # "lec" or "matrix"
    inputs: dict
    value: float
    level: str  # the platform level (major/high/moderate/low)
    rule: str
    explanation: str
    label: str = ""  # the scheme's own word for the band (重大风险, 一般, 稍有危险 …)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self.level][0]

    @property
    def grade_text(self) -> str:
        """"较大风险（橙）", or "重大（重大风险，红）" where the scheme's word differs from the platform's."""
        return f"{self.label or self.level_label}（{_tag(Band(self.level, label=self.label))}）"


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
    band, rule = bands.classify(D)
    return Result("lec", {"L": L, "E": E, "C": C}, D, band.level, rule,
                  f"D = L×E×C = {L:g}×{E:g}×{C:g} = {D:g}，{rule} → {band.name}（{_tag(band)}）；{lec_danger(D)}",
                  band.name)


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
    band, rule = bands.classify(R)
    return Result("matrix", {"L": L, "S": S}, R, band.level, rule,
                  f"R = L×S = {L:g}×{S:g} = {R:g}，{rule} → {band.name}（{_tag(band)}）", band.name)


def highest(levels) -> str | None:
    """The most severe of several levels (a township or enterprise takes its highest risk point's)."""
    present = [lvl for lvl in LEVELS if lvl in set(levels)]
    return present[0] if present else None
