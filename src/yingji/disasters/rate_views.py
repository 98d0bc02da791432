"""The reporting-rate dashboard page and its API (reporting_rates.py computes; these only read)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from yingji.core.framework.readviews import read_api, read_page
from yingji.disasters import reporting_rates

READS = "disaster-reports"  # declared read views over the 灾情 reports


def _selection_or_400(params):
    from rest_framework.exceptions import ValidationError

    try:
        return reporting_rates.selection(params.get("since", ""), params.get("until", ""), params.get("type", ""),
                                         params.get("event", ""))
    except reporting_rates.SelectionError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from None


# Not an operation: a computed summary (GET), it reads.
@extend_schema(summary="灾情报送率（DHIS2 口径）：按层级和乡镇的应报、已报、及时、迟报、未报和报送率、及时率；"
                       "可按灾害发生日期（since、until）、灾害种类（type）或灾情事件（event）筛选",
               tags=["灾情管理"], responses=OpenApiTypes.OBJECT)
@read_api(READS)
def rates_api(request):
    return Response(reporting_rates.summary(request.user, _selection_or_400(request.query_params)))


# Not an operation: a dashboard page, it reads.
@read_page(READS)
def rates_page(request):
    from django.shortcuts import render

    error = None
    try:
        sel = reporting_rates.selection(*(request.GET.get(k, "") for k in ("since", "until", "type", "event")))
    except reporting_rates.SelectionError as exc:
        error, sel = f"{exc}（{exc.field}）", reporting_rates.Selection()
    indicator = request.GET.get("indicator", reporting_rates.MAP_INDICATORS[0])
    if indicator not in reporting_rates.MAP_INDICATORS:
        indicator = reporting_rates.MAP_INDICATORS[0]
    rules = reporting_rates.rules()
    s = reporting_rates.summary(request.user, sel)
    event_choices = reporting_rates.events(request.user, reporting_rates.Selection(sel.since, sel.until, sel.disaster_type))
    return render(request, "disasters/rates.html", {
        "s": s, "sel": sel, "error": error, "indicator": indicator,
        "indicators": [(c, rules.indicators[c].label, rules.indicators[c].unit) for c in reporting_rates.MAP_INDICATORS],
        "types": [(t.code, t.name) for t in rules.types.values()],
        "event_choices": event_choices.order_by("-onset_date").values_list("pk", "name")[:200],
        "map_options": {"level": "township", "attribute": f"disaster-{indicator}", "regionQuery": sel.as_query()},
        "township_view": reporting_rates.own_township(request.user) is not None,
    })
