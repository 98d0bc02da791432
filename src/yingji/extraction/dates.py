"""Dates in a text (2016年7月4日, 7月4日, 4日凌晨, 昨天, 2016-07-04) resolved against the text's own
date or a given reference date. A date whose year the text does not state takes the reference date's
year (the year before when it would fall after the reference date); without a reference date the
year stays unknown and the date reads "--07-04", month unknown "--" too. Pure: no Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from yingji.extraction.numbers import chinese_to_int

_NUM = r"\d{1,4}|[零〇○一二两三四五六七八九十]{1,4}"
PATTERN = re.compile(
    rf"(?:(?P<year>\d{{4}}|[零〇○一二三四五六七八九]{{4}})\s*年\s*)?(?:(?P<month>{_NUM})\s*月\s*)?(?P<day>{_NUM})\s*(?:[日号]|(?=夜间|夜里|晚上|凌晨|早晨|上午|下午|中午))"
    rf"|(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})"
    rf"|(?:(?P<my>\d{{4}}|[零〇○一二三四五六七八九]{{4}})\s*年\s*)?(?P<mo>{_NUM})\s*月\s*(?:底|初|上旬|中旬|下旬|份|中)"
    r"|(?P<yo>\d{4})\s*年(?:春季|夏季|秋季|冬季|入汛|入秋|入冬|春|夏|秋|冬|初|底)?(?=\s*(?:以来|起))"
    r"|(?<![\d.])(?P<nm>\d{1,2})\s*[·•・]\s*(?P<nd>\d{1,2})(?=\s*[”\"’」]?\s*(?:[\u4e00-\u9fff\d.]{0,12}(?:事故|爆炸|火灾|"
    r"地震|洪灾|灾害|坍塌|垮塌|泄漏|滑坡|泥石流|山洪|矿难|透水)))"
    r"|(?P<rel>今天|今日|昨天|昨日|前天|前日|今晨|昨晚|昨夜|昨凌晨|昨早|昨晨|昨午|今年|去年)")
RELATIVE_DAYS = {"今天": 0, "今日": 0, "今晨": 0, "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1, "昨凌晨": -1, "昨早": -1,
                 "昨晨": -1, "昨午": -1, "前天": -2, "前日": -2}


@dataclass(frozen=True)
class DateMention:
    iso: str  # "2016-07-04", "--07-04" (year unknown)
    start: int
    end: int
    text: str
    year_stated: bool
    named: bool = False  # the date an event is named by (“4·29”事故)


def _num(chars: str | None) -> int | None:
    if not chars:
        return None
    return int(chars) if chars.isdigit() else chinese_to_int(chars)


def _resolve(year: int | None, month: int | None, day: int, reference: dt.date | None) -> str | None:
    if reference is not None and month is None:
        month = reference.month if day <= reference.day else (reference.month - 2) % 12 + 1
        if year is None and month > reference.month:
            year = reference.year - 1
    if month is None:
        return None
    if year is None and reference is not None:
        year = reference.year if (month, day) <= (reference.month, reference.day) else reference.year - 1
    try:
        if year is None:
            dt.date(2000, month, day)
            return f"--{month:02d}-{day:02d}"
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def mentions(text: str, reference: dt.date | None = None) -> list[DateMention]:
    found = []
    for m in PATTERN.finditer(text):
        if m["rel"]:
            if m["rel"] == "今年" and reference is not None and text.startswith("以来", m.end()):
                found.append(DateMention(f"{reference.year:04d}-01", m.start(), m.end(), m.group(), False))
            if m["rel"] in RELATIVE_DAYS and reference is not None:
                day = reference + dt.timedelta(days=RELATIVE_DAYS[m["rel"]])
                found.append(DateMention(day.isoformat(), m.start(), m.end(), m.group(), False))
            continue
        if m["yo"]:  # 2009年秋季以来: the year the process began
            found.append(DateMention(m["yo"], m.start(), m.end(), m.group(), True))
            continue
        if m["mo"]:
            try:
                year, month = _num(m["my"]), _num(m["mo"])
            except ValueError:
                continue
            if not 1 <= month <= 12:
                continue
            if year is None and reference is not None:
                year = reference.year if month <= reference.month else reference.year - 1
            iso = f"{year:04d}-{month:02d}" if year else f"--{month:02d}"
            found.append(DateMention(iso, m.start(), m.end(), m.group(), m["my"] is not None))
            continue
        if m["nm"]:  # “4·29”粉尘爆炸事故: an event named by its date
            iso = _resolve(None, int(m["nm"]), int(m["nd"]), reference)
            if iso and 1 <= int(m["nm"]) <= 12:
                found.append(DateMention(iso, m.start(), m.end(), m.group(), False, named=True))
            continue
        if m["iy"]:
            iso = _resolve(int(m["iy"]), int(m["im"]), int(m["id"]), reference)
            stated = True
        else:
            try:
                year, month, day = _num(m["year"]), _num(m["month"]), _num(m["day"])
            except ValueError:
                continue
            if m["month"] is None and not re.search(r"[日号]$", m.group()):
                continue  # "12夜间" needs its month: 7月12夜间
            if m.group().endswith("号") and m["month"] is None:
                continue  # 第八号台风, 3号楼: a number, not a day
            if day is None or not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
                continue
            if m["month"] is None and m["day"].isdigit() is False and len(m["day"]) > 2 and m["day"][:2] not in ("二十", "三十"):
                continue  # 二十五日 is a day; longer Chinese numbers before 日 are not
            iso = _resolve(year, month, day, reference)
            stated = year is not None
        if iso:
            found.append(DateMention(iso, m.start(), m.end(), m.group(), stated))
    return found


_AS_OF = re.compile(r"(?:截至|截止|截止到|截至到|至|到)\s*$")
_ONSET_PLACE = re.compile(r"^[^。；;]{0,30}?(?:发生|遭受|突发|遭遇|袭击|登陆|暴发|爆发)")
# 4月底以来, 4月1日至5日: a period's start
_PERIOD_AFTER = re.compile(r"\s*(?:以来|起|至\s*[\d一二三四五六七八九十])")
# 2017-08-23 08:57:04 来源: when it was published (not 2023年8月2日16:00左右, when it happened)
_STAMP_AFTER = re.compile(r"\s*\d{1,2}:\d{2}(?!(?::\d{2})?\s*(?:左右|许|前后|时许))")
_FORECAST_BEFORE = re.compile(r"(?:预计|预报|将于|将在|有望|可能于)[^。，,；;]{0,12}$")  # 预计…将于23日…登陆: not yet
_STAMP_BEFORE = re.compile(r"(?:日期|时间|发布|更新|来源)\s*[:：]?\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:电|讯|消息|报道|发布)")  # 新华社成都7月4日电: when it was filed
_ONSET_AFTER = re.compile(r"^[^。，；,;]{0,16}?(?:发生|以来|起|遭受|突发|出现|开始|遭遇|袭击|登陆|暴发|爆发|引发|致|造成|"
                          r"时许|许|左右)")


def starts_period(text: str, d: DateMention) -> bool:
    """Does the date open a period (…以来, …至…)? Figures over a period are cumulative."""
    return bool(_PERIOD_AFTER.match(text[d.end:d.end + 4])) and not text[d.end:d.end + 2].lstrip().startswith("起")


def occurred(text: str, reference: dt.date | None = None, places: tuple[str, ...] = ()) -> DateMention | None:
    found = _occurred(text, reference, places)
    if found is not None and found.named:  # “1·20”事故: with its year where the text writes the date in full
        same = [d for d in mentions(text, reference) if d.year_stated and d.iso.endswith(found.iso[-6:])]
        return same[0] if same else found
    return found


def _occurred(text: str, reference: dt.date | None = None, places: tuple[str, ...] = ()) -> DateMention | None:
    """When it happened, of the dates not introduced by 截至 (that is the figures' date, not the event's)
    nor a dateline's: a clause that starts with a date and 以来 (4月底以来, the process's start); else the
    first date followed by an onset word (发生, 登陆 …) and one of the event's ``places``; else the first
    followed by an onset word; else the first date."""
    dates = [d for d in mentions(text, reference) if not _AS_OF.search(text[max(0, d.start - 4):d.start])
             and not _DATELINE_AFTER.match(text[d.end:d.end + 3])
             and not (d.year_stated and _STAMP_AFTER.match(text[d.end:d.end + 8]))
             and not _STAMP_BEFORE.search(text[max(0, d.start - 8):d.start])
             and not _FORECAST_BEFORE.search(text[max(0, d.start - 16):d.start])]
    for d in dates:  # "4月底以来": the start of the process
        if _PERIOD_AFTER.match(text[d.end:d.end + 4]) and (d.start == 0 or text[d.start - 1] in "，,。；\n 　"):
            return d
    for i, d in enumerate(dates):  # up to the next date: 七日…登陆台湾，九日…在福建…登陆
        window = text[d.end:min([d.end + 32] + [e.start for e in dates[i + 1:] if e.start >= d.end])]
        if places and _ONSET_PLACE.search(window) and any(p in window for p in places):
            return d
    for d in dates:
        if _ONSET_AFTER.search(text[d.end:d.end + 24]):
            return d
    return dates[0] if dates else None
