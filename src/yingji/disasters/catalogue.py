"""The disaster-statistics rules as data (pure: no Django): disaster types, the 快报 indicators, the
reporting clocks and the plausibility settings of 《自然灾害情况统计调查制度》(应急〔2020〕19号), read from
data/ into frozen dataclasses. Every value carries its source (document, article, date) and whether a
primary text we hold confirms it; a jurisdiction's own values come in as a plain dict
(``Rules.with_overrides``) and replace the national defaults, source and all.

Figures are stored in the unit of their ``stored_as``: ``count`` (whole people, rooms, sites …),
``hectare`` and ``decimal`` (Decimal in the displayed unit) and ``yuan`` (Decimal yuan, as decision
0012 keeps money; the form and the pages show 万元)."""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
LEVELS = ("township", "county", "city", "province", "ministry")
LEVEL_LABELS = {"township": "乡镇", "county": "县级", "city": "市级", "province": "省级", "ministry": "应急管理部"}
# The 快报 forms as the 制度's 报表目录 names them (2013 and 2019 texts; "2020版" copies): the loss form
# and its 附表. The form 救灾工作情况统计快报表 (relief work: funds, supplies) is not catalogued yet.
FORMS = {"kuaibao": "自然灾害损失情况统计快报表", "kuaibao_annex": "自然灾害损失情况统计快报表附表"}
YUAN_PER_WAN = Decimal(10000)


@dataclass(frozen=True)
class Source:
    document: str
    article: str = ""
    date: str = ""
    confirmed: bool = False
    url: str = ""
    note: str = ""

    @property
    def text(self) -> str:
        parts = [f"《{self.document.strip('《》')}》" if self.document else "", self.article, self.date]
        return " ".join(p for p in parts if p) + ("" if self.confirmed else "（未经原文核实）")


@dataclass(frozen=True)
class DisasterType:
    code: str  # sub-type the county reports: "flood", "landslide" …
    name: str
    main_code: str  # main type the city and province report: "hydro", "geological" …
    main_name: str
    event_types: tuple[str, ...]  # GB/T 35561 codes of incidents (data/event_types.csv) that open this type
    source: Source

    def matches_event_type(self, event_type: str) -> bool:
        """Whether an incident of GB/T 35561 ``event_type`` is this disaster type (the code or below it)."""
        return any(event_type.startswith(code.rstrip("0")) for code in self.event_types)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    parent: str  # the total this is a 其中 of
    pair: str  # the 累计/实时 partner
    timing: str  # "cumulative" | "realtime"
    at_most: str  # a figure this one may not exceed besides its parent (成灾 ≤ 受灾)
    children_sum: str  # "equal" | "at_most" | "": how the 其中 rows add up to this total
    form: str
    column: int
    hxl: str  # HXL hashtag and attributes
    stored_as: str  # "count" | "hectare" | "decimal" | "yuan"
    source: Source

    @property
    def header(self) -> str:
        """The column header with its unit, as the form prints it: 受灾人口（人）, 倒塌房屋（间）,
        紧急转移安置人口（人，累计）."""
        return header_with_unit(self.label, self.unit)

    @property
    def cumulative(self) -> bool:
        return self.timing == "cumulative"


def header_with_unit(label: str, unit: str) -> str:
    if label.endswith(f"（{unit}）"):
        return label
    for timing in ("累计", "实时"):
        if label.endswith(f"（{timing}）"):
            return f"{label.removesuffix(f'（{timing}）')}（{unit}，{timing}）"
    return f"{label}（{unit}）"


@dataclass(frozen=True)
class ClockRules:
    township_to_county_hours: float = 1
    county_initial_hours: float = 2
    next_level_hours: float = 2
    skip_level_threshold: int = 10  # deaths + missing at which the county reports straight up (越级)
    skip_level_hours: float = 2
    zero_report_times: dict = field(default_factory=lambda: {"county": "09:00", "city": "10:00", "province": "12:00"})
    zero_report_timezone: str = "Asia/Shanghai"
    drought_followup_days: int = 10
    followup_days: int = 7
    final_report_working_days: dict = field(default_factory=lambda: {"county": 2, "city": 3, "province": 5})
    remind_before_minutes: float = 15
    holidays: tuple[str, ...] = ()  # weekdays off (ISO dates)
    extra_workdays: tuple[str, ...] = ()  # weekend days worked (调休)
    sources: dict = field(default_factory=dict, compare=False)

    @property
    def remind_before(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.remind_before_minutes)


@dataclass(frozen=True)
class Plausibility:
    jump_ratio: float = 2.0
    jump_min_increase: float = 10
    min_photos_when_response: int = 3
    sources: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Rules:
    types: dict[str, DisasterType]
    indicators: dict[str, Indicator]  # in form and column order
    clocks: ClockRules
    plausibility: Plausibility

    def indicator(self, code: str) -> Indicator:
        return self.indicators[code]

    def name(self, code: str) -> str:
        """An indicator's unambiguous name: a 其中 row named with its total (农作物绝收面积中的粮食作物)."""
        ind = self.indicators[code]
        if not ind.parent:
            return ind.label
        return f"{self.indicators[ind.parent].label}中的{ind.label.removeprefix('其中：')}"

    def children(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.parent == code]

    def form_columns(self, form: str) -> list[Indicator]:
        return sorted((i for i in self.indicators.values() if i.form == form), key=lambda i: i.column)

    def type_for_event(self, event_type: str) -> DisasterType | None:
        """The disaster type a natural-disaster incident of GB/T 35561 ``event_type`` opens, if any:
        the most specific mapping wins (11400 干旱 before a broader code)."""
        best, depth = None, -1
        for kind in self.types.values():
            for code in kind.event_types:
                prefix = code.rstrip("0")
                if event_type.startswith(prefix) and len(prefix) > depth:
                    best, depth = kind, len(prefix)
        return best

    def with_overrides(self, overrides: dict) -> Rules:
        """These rules with a jurisdiction's values: ``{"clocks": {"followup_days": 5}, "plausibility":
        {"jump_ratio": {"value": 1.5, "source": "某县预案", "article": "5.3", "date": "2024-05-01"}}}``.
        A bare value takes the source "本级设置"; an unknown section or key is refused by name."""
        unknown = sorted(set(overrides) - {"clocks", "plausibility"})
        if unknown:
            raise ValueError(f"未知的设置分组：{'、'.join(unknown)}（可用 clocks、plausibility）")
        return replace(self, clocks=_override(self.clocks, overrides.get("clocks", {}), "clocks"),
                       plausibility=_override(self.plausibility, overrides.get("plausibility", {}), "plausibility"))


def _override(settings, given: dict, section: str):
    names = {f for f in settings.__dataclass_fields__ if f != "sources"}
    unknown = sorted(set(given) - names)
    if unknown:
        raise ValueError(f"{section} 中未知的设置：{'、'.join(unknown)}")
    values, sources = {}, dict(settings.sources)
    for name, item in given.items():
        entry = item if isinstance(item, dict) and "value" in item else {"value": item, "source": "本级设置", "confirmed": True}
        values[name] = _typed(settings, name, entry["value"], section)
        sources[name] = _source(entry)
    return replace(settings, **values, sources=sources)


def _typed(settings, name: str, value, section: str):
    current = getattr(settings, name)
    if isinstance(current, dict):
        if not isinstance(value, dict) or set(value) - set(current):
            raise ValueError(f"{section}.{name} 应为 {sorted(current)} 中各级的取值")
        return {**current, **value}
    if isinstance(current, tuple):
        return tuple(value)
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{section}.{name} 应为不小于 0 的数，实际为 {value!r}")
    if name == "jump_ratio" and value <= 1:
        raise ValueError(f"{section}.jump_ratio 应大于 1，实际为 {value!r}")
    return value


def _source(entry: dict) -> Source:
    return Source(entry.get("source", ""), entry.get("article", ""), entry.get("date", ""),
                  bool(entry.get("confirmed", False)), entry.get("url", ""), entry.get("note", ""))


def _settings(cls, section: dict):
    values, sources = {}, {}
    for name, entry in section.items():
        value = entry["value"]
        values[name] = tuple(value) if isinstance(value, list) else value
        sources[name] = _source(entry)
    return cls(**values, sources=sources)


def _csv(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _row_source(row: dict) -> Source:
    return Source(row["source"], row["article"], row["date"], row["confirmed"] == "true")


@cache
def national() -> Rules:
    """The national defaults as the data files have them."""
    types = {r["code"]: DisasterType(r["code"], r["name"], r["main_code"], r["main_name"],
                                     tuple(r["event_types"].split()), _row_source(r))
             for r in _csv("disaster_types.csv")}
    indicators = {}
    for r in _csv("indicators.csv"):
        indicators[r["code"]] = Indicator(
            r["code"], r["label"], r["unit"], r["parent"], r["pair"], r["timing"], r["at_most"], r["children_sum"],
            r["form"], int(r["column"]), r["hxl"], r["stored_as"], _row_source(r))
    rules = json.loads((DATA / "rules.json").read_text(encoding="utf-8"))
    return Rules(types, indicators, _settings(ClockRules, rules["clocks"]), _settings(Plausibility, rules["plausibility"]))


@cache
def named_list_forms() -> dict:
    """The fields of 因灾死亡失踪人口一览表 and 因灾倒塌损坏住房户一览表, in column order."""
    return {k: v for k, v in json.loads((DATA / "named_lists.json").read_text(encoding="utf-8")).items()
            if not k.startswith("_")}


def main_type(rules: Rules, type_code: str) -> tuple[str, str]:
    """(code, name) of the main type a sub-type rolls into: the county reports ``flood``, the city
    ``hydro``."""
    kind = rules.types[type_code]
    return kind.main_code, kind.main_name


def reported_type(rules: Rules, type_code: str, level: str) -> tuple[str, str]:
    """The type as ``level`` reports it: the county its sub-type, the levels above the main type."""
    if level in ("township", "county"):
        return type_code, rules.types[type_code].name
    return main_type(rules, type_code)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    """万元 for display and forms, exactly (0012: never rounded)."""
    return Decimal(yuan) / YUAN_PER_WAN
