"""Yearly series of natural-disaster losses for plan indicators (yingji.evaluation reads them through
``SeriesSource`` declarations in apps.py): each 灾情事件's latest submitted or accepted county report
(核报 when there is one), by the year of the disaster's onset. For a township, its own line of the
county report's breakdown. Money in 万元, as the reports speak. Officer coverage is today's."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from yingji.disasters import catalogue
from yingji.disasters.choices import ReportLevel
from yingji.disasters.models import DisasterReport
from yingji.disasters.services import DONE


def _figures(region, years):
    """{year: {figure code: total}} over the events of ``region``'s subtree (or its line of the breakdown)."""
    reports = (DisasterReport.objects.filter(level=ReportLevel.COUNTY, state__in=DONE, event__onset_date__year__in=list(years))
               .order_by("event_id", "-sequence").values_list("event_id", "event__onset_date", "event__region__path",
                                                              "figures", "breakdown"))
    seen, out = set(), defaultdict(lambda: defaultdict(Decimal))
    for event_id, onset, path, figures, breakdown in reports:
        if event_id in seen:
            continue
        seen.add(event_id)
        if region.level in ("province", "city", "county") and path.startswith(region.path):
            chosen = figures or {}
        elif region.level not in ("province", "city", "county") and region.path.startswith(path):
            chosen = next((b.get("figures") or {} for b in breakdown or [] if b.get("code") == region.code), {})
        else:
            continue
        for code, value in chosen.items():
            if value not in (None, ""):
                out[onset.year][code] += Decimal(str(value))
    return out


def _series(region, years, codes, *, wan=False):
    got = _figures(region, years)
    res = {}
    for y in years:
        total = sum((got.get(y, {}).get(c, Decimal(0)) for c in codes), Decimal(0))
        res[y] = float(catalogue.yuan_to_wan(total) if wan else total)
    return res


def deaths_missing(region, years):
    return _series(region, years, ("deaths", "missing"))


def affected_people(region, years):
    return _series(region, years, ("affected_population",))


def direct_loss(region, years):
    return _series(region, years, ("direct_loss",), wan=True)


def villages(region, years):
    from yingji.core.models import Region

    n = Region.objects.filter(level="village", path__startswith=region.path).count()
    return {y: n for y in years}


def villages_with_officer(region, years):
    from yingji.disasters.officers import DisasterOfficer

    n = (DisasterOfficer.objects.filter(active=True, region__level="village", region__path__startswith=region.path)
         .values("region").distinct().count())
    return {y: n for y in years}
