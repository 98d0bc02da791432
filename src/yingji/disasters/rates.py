"""Reporting rates as DHIS2 defines them (pure: no Django), per level and per township.

DHIS2 (Reporting rate summary; data set completeness and timeliness): *expected reports* are the
report slots assigned to an organisation unit for the period; *actual reports* those completed;
*actual reports on time* those completed by the timely-submission deadline; the *reporting rate* is
actual ÷ expected × 100 and the *reporting rate on time* on time ÷ expected × 100. Higher units
aggregate the counts of the units below, not their rates.

Here a slot is one report due (a township's figures to the county, a county 初报, a 续报 …) with its
due time; a slot counts as expected once it is due (or once received early), so a dashboard read in
the middle of a period does not count reports not yet due as missing. Input plain records, output
plain rows; one pass over the slots (linear)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from yingji.disasters.catalogue import LEVELS

ALL = ""  # the township of a level's total row


class Slot(NamedTuple):
    key: str  # unique: the event and the deadline key, e.g. "E12/township:青石镇"
    level: str  # "township" | "county" | …
    township: str  # "" where the slot is not a township's
    due: datetime.datetime


@dataclass(frozen=True)
class RateRow:
    level: str
    township: str  # ALL for the level's total
    expected: int
    received: int
    on_time: int
    period: str = ""  # "" unless rates were asked per period

    @property
    def late(self) -> int:
        return self.received - self.on_time

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def rate(self) -> float | None:
        """Reporting rate, %: received ÷ expected × 100 (None when nothing was expected)."""
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    def as_dict(self) -> dict:
        return {"period": self.period, "level": self.level, "township": self.township, "expected": self.expected,
                "received": self.received, "on_time": self.on_time, "late": self.late, "missing": self.missing,
                "rate": self.rate, "on_time_rate": self.on_time_rate}


def reporting_rates(slots: Iterable[Slot], received: Mapping[str, datetime.datetime], now: datetime.datetime,
                    period: Callable[[Slot], str] | None = None) -> list[RateRow]:
    """One row per (level, township) and one total per level (township ``ALL``), in period, level and
    township order; per period too when ``period`` names each slot's (e.g. its due year). ``received``
    maps a slot's key to when its report was sent; a report sent at its due time is on time."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    for slot in slots:
        sent = received.get(slot.key)
        if sent is None and slot.due > now:
            continue  # not due yet: not expected yet
        on_time = sent is not None and sent <= slot.due
        p = period(slot) if period else ""
        for key in ((p, slot.level, slot.township), (p, slot.level, ALL)) if slot.township else ((p, slot.level, ALL),):
            c = counts.setdefault(key, [0, 0, 0])
            c[0] += 1
            c[1] += sent is not None
            c[2] += on_time
    order = {level: n for n, level in enumerate(LEVELS)}
    keys = sorted(counts, key=lambda k: (k[0], order.get(k[1], len(order)), k[1], k[2]))
    return [RateRow(level, township, *counts[p, level, township], period=p) for p, level, township in keys]
