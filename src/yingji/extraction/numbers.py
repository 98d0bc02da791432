"""Numbers as Chinese texts write them: Arabic (1,234 / 3.2), Chinese (一百二十 / 两千零五 / 十几),
mixed (3.2万 / 1100余 / 12万多), approximations (约, 近, 逾, 超过, 余, 多, 左右) and ranges (3至5, 3—5,
三四), each with its unit (人, 间, 公顷, 亩, 万元 …) converted to the field's base unit: 亩 → 公顷 by
1/15, 千公顷/万公顷 → 公顷, 万元/亿元 → 元. Works on normalized text (normalize.py), so every match's
start and end are the original text's. Pure: no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "零〇○一二两三四五六七八九十百千"

# Units, longest first so 万公顷 wins over 公顷; value = (kind, factor to the base unit).
UNITS = {
    "万公顷": ("area_ha", Decimal(10_000)), "千公顷": ("area_ha", Decimal(1000)), "公顷": ("area_ha", Decimal(1)),
    "万亩": ("area_ha", Decimal(10_000) / 15), "亩": ("area_ha", Decimal(1) / 15),
    "亿元": ("cny", Decimal(100_000_000)), "万元": ("cny", Decimal(10_000)), "元": ("cny", Decimal(1)),
    "人次": ("person_times", Decimal(1)), "人": ("people", Decimal(1)), "名": ("people", Decimal(1)),
    "位": ("people", Decimal(1)), "口": ("people", Decimal(1)),
    "间": ("house_间", Decimal(1)), "户": ("house_户", Decimal(1)), "栋": ("house_栋", Decimal(1)),
    "幢": ("house_栋", Decimal(1)), "处": ("house_处", Decimal(1)), "座": ("house_座", Decimal(1)),
    "级": ("magnitude", Decimal(1)), "岁": ("age", Decimal(1)), "层": ("floor", Decimal(1)),
    "楼": ("floor", Decimal(1)), "座位": ("seat", Decimal(1)), "辆": ("vehicle", Decimal(1)),
    "艘": ("vessel", Decimal(1)), "台": ("machine", Decimal(1)), "支": ("team", Decimal(1)),
    "个": ("count", Decimal(1)), "起": ("count", Decimal(1)), "次": ("count", Decimal(1)),
    "号": ("ordinal", Decimal(1)), "毫米": ("mm", Decimal(1)), "米": ("m", Decimal(1)),
    "公里": ("km", Decimal(1)), "千米": ("km", Decimal(1)), "小时": ("hour", Decimal(1)),
    "%": ("percent", Decimal(1)), "％": ("percent", Decimal(1)),
    "头": ("livestock", Decimal(1)), "只": ("livestock", Decimal(1)),
    # dates and times: never a count of anything
    "年": ("time", Decimal(1)), "月": ("time", Decimal(1)), "日": ("time", Decimal(1)), "时": ("time", Decimal(1)),
    "点": ("time", Decimal(1)), "分": ("time", Decimal(1)), "秒": ("time", Decimal(1)), "天": ("time", Decimal(1)),
    "周": ("time", Decimal(1)), "届": ("ordinal", Decimal(1)), "批": ("count", Decimal(1)), "项": ("count", Decimal(1)),
    "家": ("count", Decimal(1)), "条": ("count", Decimal(1)), "吨": ("tonne", Decimal(1)), "立方米": ("m3", Decimal(1)),
}
_UNIT_ALT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = (r"[零〇○一二两三四五六七八九十百千万亿]*[一二两三四五六七八九十百千][零〇○一二两三四五六七八九十百千万亿]*"
            r"(?:点[零〇○一二三四五六七八九]+)?")
_MAGNITUDE = r"[十百千万亿]*"
_APPROX_BEFORE = r"约|近|逾|超过|超|将近|大约|接近|达到?|共计?|累计|高达|仅"
_APPROX_AFTER = r"余|多|以上|左右|上下|几|来"
_NUMBER = (rf"(?:(?P<arabic>{_ARABIC})(?:\s(?=[十百千万亿元人名间户]))?(?P<mag>{_MAGNITUDE})|(?P<chinese>{_CHINESE}))"
           rf"(?:(?P<range>至|到|~|～|-|—|－|－)(?:(?P<arabic2>{_ARABIC})(?P<mag2>{_MAGNITUDE})|(?P<chinese2>{_CHINESE})))?")
PATTERN = re.compile(
    rf"(?P<before>{_APPROX_BEFORE})?{_NUMBER}(?P<after>{_APPROX_AFTER})?(?P<mag3>万|亿)?(?P<after2>余|多)?"
    rf"(?P<unit>{_UNIT_ALT})?")
APPROXIMATE_WORDS = {"约", "近", "逾", "超过", "超", "将近", "大约", "接近", "余", "多", "以上", "左右", "上下", "几", "来"}


@dataclass(frozen=True)
class Quantity:
    """A number in the text: its value in the base unit of its kind, where it stands and how sure."""

    value: Decimal
    kind: str | None  # "people", "cny", "area_ha", "house_间" …; None when no unit follows
    start: int
    end: int
    text: str
    approximate: bool
    is_range: bool = False
    bare_start: int = 0  # where the digits begin (after 约/近 …)


def chinese_to_int(chars: str) -> int:
    """一百二十 → 120, 两千零五 → 2005, 三万五千 → 35000, 十二 → 12, 二〇一六 → 2016 (digit by digit)."""
    if not chars:
        raise ValueError("empty numeral")
    if all(c in DIGITS for c in chars) and len(chars) > 1:  # 二〇一六: read digit by digit
        return int("".join(str(DIGITS[c]) for c in chars))
    total, section, digit = 0, 0, None
    for c in chars:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[c]
            digit = None
        elif c in LARGE_UNITS:
            section += digit or 0
            total = (total + section) * LARGE_UNITS[c] if LARGE_UNITS[c] > 10_000 else total + section * LARGE_UNITS[c]
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {c}")
    return total + section + (digit or 0)


def _value(arabic: str | None, mag: str | None, chinese: str | None) -> tuple[Decimal, bool]:
    """The number and whether it is vague (十几, 三四 → approximate)."""
    if arabic:
        value = Decimal(arabic.replace(",", ""))
        for c in mag or "":
            value *= SMALL_UNITS.get(c) or LARGE_UNITS[c]
        return value, False
    vague = "几" in chinese
    if "点" in chinese:  # 五十二点七五 → 52.75
        whole, _, fraction = chinese.partition("点")
        return Decimal(f"{chinese_to_int(whole)}.{''.join(str(DIGITS[c]) for c in fraction)}"), vague
    if len(chinese) == 2 and chinese[0] in DIGITS and chinese[1] in DIGITS and DIGITS[chinese[1]] == DIGITS[chinese[0]] + 1:
        return Decimal(DIGITS[chinese[0]]), True  # 三四人: "three or four" → the lower, approximate
    return Decimal(chinese_to_int(chinese.replace("几", ""))), vague


def quantities(text: str) -> list[Quantity]:
    """Every number of the (normalized) text, in order."""
    found = []
    for m in PATTERN.finditer(text):
        try:
            value, vague = _value(m["arabic"], m["mag"], m["chinese"])
            is_range = bool(m["range"]) and bool(m["arabic2"] or m["chinese2"])
            if is_range:  # a range keeps its upper bound, flagged approximate (docs/decisions/0023)
                value, _ = _value(m["arabic2"], m["mag2"], m["chinese2"])
        except (ValueError, KeyError, ArithmeticError):
            continue
        if m["mag3"]:
            value *= LARGE_UNITS[m["mag3"]]
        unit = m["unit"]
        kind, factor = UNITS[unit] if unit else (None, Decimal(1))
        value *= factor
        approximate = vague or is_range or bool(
            (m["before"] in APPROXIMATE_WORDS if m["before"] else False) or m["after"] or m["after2"])
        bare = m.start("arabic") if m["arabic"] else m.start("chinese")
        found.append(Quantity(value, kind, m.start(), m.end(), m.group(), approximate, is_range, bare))
    return found


def as_int(value: Decimal) -> int | float:
    """Whole numbers as int; areas converted from 亩 rounded to 0.01 ha."""
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 2))
