"""Disaster facts from Chinese text (灾情信息快速提取): event type and finer type, when, where, the
people, houses, crops and loss figures, and whether the figures are cumulative — each value with the
span of the original text it came from (start, end, matched text) and a confidence.

The text may be traditional or full-width: it is matched in a normalized copy of the same length
(normalize.py), so spans are the original's. Pure: no Django; places are resolved against the
gazetteer passed in (places.national() when none is). See docs/decisions/0023-disaster-text-extraction.md."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from yingji.extraction import dates, figures, places, types
from yingji.extraction.normalize import normalize

FIGURE_FIELDS = figures.FIELDS
LABEL_FIELDS = ("event_type", "event_subtype", "occurred_date", "places") + FIGURE_FIELDS + ("cumulative",)
_CUMULATIVE = re.compile(r"累计|以来")
_NATIONAL_SUMMARY = re.compile(r"各类自然灾害|各种自然灾害|自然灾害共造成|全国自然灾害情况")
COUNTRY_CODE = "100000"  # the country as a whole (the labels' code for 全国)


@dataclass(frozen=True)
class Value:
    value: object
    start: int | None
    end: int | None
    text: str | None
    confidence: float
    approximate: bool = False
    unit: str | None = None


@dataclass(frozen=True)
class Place:
    name: str  # the unit's full name where resolved, else the name as the text writes it
    text: str  # as the text writes it
    code: str | None  # None: ambiguous, see candidates
    level: str | None
    start: int
    end: int
    confidence: float
    candidates: tuple[dict, ...] = ()


@dataclass
class Extraction:
    event_type: Value
    event_subtype: Value | None
    occurred_date: Value | None
    places: list[Place]
    figures: dict[str, Value] = field(default_factory=dict)
    cumulative: Value | None = None

    @property
    def approximate(self) -> list[str]:
        return [name for name, v in self.figures.items() if v.approximate]

    def labels(self) -> dict:
        """The flat form of the development set's labels: value or None per field."""
        result = {"event_type": self.event_type.value,
                  "event_subtype": self.event_subtype.value if self.event_subtype else None,
                  "occurred_date": self.occurred_date.value if self.occurred_date else None,
                  "places": [{"name": p.name, "code": p.code} for p in self.places],
                  "cumulative": self.cumulative.value if self.cumulative else None,
                  "approximate": self.approximate}
        for name in FIGURE_FIELDS:
            v = self.figures.get(name)
            if v is None:
                result[name] = None
            elif name in figures.HOUSE_FIELDS:
                result[name] = {"value": v.value, "unit": v.unit}
            else:
                result[name] = v.value
        return result

    def as_dict(self) -> dict:
        return {"event_type": asdict(self.event_type),
                "event_subtype": asdict(self.event_subtype) if self.event_subtype else None,
                "occurred_date": asdict(self.occurred_date) if self.occurred_date else None,
                "places": [asdict(p) for p in self.places],
                "figures": {name: asdict(v) for name, v in self.figures.items()},
                "cumulative": asdict(self.cumulative) if self.cumulative else None,
                "approximate": self.approximate}


def extract(text: str, reference_date: dt.date | None = None, gazetteer: places.Gazetteer | None = None,
            prefer_places: Iterable[str] = ()) -> Extraction:
    """Everything the text says; a field the text is silent on is absent (unknown), never guessed."""
    gazetteer = gazetteer or places.national()
    plain = normalize(text)

    guess = types.classify(plain)
    event_type = Value(guess.event_type, guess.start, guess.end, _span(text, guess.start, guess.end), guess.confidence)
    subtype = (Value(guess.subtype, guess.start, guess.end, _span(text, guess.start, guess.end), guess.confidence)
               if guess.subtype else None)

    mentions = places.find(plain, gazetteer, prefer_places)
    chosen = places.event_places(places.event_sentence_places(plain, mentions, gazetteer), gazetteer)
    where = [_place(m, text) for m in chosen]

    summary = _NATIONAL_SUMMARY.search(plain[:400])
    if summary:  # a monthly or year-to-date bulletin of all natural disasters in the country
        event_type = Value("其他", summary.start(), summary.end(), text[summary.start():summary.end()], 0.7)
        subtype = None
        where = [Place("全国", text[summary.start():summary.end()], COUNTRY_CODE, "country", summary.start(),
                       summary.end(), 0.7)]

    onset = dates.occurred(plain, reference_date, tuple(m.name for m in chosen))
    occurred = (Value(onset.iso, onset.start, onset.end, text[onset.start:onset.end], 0.8 if onset.year_stated else 0.7)
                if onset else None)

    # background statistics (全国, 今年以来 …) are dropped only from a story about one county or below
    local = not summary and bool(chosen) and all(m.unit and m.unit.level in ("county", "township", "village") for m in chosen)
    found = figures.extract(plain, national=not local)
    values = {name: Value(f.value, f.start, f.end, text[f.start:f.end], f.confidence, f.approximate, f.unit)
              for name, f in found.items()}

    # 累计 or 以来 in the sentence of a figure, a national bulletin, or an onset that opens a period:
    # cumulative; else a new event's figures
    sentences = {sentence for f in found.values() for sentence in [_sentence_of(plain, f.start)]}
    m = next((m for s in sentences for m in [_CUMULATIVE.search(s)] if m), None)
    period = onset is not None and dates.starts_period(plain, onset)  # 2009年秋季以来, 4月1日至5日
    cumulative = Value(bool(m or summary or period), m.start() if m else None, m.end() if m else None,
                       text[m.start():m.end()] if m else None, 0.8 if m or summary or period else 0.6)
    return Extraction(event_type, subtype, occurred, where, values, cumulative)


def _sentence_of(text: str, at: int) -> str:
    start = max(text.rfind(c, 0, at) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, at) for c in "。；\n") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def _span(text: str, start: int | None, end: int | None) -> str | None:
    return text[start:end] if start is not None else None


def _place(m: places.PlaceMention, text: str) -> Place:
    candidates = tuple({"code": u.code, "name": u.name, "level": u.level} for u in m.candidates) if not m.unit else ()
    return Place(m.unit.name if m.unit else m.name, text[m.start:m.end], m.code, m.unit.level if m.unit else None, m.start, m.end,
                 0.9 if m.unit and not m.short else 0.7 if m.unit else 0.3, candidates)
