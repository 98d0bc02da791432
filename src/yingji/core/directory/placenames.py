"""Which region an address names (pure): "大瑶镇大瑶村三组" → 大瑶村 of 大瑶镇.

A caller on the phone gives an address, not a code. The platform's own region table is the
gazetteer: a region is named in the text by its full name (大瑶村) or by its name without the
administrative suffix (大瑶), where two characters or more remain. A short name inside a longer
name of another region does not count (the 大瑶 in 大瑶镇 is the town, not 大瑶村). Among the
regions named, the answer is the one whose ancestors the text also names most, then the deepest;
two different answers that tie are ambiguous and returned as such, for the user to pick on the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Longest first, so 街道办事处 is cut before 街道 and 村民委员会 before 村.
SUFFIXES = ("街道办事处", "村民委员会", "居民委员会", "村委会", "居委会", "街道", "社区", "管委会", "开发区",
            "自治县", "县", "市", "区", "镇", "乡", "村")
MIN_SHORT = 2  # a name cut shorter than this would match too much


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    parent: str | None  # the parent's code
    depth: int  # county 0, township 1, village 2 (any increasing scale)


@dataclass(frozen=True)
class Found:
    place: Place | None  # None when ambiguous
    named: tuple[Place, ...] = ()  # the place and its ancestors that the text names, top first
    candidates: tuple[Place, ...] = field(default=())  # when ambiguous: the tied places

    @property
    def ambiguous(self) -> bool:
        return self.place is None


def aliases(name: str) -> list[str]:
    """The full name and, where the rest is long enough, the name without its suffix."""
    out = [name]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            out.append(name[: -len(suffix)])
            break
    return out


def _mentions(text: str, places: list[Place]) -> dict[str, set[tuple[int, int]]]:
    """Code -> the spans of ``text`` naming that place; a short name swallowed by another place's
    longer name is dropped."""
    spans = []  # (start, end, place)
    for place in places:
        for alias in aliases(place.name):
            start = text.find(alias)
            while start >= 0:
                spans.append((start, start + len(alias), place))
                start = text.find(alias, start + 1)
    kept: dict[str, set[tuple[int, int]]] = {}
    for start, end, place in spans:
        swallowed = any(s <= start and end <= e and (e - s) > (end - start) and other.code != place.code
                        for s, e, other in spans)
        if not swallowed:
            kept.setdefault(place.code, set()).add((start, end))
    return kept


def resolve(text: str, places: list[Place]) -> Found | None:
    """The region ``text`` names, or None when it names none of ``places``."""
    text = "".join((text or "").split())
    if not text:
        return None
    by_code = {p.code: p for p in places}

    def chain(place: Place) -> list[Place]:
        out = [place]
        while out[-1].parent in by_code:
            out.append(by_code[out[-1].parent])
        return out[::-1]

    spans = _mentions(text, places)
    # Words naming a place and its ancestor alike (大瑶 for 大瑶镇 and 大瑶村) name the ancestor.
    named = {code: by_code[code] for code, own in spans.items()
             if not any(own <= spans.get(a.code, set()) for a in chain(by_code[code])[:-1])}
    if not named:
        return None

    def score(place: Place) -> tuple[int, int]:
        return sum(p.code in named for p in chain(place)), place.depth

    best = max(score(p) for p in named.values())
    top = sorted((p for p in named.values() if score(p) == best), key=lambda p: p.code)
    if len(top) > 1:
        return Found(None, candidates=tuple(top))
    return Found(top[0], named=tuple(p for p in chain(top[0]) if p.code in named))
