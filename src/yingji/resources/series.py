"""A series for plan indicators (yingji.evaluation, through a ``SeriesSource`` in apps.py): 消防救援5分钟
响应覆盖率 from the coverage engine (dispatch.coverage_report, check ``fire5``) over a region's villages,
weighted by population. It is today's network and stations, so only the current year is given; earlier
years are entered as base statistics. An indicator is the county's figure, not one user's view: the
report is computed over every team (a station across a township border still covers the village)."""

from __future__ import annotations

from types import SimpleNamespace

# Everything in scope (access.has_global_scope reads these two flags), for the county-wide figure only.
_COUNTY_WIDE = SimpleNamespace(is_authenticated=True, is_superuser=True, scope_region_id=None,
                               scope_organization_id=None, _yingji_global_scope=True)


def fire5_coverage(region, years):
    from yingji.resources.dispatch import coverage_report

    report = coverage_report(_COUNTY_WIDE, "fire5", region, with_area=False)
    if not report.total:
        return {}
    return {y: report.share * 100 for y in years}
