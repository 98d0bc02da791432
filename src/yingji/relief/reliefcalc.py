"""Relief arithmetic and the hours target, as a pure engine (no Django): what a household is due
under an item, which period a payment falls in (the database's one-per-period key), whether a
repeated item keeps its minimum interval, and the hours clock per township.

Plain data in, plain data out; services (services.py) read the records and call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ONE_OFF_PERIOD = "事件"


def amount(basis: str, per_unit: Decimal, *, people: int, days: int = 1) -> Decimal:
    """The yuan a household is due: per household, per person, or per person and day."""
    if people < 0 or days < 0:
        raise ValueError("人数和天数不能为负")
    per_unit = Decimal(per_unit)
    if basis == "household":
        total = per_unit
    elif basis == "person":
        total = per_unit * people
    elif basis == "person_day":
        total = per_unit * people * days
    else:
        raise ValueError(f"未知的计发方式 {basis!r}")
    return total.quantize(Decimal("0.01"))


def winter_season(day: datetime.date) -> int:
    """The 冬春 season a day belongs to, named by the year its winter begins (当年12月至次年5月;
    a day from June to November counts for the coming winter)."""
    return day.year - 1 if day.month <= 5 else day.year


def period_key(kind: str, *, event_id: int | None, onset: datetime.date | None, start: datetime.date,
               period_days: int | None) -> str:
    """The period a payment of ``kind`` starting on ``start`` falls in; one household gets an item once
    per key (a unique constraint). 冬春 is once per season, whatever the event; an item paid for a
    period (过渡期, e.g. monthly) once per period counted from the onset; anything else once per event."""
    if kind == "winter_spring":
        return f"冬春{winter_season(start)}"
    if event_id is None:
        raise ValueError("该救助项目按灾情事件发放，须指明灾情事件")
    if period_days:
        if onset is None or start < onset:
            raise ValueError("救助期起始日不能早于灾害发生日期")
        return f"E{event_id}-P{(start - onset).days // period_days + 1}"
    return f"E{event_id}-{ONE_OFF_PERIOD}"


def interval_error(previous_starts: Iterable[datetime.date], start: datetime.date, min_days: int | None) -> str | None:
    """Why a payment starting ``start`` comes too soon after an earlier one (``min_days`` apart), or None."""
    if not min_days:
        return None
    for before in previous_starts:
        gap = abs((start - before).days)
        if gap < min_days:
            return f"距上次发放（救助期起始 {before:%Y-%m-%d}）仅 {gap} 天，该项目两次发放至少间隔 {min_days} 天"
    return None


# ---- the hours target -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Household:
    id: int
    township: str
    label: str  # what the dashboard names it by (a village and a number; no personal data)
    met: Mapping[str, datetime.datetime | None]  # need -> when it was met (None: not yet)


@dataclass
class Township:
    name: str
    households: int = 0
    met: int = 0  # every need met
    on_time: int = 0  # every need met within the target
    late: list = field(default_factory=list)  # (label, hours taken or None while still waiting, missing needs)
    waiting: int = 0  # not yet met, still within the target


def fully_met_at(met: Mapping[str, datetime.datetime | None], needs: Iterable[str]) -> datetime.datetime | None:
    times = [met.get(n) for n in needs]
    return None if any(t is None for t in times) else max(times)


def hours_board(start: datetime.datetime, target_hours: Decimal | float, households: Iterable[Household],
                needs: Iterable[str], now: datetime.datetime) -> dict:
    """Per township: households needing emergency relief, how many have every need met, met in time,
    late (met after the target, or still waiting past it: with the needs still missing), waiting."""
    needs = tuple(needs)
    due = start + datetime.timedelta(hours=float(target_hours))
    towns: dict[str, Township] = {}
    for h in households:
        t = towns.setdefault(h.township, Township(h.township))
        t.households += 1
        done = fully_met_at(h.met, needs)
        missing = [n for n in needs if h.met.get(n) is None]
        if done is not None:
            t.met += 1
            if done <= due:
                t.on_time += 1
            else:
                t.late.append((h.label, round((done - start).total_seconds() / 3600, 1), []))
        elif now > due:
            t.late.append((h.label, None, missing))
        else:
            t.waiting += 1
    rows = sorted(towns.values(), key=lambda t: (-len(t.late), t.name))
    return {"start": start, "due": due, "target_hours": target_hours, "overdue": now > due,
            "households": sum(t.households for t in rows), "met": sum(t.met for t in rows),
            "on_time": sum(t.on_time for t in rows), "late": sum(len(t.late) for t in rows),
            "remaining_s": max(0, int((due - now).total_seconds())), "townships": rows}
