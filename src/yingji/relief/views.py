"""The hours dashboard (灾后基本生活救助时限) per event and township: a page and its API. Not operations:
computed summaries (GET), they read (services.hours_board computes)."""

from __future__ import annotations

from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from yingji.core.framework.readviews import read_api, read_page
from yingji.disasters.models import DisasterEvent
from yingji.relief import services

READS = "relief-beneficiaries"  # both read the beneficiaries' relief (declared read views)


def _event(user, raw):
    if not raw:
        return None
    if not str(raw).isdigit():
        raise ValidationError({"event": ["灾情事件应为编号（整数）"]})
    event = DisasterEvent.objects.for_user(user).filter(pk=int(raw)).first()
    if event is None:
        raise NotFound("没有该灾情事件，或不在您的管辖范围内")
    return event


def _as_json(board) -> dict:
    rule = board["rule"]
    return {"event": board["event"].pk, "start": board["start"], "started_by": board["started_by"], "due": board["due"],
            "target_hours": str(board["target_hours"]), "rule": {"source": rule.source, "confirmed": rule.confirmed,
                                                                 "note": rule.note},
            "overdue": board["overdue"], "remaining_s": board["remaining_s"], "households": board["households"],
            "met": board["met"], "on_time": board["on_time"], "late": board["late"],
            "townships": [{"name": t.name, "households": t.households, "met": t.met, "on_time": t.on_time,
                           "waiting": t.waiting, "late": [{"household": label, "hours": hours,
                                                           "missing": [board["needs"][n] for n in missing]}
                                                          for label, hours, missing in t.late]}
                          for t in board["townships"]]}


@extend_schema(summary="灾后基本生活救助时限：某灾情事件需紧急生活救助的受灾户，按乡镇统计已得到食、饮用水、衣被、"
                       "临时住所、医疗救助的户数、按时户数和超时户数", tags=["生活救助"], responses=OpenApiTypes.OBJECT,
               parameters=[OpenApiParameter("event", int, required=True, description="灾情事件编号")])
@read_api(READS)
def hours_api(request):
    event = _event(request.user, request.query_params.get("event"))
    if event is None:
        raise ValidationError({"event": ["请指明灾情事件（event）"]})
    return Response(_as_json(services.hours_board(request.user, event)))


@read_page(READS)
def hours_page(request):
    events = DisasterEvent.objects.for_user(request.user).filter(beneficiaries__isnull=False).distinct()
    raw = request.GET.get("event") or (events.order_by("-onset_date").values_list("pk", flat=True).first() or "")
    error, board = None, None
    try:
        event = _event(request.user, raw)
        board = services.hours_board(request.user, event) if event else None
    except (ValidationError, NotFound) as exc:
        error = "；".join(str(m) for m in (exc.detail.values() if isinstance(exc.detail, dict) else [exc.detail]))
    return render(request, "relief/hours.html", {"board": board, "error": error,
                                                 "events": events.order_by("-onset_date").values_list("pk", "name")[:200]})
