"""The one way times reach people: in the platform's time zone (settings.TIME_ZONE, Asia/Shanghai),
to the minute, as the UI guide writes them (``2026-11-22 14:05``). Stored times are UTC (USE_TZ);
pages, papers, notifications, history and SMS all format through here (decision 0009)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """``moment`` in the platform's zone; a naive time is taken as already local."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment)


def minute(moment) -> str:
    """``2026-11-22 14:05`` (a date alone: ``2026-11-22``); "" for None."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime.datetime):
        return moment.strftime("%Y-%m-%d") if isinstance(moment, datetime.date) else str(moment)
    return local(moment).strftime("%Y-%m-%d %H:%M")


def clock(moment) -> str:
    """``14:05`` in the platform's zone; "" for None."""
    return local(moment).strftime("%H:%M") if moment is not None else ""


def short(moment) -> str:
    """``11-22 14:05`` in the platform's zone; "" for None."""
    return local(moment).strftime("%m-%d %H:%M") if moment is not None else ""


def chinese(moment) -> str:
    """``2026年11月22日14时05分`` in the platform's zone (official papers); "" for None."""
    if moment is None:
        return ""
    t = local(moment)
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"
