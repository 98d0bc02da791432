"""Yearly series of production-safety accidents for plan indicators (yingji.evaluation reads them
through ``SeriesSource`` declarations in apps.py): deaths and counts by grade, by the year the
incident occurred (Asia/Shanghai), over a region's subtree. 生产安全事故 here are the 事故灾难 types
21 (工矿商贸), 22 (交通运输) and 23 (公共设施和设备) of GB/T 35561; 工矿商贸 alone are type 21."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from yingji.incidents.models import Incident

SAFETY = ("21", "22", "23")
LARGER = ("larger", "major", "especially_major")


def _yearly(region, years, prefixes, value):
    q = Q()
    for p in prefixes:
        q |= Q(event_type__startswith=p)
    rows = (Incident.objects.filter(q, region__path__startswith=region.path)
            .annotate(y=ExtractYear("occurred_at")).filter(y__in=list(years))
            .values("y").annotate(v=value).values_list("y", "v"))
    got = dict(rows)
    return {y: got.get(y) or 0 for y in years}  # no accident that year is zero, not missing


def accident_deaths(region, years):
    return _yearly(region, years, SAFETY, Sum("deaths"))


def industry_deaths(region, years):
    return _yearly(region, years, ("21",), Sum("deaths"))


def accidents(region, years):
    return _yearly(region, years, SAFETY, Count("id"))


def larger_accidents(region, years):
    return _yearly(region, years, SAFETY, Count("id", filter=Q(grade__in=LARGER)))


def forest_fires(region, years):
    return _yearly(region, years, ("171",), Count("id"))
