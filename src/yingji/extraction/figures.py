"""The disaster figures of a text: people (deaths, missing, injured, of which serious, trapped,
affected, relocated, needing emergency relief), houses (collapsed, damaged, with their unit), crop
area and direct loss. A number belongs to the field whose cue stands next to it in the same clause
("死亡3人", "3人死亡", "受灾人口23.3万人", "3死2伤", "死亡、失踪分别为3人、2人") and whose unit fits.

Rules (docs/decisions/0023-disaster-text-extraction.md):
- a number with a responder word before it (出动, 派出, 救援人员 …), an age, a floor, a seat, a decree
  number or a date is no figure (its unit or its context says so);
- a sentence of background statistics (全国, 今年以来, 同比, 历史同期 …) in a story about one place gives
  no figure; in a text whose lead is itself about the whole country it does;
- several candidates for one field: the largest wins — totals are at least their parts, and a later
  update of a casualty count is at least the earlier one; candidates in a 其中 (parts) clause only
  count when no other is there;
- an explicit zero (无人员伤亡, 未造成人员死亡, 无人被困) is 0 where no number is given; silence is unknown.
Pure: no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from yingji.extraction.numbers import Quantity, as_int, quantities

PEOPLE = ("people", None)
PERSON_FIELDS = ("deaths", "missing", "injured", "injured_serious", "trapped", "affected_population", "relocated",
                 "need_emergency_relief")
HOUSE_FIELDS = ("houses_collapsed", "houses_damaged")
FIELDS = PERSON_FIELDS + HOUSE_FIELDS + ("crop_affected_ha", "crop_lost_ha", "direct_loss_cny")
PARTIAL_FIELDS = ("injured_minor", "houses_damaged_severe", "houses_damaged_general")
KINDS = {**{f: PEOPLE for f in PERSON_FIELDS}, "injured_minor": PEOPLE,
         "houses_damaged_severe": ("house_间", "house_户", "house_栋", "house_处"),
         "houses_damaged_general": ("house_间", "house_户", "house_栋", "house_处"),
         "affected_population": ("people", "person_times", None),
         "relocated": ("people", "person_times", None), "need_emergency_relief": ("people", "person_times", None),
         "houses_collapsed": ("house_间", "house_户", "house_栋", "house_处"),  # 座: greenhouses, bridges
         "houses_damaged": ("house_间", "house_户", "house_栋", "house_处"),
         "crop_affected_ha": ("area_ha",), "crop_lost_ha": ("area_ha",), "direct_loss_cny": ("cny",)}
HOUSE_UNIT_ORDER = ("间", "户", "栋", "处")
LATEST_WINS: tuple[str, ...] = ()  # tried for missing and trapped: earlier parts and background counts came last

# (field, words); the longest word at a place wins, so 紧急转移安置 is not read as 转移, 受灾农作物 not as 受灾.
CUES: tuple[tuple[str | None, str], ...] = (
    (None, r"死亡失踪|死亡和失踪|遇难失踪|死亡率|伤亡|死伤"),  # sums and rates: belong to no single field
    ("deaths", r"死亡人数|遇难人数|不幸遇难|遇难|罹难|死亡|身亡|丧生|殒命|丧命|致死|亡|死"),
    ("missing", r"失踪人数|失踪|失联|下落不明"),
    ("injured_serious", r"重伤|危重|伤势严重|伤情严重|重症"),
    ("injured", r"受伤人数|受伤|伤员|伤者|负伤|伤|中毒人员|中毒"),  # the poisoned are counted among the injured
    ("injured_minor", r"轻伤|轻微伤"),  # with 重伤 they make up the injured when no total is given
    ("trapped", r"被困人员|被困|受困|围困|困在|困于"),
    ("affected_population", r"受灾人口|受灾群众|受灾人数|受灾人员|受灾"),
    ("relocated", r"紧急转移安置|转移安置|紧急转移|转移群众|安全转移|转移人员|转移|疏散"),
    ("need_emergency_relief", r"需紧急生活救助|需要紧急生活救助|紧急生活救助|需应急救助|需救助|需生活救助|应急救助"),
    ("houses_collapsed", r"倒塌房屋|房屋倒塌|倒房|倒塌|垮塌"),
    ("houses_damaged", r"损坏房屋|房屋损坏|不同程度损坏|损坏|受损房屋|房屋受损|受损"),
    ("houses_damaged_severe", r"严重损坏房屋|房屋严重损坏|严重损坏"),  # severe and general: their sum
    ("houses_damaged_general", r"一般损坏房屋|房屋一般损坏|一般损坏"),  # when no total is given
    ("crop_lost_ha", r"绝收面积|绝收"),
    ("crop_affected_ha", r"农作物不同程度受灾|农作物受灾面积|受灾农作物面积|受灾农作物|农作物受灾|受灾面积|作物受灾"),
    (None, r"成灾面积|成灾"),  # 成灾 (loss over 30%) is neither 受灾 nor 绝收
    ("direct_loss_cny", r"直接经济损失|经济损失|直接损失|损失"),
)
_CUE_FIELD = {word: field for field, words in CUES for word in words.split("|")}
_CUE = re.compile("|".join(sorted(map(re.escape, _CUE_FIELD), key=len, reverse=True)))  # longest cue at a place wins
_RESPONDER_BEFORE = re.compile(r"(?:出动|派出|调派|调集|组织|投入|抽调|动员|集结|增派|派遣|共派|参与|参加|救援人员|消防员|"
                               r"指战员|队员|官兵|民兵|干部|党员|志愿者|专家|医护人员|工作人员|警力|工作组|救援力量|核载|"
                               r"限载|载有|车上|乘客|乘员|常住人口|户籍人口|总人口|接诊|收治|救治|救出|营救|搜救|解救|成功)[^，。；,;]{0,8}$")
_BACKGROUND = re.compile(r"全国|今年以来|年以来|同比|环比|去年|历史同期|同期|近\d+年|近五年|近十年|历年|往年|平均|全年|多年")
_SENTENCE = re.compile(r"[^。；;\n！？]+")
_PARTS = re.compile(r"其中|分别为|包括")
# What may stand between a number and its cue after it: 14人全部罹难, 3名矿工被困, 7名遇难者
_FILLER = re.compile(r"不同程度|局部|及厨房|居民住房|房屋|住房|民房|驾乘|司乘|驾驶员|司机|乘员|人员|群众|村民|矿工|工人|乘客|"
                     r"学生|游客|居民|不幸|当场|先后|相继|全部|均|已|因灾|受|被|遇|等|的|名|人|\s")
_CROP_NAMED = re.compile(r"水稻|玉米|小麦|油菜|蔬菜|果树|果园|烟叶|烤烟|棉花|大豆|花生|马铃薯|茶叶|甘蔗|高粱|谷子")
_ZEROS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(?:无|未造成|没有|未发现|未有|暂无|尚无|未出现|未接到|未收到)一?(?:人员|人)?(?:伤亡|死伤)", ("deaths", "injured")),
    (r"(?:无|未造成|没有|未发现|暂无|尚无)(?:人员|人)?(?:死亡|遇难)", ("deaths",)),
    (r"(?:无|未造成|没有|未发现|暂无|尚无)(?:人员|人)?(?:受伤)", ("injured",)),
    (r"(?:无|没有|未发现|暂无|尚无)(?:人员|人)?(?:失踪|失联)", ("missing",)),
    (r"(?:无|没有|未发现|暂无|尚无)(?:人员|人)?(?:被困)", ("trapped",)),
    (r"(?:伤亡|死亡|受伤)(?:人数)?为(?:零|0)", ("deaths", "injured")),
)
_ZERO_PATTERNS = tuple((re.compile(p), fields) for p, fields in _ZEROS)


@dataclass(frozen=True)
class Figure:
    field: str
    value: int | float
    unit: str | None  # houses only: 间, 户, 栋, 处, 座
    start: int
    end: int
    text: str
    approximate: bool
    confidence: float


@dataclass(frozen=True)
class _Candidate:
    figure: Figure
    in_parts: bool
    order: int
    specific: bool = False  # its cue names the field fully (直接经济损失, not 损失)


def _cue_field(m: re.Match, q: Quantity | None = None) -> str | None:
    field = _CUE_FIELD[m.group()]
    if field == "affected_population" and q is not None and q.kind == "area_ha":
        return "crop_affected_ha"  # 110余万亩农作物不同程度受灾
    return field


def _fits(field: str, q: Quantity) -> bool:
    return q.kind in KINDS[field]


def _unit(q: Quantity) -> str | None:
    return q.kind.split("_", 1)[1] if q.kind and q.kind.startswith("house_") else None


def extract(text: str, national: bool = False) -> dict[str, Figure]:
    """The figures of a normalized text, one per field that the text gives."""
    candidates: dict[str, list[_Candidate]] = {}
    order = 0
    for sentence in _SENTENCE.finditer(text):
        s0, body = sentence.start(), sentence.group()
        if not national and _BACKGROUND.search(body):
            continue
        cues = list(_CUE.finditer(body))
        if not cues:
            continue
        numbers = [q for q in quantities(body) if q.kind not in ("time", "age", "floor", "seat", "ordinal")]
        parts_at = [m.start() for m in _PARTS.finditer(body)]
        for field, q, distance, cue in _pair(body, cues, numbers):
            order += 1
            in_parts = any(p < q.start for p in parts_at)
            window = body[max(0, q.start - 16):q.start]
            if field in ("crop_affected_ha", "crop_lost_ha") and _CROP_NAMED.search(window) and not re.search(
                    r"农作物|等", window):
                continue  # one crop's area is a part; the fields hold all crops
            value = as_int(q.value)
            confidence = round(max(0.5, 0.95 - 0.04 * distance - (0.1 if q.kind is None else 0)), 2)
            figure = Figure(field, value, _unit(q), s0 + q.start, s0 + q.end, q.text, q.approximate, confidence)
            candidates.setdefault(field, []).append(_Candidate(figure, in_parts, order, "直接" in cue))
    chosen = {field: _choose(found) for field, found in candidates.items()}
    _sum_parts(chosen, "injured", ("injured_serious", "injured_minor"), needs="injured_minor")
    _sum_parts(chosen, "houses_damaged", ("houses_damaged_severe", "houses_damaged_general"))
    for field in PARTIAL_FIELDS:
        chosen.pop(field, None)
    for pattern, fields in _ZERO_PATTERNS:
        for m in pattern.finditer(text):
            for field in fields:
                if field not in chosen:
                    chosen[field] = Figure(field, 0, None, m.start(), m.end(), m.group(), False, 0.85)
    return chosen


def _pair(body: str, cues: list[re.Match], numbers: list[Quantity]):
    """(field, quantity, distance) for each number that a cue next to it claims."""
    respective = _respectively(body, cues, numbers)
    if respective is not None:
        yield from respective
        return
    used_after = {m.start() for m in cues for q in numbers
                  if (q.kind is not None or (m.start() == q.end and m.group() in "死伤亡"))
                  and 0 <= m.start() - q.end <= 1 and not re.search(r"[，,、；：]", body[q.end:m.start()])
                  and _cue_field(m, q) and _fits(_cue_field(m, q), q)}
    for q in numbers:
        before = body[max(0, q.start - 14):q.start]
        if _RESPONDER_BEFORE.search(before):
            continue
        best = None
        for m in cues:
            field = _cue_field(m, q)
            if field is not None and not _fits(field, q):
                continue
            if m.end() <= q.start:  # cue, then number: 死亡3人
                if m.start() in used_after:
                    continue  # "6人死亡33人失踪": 死亡 has its number before it
                gap = body[m.end():q.start]
                between = [n for n in numbers if n.start >= m.end() and n.end <= q.start]
                rest = gap
                for n in between:  # the same figure in another unit may stand between (12户36间, 2.31万户、7.39万人)
                    rest = rest.replace(n.text, "", 1)
                if between and rest.strip("、 "):
                    continue
                if re.search(r"[，,（）()]", rest) or ("、" in rest and not between):
                    continue
                distance = len(rest)
                if distance > 12 or (q.kind is None and distance > 2):
                    continue
            elif m.start() >= q.end:  # number, then cue: 3人死亡, 5死38伤
                gap = body[q.end:m.start()]
                if _FILLER.sub("", gap) or (q.kind is None and (gap or m.group() not in "死伤亡")):
                    continue
                distance = len(gap) + 0.5
            else:
                continue
            if best is None or distance < best[1]:
                best = (field, distance, m)
        if best and best[0] and _fits(best[0], q):
            yield best[0], q, best[1], best[2].group()


def _respectively(body: str, cues: list[re.Match], numbers: list[Quantity]):
    """死亡、失踪、受伤人数分别为3人、2人、5人 → the cues before 分别, the numbers after it, in order."""
    m = re.search(r"分别(?:为|是|达|有)?", body)
    if not m:
        return None
    fields = [_cue_field(c) for c in cues if c.end() <= m.start()]
    after = [q for q in numbers if q.start >= m.end()]
    if len(fields) < 2 or len(fields) != len(after) or None in fields:
        return None
    return [(f, q, 1, "") for f, q in zip(fields, after, strict=True) if _fits(f, q)]


def _sum_parts(chosen: dict[str, Figure], field: str, parts: tuple[str, ...], needs: str | None = None) -> None:
    """重伤7人，轻伤25人 → 32 injured; 严重损坏 + 一般损坏 → damaged houses (in one unit), where no total is given."""
    found = [chosen[p] for p in parts if p in chosen]
    if field in chosen or not found or (needs and needs not in chosen) or len({f.unit for f in found}) > 1:
        return
    if len(found) == 1 and field.startswith("houses"):
        found_one = found[0]
        chosen[field] = Figure(field, found_one.value, found_one.unit, found_one.start, found_one.end, found_one.text,
                               found_one.approximate, found_one.confidence)
        return
    first, last = min(found, key=lambda f: f.start), max(found, key=lambda f: f.end)
    chosen[field] = Figure(field, sum(f.value for f in found), found[0].unit, first.start, last.end,
                           " + ".join(f.text for f in found), any(f.approximate for f in found),
                           round(min(f.confidence for f in found) - 0.1, 2))


def _choose(found: list[_Candidate]) -> Figure:
    whole = found  # a 其中 clause's parts are at most the total, so the largest is the total anyway
    field = whole[0].figure.field
    if field in LATEST_WINS:  # the missing are found, the trapped freed: the last count is the one that holds
        return max(whole, key=lambda c: c.order).figure
    if field == "direct_loss_cny":  # 直接经济损失 20895万元 over a headline's 损失2.1亿元
        whole = [c for c in whole if c.specific] or whole
    if whole[0].figure.unit:  # houses: the first unit in 间, 户, 栋 … order that the text uses
        units = {c.figure.unit for c in whole}
        unit = next(u for u in HOUSE_UNIT_ORDER if u in units)
        whole = [c for c in whole if c.figure.unit == unit]
    return max(whole, key=lambda c: (Decimal(str(c.figure.value)), c.order)).figure
