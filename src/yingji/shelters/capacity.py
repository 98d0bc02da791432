"""Capacity and occupancy of shelters (pure, no Django).

Usable capacity is the effective area divided by the per-person norm of the shelter's class (the norms
are data: rules.py), rounded down; occupancy is coloured green / amber / red against it; a full shelter
points to the nearest one of the same event with room for the household."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

GREEN, AMBER, RED = "green", "amber", "red"


def usable_capacity(effective_area_m2: int | float | Decimal, m2_per_person: int | float | Decimal) -> int:
    """People a shelter can hold: ⌊area ÷ per-person area⌋ (0 without an area)."""
    norm = Decimal(str(m2_per_person))
    if norm <= 0:
        raise ValueError("人均有效避难面积应大于 0")
    return int(math.floor(Decimal(str(effective_area_m2 or 0)) / norm))


def level(occupants: int, capacity: int, amber_ratio: Decimal | float = Decimal("0.8"),
          red_ratio: Decimal | float = Decimal("1")) -> str:
    """green below ``amber_ratio`` of capacity, amber from it, red from ``red_ratio`` (or no capacity)."""
    if capacity <= 0:
        return RED if occupants > 0 else GREEN
    share = Decimal(occupants) / Decimal(capacity)
    if share >= Decimal(str(red_ratio)):
        return RED
    if share >= Decimal(str(amber_ratio)):
        return AMBER
    return GREEN


def free(occupants: int, capacity: int) -> int:
    return max(capacity - occupants, 0)


@dataclass(frozen=True)
class Site:
    key: object
    name: str
    lon: float | None
    lat: float | None
    free: int


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def nearest_with_room(origin: Site, sites: list[Site], need: int = 1) -> tuple[Site, float] | None:
    """The located site nearest ``origin`` with room for ``need`` people, and its distance in km;
    None when no site has room (or ``origin`` has no place)."""
    if origin.lon is None or origin.lat is None:
        return None
    best = None
    for site in sites:
        if site.key == origin.key or site.free < need or site.lon is None or site.lat is None:
            continue
        d = distance_km(origin.lon, origin.lat, site.lon, site.lat)
        if best is None or d < best[1]:
            best = (site, d)
    return best
