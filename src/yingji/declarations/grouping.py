"""Duplicate grouping of public declarations (网上申报): two declarations are the same report when they
are in the same place (the same township, or within a distance of each other), in the same time window
and their texts are similar. Groups are the connected parts of that relation (a chain of pairwise
duplicates is one group), headed by the earliest declaration.

Similarity is the Dice coefficient of the texts' character bigrams (Chinese characters, letters and
digits only; punctuation and spaces dropped): 2·|A∩B| / (|A| + |B|) over the bigram multisets, 0 to 1.
It needs no dictionary, and two people describing the same loss share its place names, its kind and
its figures. Thresholds are data (data/grouping-rules.json, "platform default, unconfirmed"), passed
in. Pure: no Django. See docs/decisions/0029-online-declaration.md."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Thresholds:
    window_hours: float
    distance_m: float
    same_township: bool
    min_similarity: float


@dataclass(frozen=True)
class Item:
    """One declaration as the engine sees it."""

    id: int
    at: dt.datetime
    text: str
    township: str | None = None  # the township's code, when the place is known to township level
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class Match:
    id: int
    similarity: float
    distance_m: float | None  # None when either has no location
    same_township: bool


def bigrams(text: str) -> Counter:
    kept = "".join(_KEEP.findall(text or "")).lower()
    if len(kept) == 1:
        return Counter([kept])
    return Counter(kept[i:i + 2] for i in range(len(kept) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character bigrams (1.0 for the same text, 0.0 for nothing shared)."""
    x, y = bigrams(a), bigrams(b)
    total = sum(x.values()) + sum(y.values())
    if total == 0:
        return 0.0
    return 2 * sum((x & y).values()) / total


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def compare(a: Item, b: Item, t: Thresholds) -> Match | None:
    """``b`` as a duplicate of ``a`` (a Match), or None: same place, same window, similar text — all three."""
    if abs((a.at - b.at).total_seconds()) > t.window_hours * 3600:
        return None
    far = None
    if None not in (a.lon, a.lat, b.lon, b.lat):
        far = distance_m(a.lon, a.lat, b.lon, b.lat)
    same_town = bool(t.same_township and a.township and a.township == b.township)
    near = far is not None and far <= t.distance_m
    if not (near or same_town):
        return None
    score = similarity(a.text, b.text)
    if score < t.min_similarity:
        return None
    return Match(b.id, round(score, 3), None if far is None else round(far, 1), same_town)


def duplicates_of(new: Item, earlier: Iterable[Item], t: Thresholds) -> list[Match]:
    """The earlier declarations ``new`` duplicates, most similar first."""
    found = [m for m in (compare(new, old, t) for old in earlier if old.id != new.id) if m is not None]
    return sorted(found, key=lambda m: (-m.similarity, m.id))


def groups(items: Sequence[Item], t: Thresholds) -> list[list[int]]:
    """Every group of two or more duplicates, as ids ordered by time (the head first); groups ordered
    by their head's time. Pairwise comparison: meant for a window's declarations, not a whole table."""
    parent = {i.id: i.id for i in items}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for n, a in enumerate(items):
        for b in items[n + 1:]:
            if compare(a, b, t) is not None:
                ra, rb = root(a.id), root(b.id)
                if ra != rb:
                    parent[rb] = ra
    order = {i.id: (i.at, i.id) for i in items}
    found: dict[int, list[int]] = {}
    for i in items:
        found.setdefault(root(i.id), []).append(i.id)
    out = [sorted(ids, key=order.__getitem__) for ids in found.values() if len(ids) > 1]
    return sorted(out, key=lambda ids: order[ids[0]])
