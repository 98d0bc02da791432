"""The disclosure calendar of a donation campaign (pure: no Django).

Under the rules we hold from 《中华人民共和国慈善法》 (data/donation-rules.json, marked unverified where
we could not check the current text): a campaign running longer than ``long_campaign_months`` is
disclosed at least every ``periodic_months``; a full account is due within ``final_within_months``
after it ends; during the emergency stage a shorter cadence (``emergency_days``) may be set.

``calendar`` lists every disclosure that has come due or started by ``today``: (kind, period start,
period end, due date). A periodic or emergency period is due on its last day (the disclosure covers
it up to then); the final one ``final_within_months`` after the end."""

from __future__ import annotations

import calendar as _calendar
import datetime
from dataclasses import dataclass

from yingji.core.framework import rulebook
from yingji.core.framework.rulebook import Rule, with_overrides  # noqa: F401  (the apps' own name for them)


def defaults() -> dict[str, Rule]:
    return rulebook.defaults("yingji.donations", "donation-rules.json")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Due:
    kind: str  # "emergency", "periodic", "final"
    period_start: datetime.date
    period_end: datetime.date
    due: datetime.date


def calendar(start: datetime.date, today: datetime.date, *, ended: datetime.date | None = None,
             planned_end: datetime.date | None = None, emergency_until: datetime.date | None = None,
             emergency_days: int = 0, long_months: int = 6, periodic_months: int = 3,
             final_months: int = 3) -> list[Due]:
    """The disclosures of a campaign from ``start`` that have started by ``today`` (see the module)."""
    if ended is not None and ended < start:
        raise ValueError("募捐结束日期不能早于开始日期")
    out: list[Due] = []
    last = ended or today
    if emergency_days > 0 and emergency_until is not None:
        stop = min(emergency_until, last)
        begin = start
        while begin <= stop and begin <= today:
            end = min(begin + datetime.timedelta(days=emergency_days - 1), stop)
            out.append(Due("emergency", begin, end, end))
            begin = end + datetime.timedelta(days=1)
    # Periodic disclosure once the campaign runs (or is planned to run) longer than long_months.
    horizon = max(d for d in (last, planned_end or start, today if ended is None else start))
    if horizon > add_months(start, long_months):
        k = 0
        while True:
            begin = add_months(start, k * periodic_months)
            end = add_months(start, (k + 1) * periodic_months) - datetime.timedelta(days=1)
            if begin > today or begin > last:
                break
            if ended is not None and end >= ended:
                break  # the last stretch is covered by the final account
            out.append(Due("periodic", begin, end, end))
            k += 1
    if ended is not None:
        out.append(Due("final", start, ended, add_months(ended, final_months)))
    return out
