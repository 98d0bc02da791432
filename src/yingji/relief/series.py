"""A yearly series for plan indicators (yingji.evaluation, through a ``SeriesSource`` in apps.py): the
hours until affected people's basic living was provided for (受灾人员基本生活得到有效救助的时间) — per
灾情事件, from the relief clock's start (services.clock_start: the response's activation, else 获悉灾情)
to the first emergency-relief batch distributed; the year's value is the longest of its events."""

from __future__ import annotations

from yingji.relief.choices import Category
from yingji.relief.models import ReliefBatch
from yingji.relief.services import clock_start


def relief_hours(region, years):
    first = {}
    for batch in (ReliefBatch.objects.filter(category=Category.EMERGENCY, distributed_at__isnull=False,
                                             event__region__path__startswith=region.path,
                                             event__onset_date__year__in=list(years))
                  .select_related("event", "event__incident").order_by("distributed_at")):
        first.setdefault(batch.event_id, batch)
    out = {}
    for batch in first.values():
        start, _ = clock_start(batch.event)
        hours = max((batch.distributed_at - start).total_seconds() / 3600, 0.0)
        year = batch.event.onset_date.year
        out[year] = max(out.get(year, 0.0), hours)
    return out
