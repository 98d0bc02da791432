"""From the facts of a pasted text to a form's fields (粘贴文字提取 → 填表).

Each form that offers the paste box declares, once, in the app that owns it, a :class:`FillMap`:
which of its fields takes which extracted fact, converted to what the field's input expects
(万元 for money, the GB/T 35561 code for an event type, 间 only for a field counted in 间 …). The
platform's pages ask the extraction API to fill a form by the map's key; the saving side asks the
same map what was proposed, so what the officer changed is recorded against what was shown.

Pure: no Django. The maps are registered by the apps that own the forms (this app imports none of
them); a converter that cannot fill its field from what the text says returns None (left as it is)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Proposal:
    """A value proposed for one form field, with the span of the text it came from."""

    value: str  # as the field's input takes it
    source: str  # the extraction field it came from: deaths, occurred_date, places …
    start: int | None
    end: int | None
    text: str | None
    confidence: float
    approximate: bool = False
    note: str = ""  # one line beside the field: 时间未写明, 单位为户 …

    def as_dict(self) -> dict:
        return asdict(self)


Convert = Callable[[object, str], "Proposal | None"]  # (engine.Extraction, text) -> proposal


@dataclass(frozen=True)
class Target:
    field: str  # the form field's name
    convert: Convert
    # The saved (cleaned) value in the proposal's terms before comparing (yuan → 万元 where the form
    # cleans 万元 to yuan); None: as cleaned.
    read: Callable[[object], object] | None = None
    # A field the text did not fill but the officer did counts as a miss (proposed empty) — not for a
    # field that always has a value (the time, a default), which would count every save.
    misses: bool = True


@dataclass(frozen=True)
class FillMap:
    key: str  # kebab-case, names the form in the API: incidents-intake, disaster-report, duty-log
    label: str  # the page, in Chinese: 接报登记
    targets: tuple[Target, ...] = field(default_factory=tuple)
    # extraction -> lines for the officer about the whole fill (the figures are not cumulative …)
    notes: Callable[[object], list[str]] | None = None

    def remarks(self, extraction) -> list[str]:
        return list(self.notes(extraction)) if self.notes is not None else []

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(t.field for t in self.targets)

    def propose(self, extraction, text: str) -> dict[str, Proposal]:
        out = {}
        for target in self.targets:
            proposal = target.convert(extraction, text)
            if proposal is not None:
                out[target.field] = proposal
        return out


_MAPS: dict[str, FillMap] = {}


def register(*maps: FillMap) -> None:
    for m in maps:
        if m.key in _MAPS and _MAPS[m.key] != m:
            raise ValueError(f"fill map {m.key!r} declared twice")
        _MAPS[m.key] = m


def get(key: str) -> FillMap | None:
    return _MAPS.get(key)


def maps() -> list[FillMap]:
    return list(_MAPS.values())


# ---- converters -----------------------------------------------------------------------------------

def number_text(value) -> str:
    """A Decimal or int as a form input shows it: no exponent, no trailing zeros (12.5, 3, 0.0315)."""
    d = Decimal(str(value))
    text = format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    return text


def figure(name: str, *, unit: str | None = None, scale: Decimal | int = 1) -> Convert:
    """The figure ``name`` (deaths, houses_collapsed …), divided by ``scale`` (10000: yuan → 万元);
    with ``unit``, only when the text counts it in that unit (houses in 间 or 户)."""

    def convert(extraction, text):
        v = extraction.figures.get(name)
        if v is None or (unit is not None and v.unit != unit):
            return None
        value = Decimal(str(v.value)) / Decimal(scale)
        return Proposal(number_text(value), name, v.start, v.end, v.text, v.confidence, v.approximate,
                        "约数" if v.approximate else "")

    return convert


_CLOCK = re.compile(r"^\s*(?:(?P<part>凌晨|早晨|上午|中午|下午|傍晚|晚上|夜间|夜里|晚)\s*)?(?P<h>\d{1,2})\s*(?:[时点:：])"
                    r"\s*(?:(?P<m>\d{1,2})\s*分?)?")
_AFTERNOON = ("下午", "傍晚", "晚上", "夜间", "夜里", "晚")


def occurred_at(extraction, text) -> Proposal | None:
    """The onset as ``YYYY-MM-DDTHH:MM`` (a datetime-local input), with the clock time the text writes
    right after the date (14时许, 下午3时20分, 8:30); a date without its year is not proposed."""
    v = extraction.occurred_date
    if v is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v.value)):
        return None
    clock = _CLOCK.match(text[v.end:v.end + 12]) if v.end is not None else None
    hour = minute = 0
    end = v.end
    if clock:
        hour, minute = int(clock["h"]), int(clock["m"] or 0)
        if clock["part"] in _AFTERNOON and hour < 12:
            hour += 12
        if hour > 23 or minute > 59:
            clock, hour, minute = None, 0, 0
        else:
            end = v.end + clock.end()
    span = text[v.start:end] if v.start is not None else v.text
    return Proposal(f"{v.value}T{hour:02d}:{minute:02d}", "occurred_date", v.start, end, span, v.confidence,
                    note="" if clock else "时刻未写明，请核对")


def event_code(codes: dict[str, str]) -> Convert:
    """The event type as the form's code (``codes``: the engine's label → the form's value)."""

    def convert(extraction, text):
        v = extraction.event_type
        if v is None or v.value not in codes or v.start is None:
            return None
        return Proposal(codes[v.value], "event_type", v.start, v.end, v.text, v.confidence,
                        note=f"{v.value}" + (f"（{extraction.event_subtype.value}）" if extraction.event_subtype else ""))

    return convert


def place_code(levels: Iterable[str] = ("village", "township", "county")) -> Convert:
    """The first event place resolved to one unit of ``levels`` (its code); ambiguous names are not."""
    levels = tuple(levels)

    def convert(extraction, text):
        for p in extraction.places:
            if p.code and p.level in levels:
                return Proposal(p.code, "places", p.start, p.end, p.text, p.confidence, note=p.name)
        return None

    return convert


def place_names(extraction, text) -> Proposal | None:
    """The event places as the text writes them (发生地点), joined by 、; a name standing for several
    units is kept and said so."""
    if not extraction.places:
        return None
    first = extraction.places[0]  # the span shown: the first place named
    names = "、".join(dict.fromkeys(p.text for p in extraction.places))
    ambiguous = [p.text for p in extraction.places if not p.code]
    return Proposal(names, "places", first.start, first.end, first.text,
                    min(p.confidence for p in extraction.places),
                    note=f"“{'、'.join(ambiguous)}”有多个同名区划，请核对" if ambiguous else "")


FIGURE_WORDS = (("deaths", "死亡", "人"), ("missing", "失踪", "人"), ("injured", "受伤", "人"), ("trapped", "被困", "人"),
                ("affected_population", "受灾", "人"), ("relocated", "紧急转移安置", "人"),
                ("houses_collapsed", "倒塌房屋", None), ("houses_damaged", "损坏房屋", None),
                ("crop_affected_ha", "农作物受灾", "公顷"), ("direct_loss_cny", "直接经济损失", None))


def digest(extraction, text) -> Proposal | None:
    """One line for a log: 地质灾害，大瑶镇大瑶村，2024-07-03，死亡3人、受伤5人 (what the text states)."""
    parts = [extraction.event_type.value] if extraction.event_type and extraction.event_type.start is not None else []
    if extraction.places:
        parts.append("、".join(dict.fromkeys(p.text for p in extraction.places)))
    if extraction.occurred_date is not None:
        parts.append(str(extraction.occurred_date.value))
    figures = []
    for name, word, unit in FIGURE_WORDS:
        v = extraction.figures.get(name)
        if v is None:
            continue
        if name == "direct_loss_cny":
            shown = f"{number_text(Decimal(str(v.value)) / 10000)}万元"
        else:
            shown = f"{number_text(v.value)}{unit or v.unit or ''}"
        figures.append(f"{word}{'约' if v.approximate else ''}{shown}")
    if figures:
        parts.append("、".join(figures))
    if not parts:
        return None
    return Proposal("，".join(parts), "summary", None, None, None, 0.6, note="请补充来电内容")


_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def phone_number(extraction, text) -> Proposal | None:
    """The first telephone number the text writes (a mobile, or an area code and number)."""
    m = _PHONE.search(text)
    if m is None:
        return None
    return Proposal(m.group(), "phone", m.start(), m.end(), m.group(), 0.8, note="请核对是否为报告人电话")


def whole_text(extraction, text) -> Proposal | None:
    """The text itself (a description field), as pasted."""
    if not text.strip():
        return None
    return Proposal(text.strip(), "text", None, None, None, 1.0, note="原文")


def first_of(*converts: Convert, note: str = "") -> Convert:
    """The first converter that proposes a value; ``note`` is added to the proposals of the later ones
    (a fallback the officer should look at), with their confidence lowered."""

    def convert(extraction, text):
        for i, c in enumerate(converts):
            p = c(extraction, text)
            if p is not None:
                if i and note:
                    p = replace(p, confidence=round(p.confidence * 0.7, 2), note="；".join(x for x in (p.note, note) if x))
                return p
        return None

    return convert
