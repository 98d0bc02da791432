"""Places named in a text, resolved against a gazetteer passed in (plain rows: code, name, level,
parent code), from province down to village where the gazetteer goes that far. A name is taken in
full (浏阳市, 大围山镇) or, for provinces and cities, by its short form (湖南, 浏阳 after 长沙); a short
county, township or village name counts only after one of its ancestors was named, since on its own
it is too often an ordinary word (通道, 合作, 东方). A name that stands for several units is resolved by
the ancestors the text names; when those do not settle it, it is listed with its candidates, not
guessed. Pure: no Django."""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LEVELS = ("province", "city", "county", "township", "village")
_AUTONOMOUS_ALIAS = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
_SUFFIXES = {
    "province": ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "林区", "特区", "县", "区", "市", "旗"),
    "township": ("街道办事处", "街道", "民族乡", "镇", "乡", "苏木"),
    "village": ("村民委员会", "居民委员会", "村委会", "社区", "居委会", "村"),
}
# The 56 nationalities' names, for short forms of autonomous units (凉山彝族自治州 → 凉山, 峨边彝族自治县 → 峨边).
_NATIONALITIES = ("汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
                  "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 "
                  "德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
_ETHNIC = re.compile("(?:" + "|".join(sorted((n + "族" for n in _NATIONALITIES), key=len, reverse=True)) + ")+$")
# Names that are units somewhere but mostly ordinary words or placeholders in a text.
_NOT_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "城区", "郊区", "矿区", "新区", "市中区",
              "城关镇", "中国", "全国", "东方", "合作", "通道", "和平", "开发区", "高新区", "新城", "江南", "城中",
              "河口", "江口", "长安", "永安", "新华", "红星", "胜利", "光明", "团结", "先锋", "建设", "人民", "中心",
              "分乡镇", "白云", "城东", "城西", "城南", "城北", "东城", "西城", "南城", "北城", "新村", "东风", "前进", "向阳"}
# Township-level units named for a state farm or forestry bureau (林业局, 农场): words in most texts.
_NOT_A_TOWNSHIP_NAME = re.compile(r"(?:局|场|公司|监狱|管理区|管委会|开发区|园区|基地)$")
# A place followed by these words names an organization (its fire brigade, its government), not where
# the event happened.
_ORG_AFTER = re.compile(r"^(?:消防|应急|救援|人民政府|政府|委员会|党委|县委|市委|省委|气象|水利|自然资源|公安|卫生|卫健|"
                        r"医院|人民医院|中医院|总队|支队|大队|防汛|防指|减灾|民政|电视台|日报|晚报|新闻|融媒|红十字|"
                        r"籍|人|户籍|地震局|交警|武警|蓝天)")
_DATELINE_BEFORE = re.compile(r"(?:新华社|中新社|中新网|人民网|央视网|央广网|记者|日电|电\s*[（(]?)\s*$")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass
class PlaceMention:
    name: str
    start: int
    end: int
    candidates: list[Unit]
    unit: Unit | None = None  # resolved; None when ambiguous
    is_organization: bool = False
    short: bool = False  # matched by its short form (浏阳 for 浏阳市)
    segment: bool = False  # names a road's stretch: 京沪高速高邮段

    @property
    def code(self) -> str | None:
        return self.unit.code if self.unit else None


@dataclass
class Gazetteer:
    units: dict[str, Unit]
    full: dict[str, list[str]] = field(default_factory=dict)  # full name → codes
    short: dict[str, list[str]] = field(default_factory=dict)  # short name → codes
    longest: int = 2
    lengths: dict[str, list[int]] = field(default_factory=dict)  # first two characters → name lengths, longest first
    _ancestors: dict[str, list[str]] = field(default_factory=dict, repr=False)  # filled as asked
    stems: set[str] = field(default_factory=set)  # township stems (石场 for 石场乡): only in a list of townships

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str | None] | dict]) -> Gazetteer:
        units: dict[str, Unit] = {}
        for row in rows:
            if isinstance(row, dict):
                row = (row["code"], row["name"], row["level"], row.get("parent") or row.get("parent_code"))
            code, name, level, parent = (str(row[0]), row[1].strip(), row[2], row[3] or None)
            units[code] = Unit(code, name, level, str(parent) if parent else None)
        gazetteer = cls(units)
        for unit in units.values():
            gazetteer._index(unit)
        return gazetteer

    def merged(self, rows: Iterable) -> Gazetteer:
        """This gazetteer plus rows (a bureau's townships and villages); a row's code replaces the same code."""
        extra = Gazetteer.from_rows(rows)
        return Gazetteer.from_rows([(u.code, u.name, u.level, u.parent) for u in {**self.units, **extra.units}.values()])

    def _index(self, unit: Unit) -> None:
        if unit.name in _NOT_NAMES or (unit.level == "township" and _NOT_A_TOWNSHIP_NAME.search(unit.name)):
            return
        self.full.setdefault(unit.name, []).append(unit.code)
        self.longest = max(self.longest, len(unit.name))
        self._length(unit.name)
        short = short_name(unit) if unit.level in ("province", "city", "county") else None  # townships, villages: full names only
        if short and short != unit.name and short not in _NOT_NAMES:
            self.short.setdefault(short, []).append(unit.code)
            self._length(short)
        alias = _AUTONOMOUS_ALIAS.get(next((k for k in _AUTONOMOUS_ALIAS if unit.name.endswith(k)), ""))
        if short and alias:  # 大理州, 漾濞县: how texts write autonomous units, as sure as the full name
            self.full.setdefault(short + alias, []).append(unit.code)
            self._length(short + alias)

        if unit.level == "township":
            for other in township_aliases(unit.name):
                if other not in _NOT_NAMES:
                    self.short.setdefault(other, []).append(unit.code)
                    self._length(other)
            stem = short_name(unit)
            if stem and stem not in _NOT_NAMES and not unit.name.endswith(("街道", "镇镇", "乡乡")):
                self.short.setdefault(stem, []).append(unit.code)
                self.stems.add(stem)
                self._length(stem)

    def _length(self, name: str) -> None:
        lengths = self.lengths.setdefault(name[:2], [])
        if len(name) not in lengths:
            lengths.append(len(name))
            lengths.sort(reverse=True)

    def ancestors(self, code: str) -> list[str]:
        known = self._ancestors.get(code)
        if known is not None:
            return known
        chain, unit = [], self.units.get(code)
        while unit is not None and unit.parent and unit.parent not in chain and unit.parent != code:
            chain.append(unit.parent)  # 儋州市 is listed as its own parent (a city without counties): stop there
            unit = self.units.get(unit.parent)
        self._ancestors[code] = chain
        return chain


def township_aliases(name: str) -> list[str]:
    """How texts also write a township: 撮镇 for 撮镇镇 (the suffix doubled in the official name), 都濡镇
    or 都濡乡 for 都濡街道 (the name before the town became a sub-district). Short forms: they count only
    after one of the township's ancestors was named."""
    if name.endswith("镇镇") or name.endswith("乡乡"):
        return [name[:-1]]
    if name.endswith("街道") and len(name) >= 4 and not name.endswith("路街道"):
        return [name[:-2] + "镇", name[:-2] + "乡"]
    if name.endswith("族乡"):  # 石场苗族彝族乡 → 石场乡
        stem = _ETHNIC.sub("", name[:-1])
        return [stem + "乡"] if len(stem) >= 2 and stem != name[:-1] else []
    return []


# After a township's stem in a list of townships: 石场、高坪等乡镇
_TOWNSHIP_LIST_AFTER = re.compile(r"^(?:[、，,和及与]|等\d*个?乡镇|等乡|等镇|两镇|两乡|乡镇)")


def short_name(unit: Unit) -> str | None:
    name = unit.name
    for suffix in _SUFFIXES.get(unit.level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    else:
        return None
    stripped = _ETHNIC.sub("", name)
    if len(stripped) >= 2:
        name = stripped
    return name if len(name) >= 2 else None


@cache
def national() -> Gazetteer:
    """Provinces, cities and counties of GB/T 2260 and the townships of 统计用区划代码 (china-division
    2.7.0: data/gazetteer_cn.csv, data/gazetteer_cn_townships.csv.gz)."""
    data = Path(__file__).with_name("data")
    with open(data / "gazetteer_cn.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with gzip.open(data / "gazetteer_cn_townships.csv.gz", "rt", encoding="utf-8") as f:
        rows += list(csv.DictReader(f))
    return Gazetteer.from_rows(rows)


def _scan(text: str, gazetteer: Gazetteer) -> list[PlaceMention]:
    """Longest names first, left to right, not overlapping."""
    found: list[PlaceMention] = []
    i, n = 0, len(text)
    full, short = gazetteer.full, gazetteer.short
    lengths_at = gazetteer.lengths
    while i < n - 1:
        for length in lengths_at.get(text[i:i + 2], ()):
            if length > n - i:
                continue
            piece = text[i:i + length]
            codes = full.get(piece)
            is_short = False
            if codes is not None and piece in short and piece not in gazetteer.stems:
                codes = codes + short[piece]  # 石场乡: a township's full name, or another's alias (石场苗族彝族乡)
            elif codes is None:
                codes = short.get(piece)
                is_short = codes is not None
            if codes and is_short and piece in gazetteer.stems:
                after = text[i + length:i + length + 8]
                if not (_TOWNSHIP_LIST_AFTER.match(after) and (after[:1] not in "、，,和及与" or "乡镇" in text[i:i + 40])):
                    codes = [c for c in codes if gazetteer.units[c].level != "township"]
            if codes:
                units = [gazetteer.units[c] for c in codes]
                mention = PlaceMention(piece, i, i + length, units)
                mention.is_organization = bool(_ORG_AFTER.match(text[i + length:i + length + 6]))
                if _DATELINE_BEFORE.search(text[max(0, i - 8):i]):
                    mention.is_organization = True
                mention.short = is_short
                mention.segment = text.startswith("段", i + length) and "高速" in text[max(0, i - 8):i]
                found.append(mention)
                i += length
                break
        else:
            i += 1
    return found


def find(text: str, gazetteer: Gazetteer, prefer: Iterable[str] = ()) -> list[PlaceMention]:
    """Every place mention, each resolved where the text (or ``prefer``, the codes of the user's own
    region) settles it."""
    mentions = _scan(text, gazetteer)
    prefer = set(prefer)
    named: set[str] = set(prefer)
    for m in mentions:  # unambiguous full names settle first
        if len(m.candidates) == 1 and not m.short:
            named.add(m.candidates[0].code)
    previous: PlaceMention | None = None
    kept: list[PlaceMention] = []
    for m in mentions:
        right_before = previous.unit.code if previous and previous.unit and previous.end >= m.start - 1 else None
        context = named | {a for c in named for a in gazetteer.ancestors(c)} | ({right_before} if right_before else set())
        fitting = [u for u in m.candidates if context.intersection(gazetteer.ancestors(u.code))]
        if right_before:
            direct = [u for u in fitting if right_before in gazetteer.ancestors(u.code)]
            fitting = direct or fitting
        short_needs_parent = m.short and any(u.level in ("county", "township", "village") for u in m.candidates)
        if short_needs_parent and not fitting:  # a short county name with none of its ancestors named: likely a word
            m.candidates = [u for u in m.candidates if u.level in ("province", "city")]
            if not m.candidates:
                continue
        nested = [u for u in (fitting or m.candidates)
                  if all(u.code == o.code or u.code in gazetteer.ancestors(o.code) for o in (fitting or m.candidates))]
        if len(fitting) == 1:
            m.unit = fitting[0]
        elif nested:  # 大理: 大理白族自治州 or its 大理市 — the enclosing unit, which the text then narrows
            m.unit = nested[0]
        elif len(m.candidates) == 1:
            m.unit = m.candidates[0]
        elif len(fitting) > 1:
            m.candidates = fitting
            deepest = max(LEVELS.index(u.level) for u in fitting)
            top = [u for u in fitting if LEVELS.index(u.level) == deepest]
            m.unit = top[0] if len(top) == 1 else None
        else:  # no ancestor named: a province's name (吉林) before a city's, a city's before a county's
            for level in ("province", "city"):
                higher = [u for u in m.candidates if u.level == level]
                if higher:
                    m.unit = higher[0] if len(higher) == 1 else None
                    break
        if m.unit:
            named.add(m.unit.code)
        kept.append(m)
        previous = m
    return kept


_EVENT_WORDS = re.compile(r"发生|遭受|遭遇|袭击|造成|致|受灾|突发|登陆|引发|突降|出现险情|灾情|坍塌|垮塌|倒塌|爆炸|起火|失火|"
                          r"着火|火灾|泄漏|侧翻|翻车|相撞|滑坡|泥石流|地震|塌方|旱情|汛情")
_FORECAST = re.compile(r"预计|预报|将于|将在")
_CAUSE = re.compile(r"受[^，。,；;]{0,12}影响")  # 受新疆东移强冷空气影响: where the weather came from
_SENTENCE = re.compile(r"[^。；;\n！？]+")


def event_sentence_places(text: str, mentions: list[PlaceMention], gazetteer: Gazetteer | None = None
                          ) -> list[PlaceMention]:
    """The places of the sentence that says where it happened: of the first two sentences that name a
    place (not an organization) and an event word (发生, 遭受, 造成 …), the one naming more places —
    a lead ("…向甘肃、江西、湖南三省下拨") is often followed by the full list."""
    found, first_named = [], None
    for sentence in _SENTENCE.finditer(text):
        if _FORECAST.search(sentence.group()):
            continue  # 预计…将在…登陆: where it may happen
        causes = [c.span() for c in _CAUSE.finditer(text, sentence.start(), sentence.end())]
        inside = [m for m in mentions if sentence.start() <= m.start < sentence.end() and not m.is_organization
                  and not any(a <= m.start < b for a, b in causes)]
        first_named = first_named or inside
        if inside and _EVENT_WORDS.search(sentence.group()):
            found.append(inside)
            if len(found) == 2:
                break
    if not found:  # no sentence says what happened where: the first that names a place (a title)
        return first_named or [m for m in mentions if not m.is_organization] or mentions
    return max(found, key=lambda group: (len({m.code or m.name for m in group}),
                                         max(LEVELS.index(m.unit.level) if m.unit else 0 for m in group)))


def event_places(mentions: list[PlaceMention], gazetteer: Gazetteer) -> list[PlaceMention]:
    """The deepest units of the mentions given (a unit whose descendant is also named drops out),
    organizations' names left out unless nothing else is named; one entry per unit."""
    places = [m for m in mentions if not m.is_organization] or mentions
    segments = [m for m in places if m.segment]
    if segments:  # 大广高速通许段: the stretch of road where it happened, not where the bus came from
        places = segments
    codes = {m.unit.code for m in places if m.unit}
    covered = {a for c in codes for a in gazetteer.ancestors(c)}
    result, seen = [], set()
    for m in places:
        key = m.unit.code if m.unit else ("?", m.name)
        if key in seen or (m.unit and m.unit.code in covered):
            continue
        if not m.unit and any(codes.intersection(gazetteer.ancestors(u.code) + [u.code]) for u in m.candidates):
            continue  # an ambiguous name one of whose readings is already placed more precisely
        seen.add(key)
        result.append(m)
    return result
