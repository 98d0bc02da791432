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
import re
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
    """``settings`` with the values given; a dotted name (``zero_report_times.city``) sets one level of
    a per-level setting and keeps its own source under the dotted name."""
    names = {f for f in settings.__dataclass_fields__ if f != "sources"}
    unknown = sorted({n for n in given if n.split(".")[0] not in names})
    if unknown:
        raise ValueError(f"{section} 中未知的设置：{'、'.join(unknown)}")
    values, sources = {}, dict(settings.sources)
    for name, item in sorted(given.items(), key=lambda kv: "." in kv[0]):  # whole settings before one level
        entry = item if isinstance(item, dict) and "value" in item else {"value": item, "source": "本级设置", "confirmed": True}
        if "." in name:
            base, level = name.split(".", 1)
            current = values.get(base, getattr(settings, base))
            if not isinstance(current, dict) or level not in current:
                raise ValueError(f"{section} 中未知的设置：{name}")
            values[base] = _typed(replace(settings, **{base: current}), base, {level: entry["value"]}, section)
        else:
            values[name] = _typed(settings, name, entry["value"], section)
        sources[name] = _source(entry)
    return replace(settings, **values, sources=sources)


def _typed(settings, name: str, value, section: str):
    current = getattr(settings, name)
    if isinstance(current, dict):
        if not isinstance(value, dict) or set(value) - set(current):
            raise ValueError(f"{section}.{name} 应为 {sorted(current)} 中各级的取值")
        for level, item in value.items():
            if name == "zero_report_times":
                _time_of_day(item, f"{section}.{name}.{level}")
            elif not _whole(item):
                raise ValueError(f"{section}.{name}.{level} 应为不小于 0 的整数，实际为 {item!r}")
        return {**current, **value}
    if isinstance(current, tuple):
        return tuple(value)
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{section}.{name} 应为不小于 0 的数，实际为 {value!r}")
        if settings.__dataclass_fields__[name].type == "int" and not _whole(value):
            raise ValueError(f"{section}.{name} 应为整数，实际为 {value!r}")
    if name == "jump_ratio" and value <= 1:
        raise ValueError(f"{section}.jump_ratio 应大于 1，实际为 {value!r}")
    return int(value) if settings.__dataclass_fields__[name].type == "int" else value


def _whole(value) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float)) and value >= 0
            and float(value).is_integer())


def _time_of_day(value, name: str) -> str:
    if not (isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value)):
        raise ValueError(f"{name} 应为“时:分”（如 09:00），实际为 {value!r}")
    return value


# ---- a jurisdiction's own values, as rows of text (the DisasterRule registry) ------------------------

@dataclass(frozen=True)
class LocalSetting:
    """A rule a city or county may set for itself: where it sits in the rules, its Chinese name and
    unit, and how its text reads (``int``: whole number, ``number``, ``time``: 时:分)."""
    key: str  # the setting's name, dotted for one level of a per-level setting: zero_report_times.city
    section: str  # "clocks" | "plausibility"
    label: str
    unit: str
    kind: str = "number"
    positive: bool = True  # 0 is refused (a 0-hour clock or a 0-day interval means nothing)


LOCAL_SETTINGS = {s.key: s for s in (
    LocalSetting("township_to_county_hours", "clocks", "乡镇向县级报送时限", "小时"),
    LocalSetting("county_initial_hours", "clocks", "县级初报时限（获悉后）", "小时"),
    LocalSetting("next_level_hours", "clocks", "市级、省级初报时限（收到下级报告后）", "小时"),
    LocalSetting("skip_level_threshold", "clocks", "越级报送门槛（死亡和失踪人数合计）", "人", "int"),
    LocalSetting("skip_level_hours", "clocks", "越级报送时限", "小时"),
    LocalSetting("zero_report_times.county", "clocks", "24小时零报告报送时间（县级）", "时:分", "time"),
    LocalSetting("zero_report_times.city", "clocks", "24小时零报告报送时间（市级）", "时:分", "time"),
    LocalSetting("zero_report_times.province", "clocks", "24小时零报告报送时间（省级）", "时:分", "time"),
    LocalSetting("drought_followup_days", "clocks", "干旱灾害续报间隔", "天", "int"),
    LocalSetting("followup_days", "clocks", "续报间隔（干旱以外）", "天", "int"),
    LocalSetting("final_report_working_days.county", "clocks", "县级核报时限（灾情稳定后）", "个工作日", "int"),
    LocalSetting("final_report_working_days.city", "clocks", "市级核报时限（收到县级核报后）", "个工作日", "int"),
    LocalSetting("final_report_working_days.province", "clocks", "省级核报时限（收到市级核报后）", "个工作日", "int"),
    LocalSetting("remind_before_minutes", "clocks", "到期前提醒", "分钟"),
    LocalSetting("jump_ratio", "plausibility", "累计数跳增倍数（超过须书面说明）", "倍"),
    LocalSetting("jump_min_increase", "plausibility", "计为跳增的最小增加量", "指标自身单位", positive=False),
    LocalSetting("min_photos_when_response", "plausibility", "启动应急响应时报告最少照片数", "张", "int", positive=False),
)}


def local_setting_choices() -> list[tuple[str, str]]:
    """(key, 名称（单位）) of every rule a jurisdiction may set: the choices of DisasterRule.key."""
    return [(s.key, f"{s.label}（{s.unit}）") for s in LOCAL_SETTINGS.values()]


def parse_local(key: str, text: str):
    """A jurisdiction's value as typed (text) → the value the rules take; ValueError in words."""
    setting = LOCAL_SETTINGS.get(key)
    if setting is None:
        raise ValueError(f"没有名为“{key}”的灾情报送规则")
    text = str(text).strip()
    name = f"「{setting.label}」"
    if setting.kind == "time":
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
            raise ValueError(f"{name}应为“时:分”，如 09:00，实际为“{text}”")
        return text
    try:
        number = Decimal(text)
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(f"{name}应为数字（{setting.unit}），实际为“{text}”")
    if setting.kind == "int" and number != number.to_integral_value():
        raise ValueError(f"{name}应为整数（{setting.unit}），实际为“{text}”")
    if number < 0 or (setting.positive and number == 0):
        raise ValueError(f"{name}应{'大于' if setting.positive else '不小于'} 0，实际为“{text}”")
    if key == "jump_ratio" and number <= 1:
        raise ValueError(f"{name}应大于 1，实际为“{text}”")
    return int(number) if setting.kind == "int" else float(number)


def local_overrides(entries) -> dict:
    """The overrides (``Rules.with_overrides``) of a jurisdiction's rows, given from the farthest
    region to the nearest (province, city, county): a nearer region's value for a key wins. Each
    entry: key, value (text), source, article, date, confirmed, note."""
    out: dict[str, dict] = {}
    for entry in entries:
        setting = LOCAL_SETTINGS[entry["key"]]
        out.setdefault(setting.section, {})[setting.key] = {
            "value": parse_local(setting.key, entry["value"]), "source": entry.get("source", ""),
            "article": entry.get("article", ""), "date": entry.get("date", ""),
            "confirmed": bool(entry.get("confirmed", False)), "note": entry.get("note", "")}
    return out


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
