"""Monitoring pages and APIs: HTTP batch ingest for gateways, sensor series for charts, the live
alarm board, a sensor's live chart, and the dead-letter inspection page.

Alarm handling (确认, 处置, 消警 …) is the alarms workflow, each transition a declared operation
(POST /api/alarms/<id>/<transition>/). Nothing here writes a record by hand: each view says why it is
not an operation."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yingji.core.framework.access import has_global_scope, restrict
from yingji.core.framework.readviews import ReadAPIView, ReadView, read_page
from yingji.core.framework.rest import query_number
from yingji.monitoring import ingest
from yingji.monitoring.models import Alarm, DeadLetter, Reading, ReadingHour, ReadingMinute, Sensor
from yingji.monitoring.payload import REASONS

_ingestor = ingest.Ingestor()
MAX_BODY_BYTES = 5 * 1024 * 1024


class ReadingIngestView(APIView):
    """POST a payload in the documented shape (docs/monitoring.md); rows outside the caller's scope,
    unknown devices and bad values are refused one by one, each with its index and reason.

    Not an operation: it is the bulk telemetry path, not one action on one record — the same Ingestor
    as the MQTT workers (batched writes, rule evaluation, dead letters), a raw body up to 5 MB parsed
    by the ingest's own parser, its own permission (``report_readings``, held by gateway accounts that
    may not use pages) and its own answer: per-reading refusals with a 200 when anything was stored."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request={"application/json": {"type": "object"}}, responses={200: dict, 400: dict},
                   summary="网关批量上报监测数据", description="JSON：单条读数、读数数组或 {\"readings\": [...]}；"
                   "每条 {device, ts, value, unit?}。重复（设备+时间）不重复入库。")
    def post(self, request):
        if not request.user.has_perm("monitoring.report_readings"):
            raise PermissionDenied("本账号没有上报监测数据的权限（需要“设备网关”或管理员角色）")
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            return Response({"detail": f"单次上报不超过 {MAX_BODY_BYTES // 1024 // 1024} MB"}, status=413)
        allowed = None if has_global_scope(request.user) else set(
            restrict(Sensor.objects.all(), request.user).values_list("pk", flat=True))
        outcome = _ingestor.handle([(f"http:{request.user.get_username()}", body)], allowed=allowed)
        accepted = outcome.stored + outcome.duplicates
        data = {"received": outcome.received, "stored": outcome.stored, "duplicates": outcome.duplicates,
                "rejected": [{"index": r.index, "device": r.device, "reason": r.reason, "message": r.detail}
                             for r in outcome.rejects],
                "alarms": outcome.alarms}
        return Response(data, status=status.HTTP_400_BAD_REQUEST if outcome.rejects and not accepted else 200)


SERIES_SOURCES = ((datetime.timedelta(hours=6), Reading, "ts"), (datetime.timedelta(days=7), ReadingMinute, "bucket"),
                  (None, ReadingHour, "bucket"))


@extend_schema(parameters=[OpenApiParameter("minutes", int, description="最近多少分钟，默认 60（整数，最多一年）")],
               responses={200: dict}, summary="传感器数据曲线")
class SensorSeriesView(ReadAPIView):
    """Recent values of one sensor: raw readings up to 6 h, minute means up to 7 days, then hourly.
    Chart data (GET, it reads), so not an operation: a declared read view over the sensors."""

    read_view = ReadView("sensors")

    def get(self, request, pk):
        sensor = get_object_or_404(restrict(Sensor.objects.select_related("point"), request.user), pk=pk)
        minutes = max(1, min(query_number(request, "minutes", 60, kind=int), 60 * 24 * 366))
        span = datetime.timedelta(minutes=minutes)
        since = timezone.now() - span
        model, field = next((m, f) for limit, m, f in SERIES_SOURCES if limit is None or span <= limit)
        rows = model.objects.filter(sensor_id=sensor.pk, **{f"{field}__gte": since}).order_by(field)
        if model is Reading:
            points = [[r.ts.isoformat(), r.value] for r in rows[:20000]]
        else:
            points = [[r.bucket.isoformat(), round(r.mean, 4), r.vmin, r.vmax] for r in rows[:20000]]
        return Response({"sensor": sensor.pk, "device": sensor.device_id, "name": sensor.name, "unit": sensor.unit,
                         "resolution": {"Reading": "raw", "ReadingMinute": "minute", "ReadingHour": "hour"}[model.__name__],
                         "thresholds": sensor.thresholds(), "rising": sensor.rising, "points": points})


@read_page("alarms")
def live_board(request):
    """监测预警值守台: open alarms, updated live from the alarms feed. Not an operation: it reads; its
    buttons are the alarms' workflow operations."""
    alarms = (restrict(Alarm.objects.exclude(state="cleared"), request.user)
              .select_related("sensor__point").order_by("-level", "-last_at")[:200])
    counts = {c["status"]: c["n"] for c in
              restrict(Sensor.objects.all(), request.user).values("status").annotate(n=Count("pk"))}
    from yingji.core.framework import operations

    bulk = operations.get("alarms", "bulk-handle")  # 确认所选 / 消警所选: shown to whom may take it
    return render(request, "monitoring/live.html", {
        "alarms": alarms, "statuses": [(code, label, counts.get(code, 0)) for code, label in Sensor.STATUSES],
        "can_bulk": bulk.refused(request.user) is None, "causes": Alarm.CAUSES})


@read_page("sensors")
def sensor_chart(request, pk):
    """A sensor's live chart page: it reads (SensorSeriesView feeds it), so not an operation."""
    sensor = get_object_or_404(restrict(Sensor.objects.select_related("point"), request.user), pk=pk)
    return render(request, "monitoring/chart.html", {"sensor": sensor})


# Dead letters are not a registry and carry no region (an unknown device has none), so no scope can
# filter them: a read view of global scope (users of global scope who may view the sensors).
@read_page("sensors", scope="global")
def dead_letters(request):
    """拒收数据: counts per reason and the latest refusals (operators of the ingest). Not an operation:
    a read-only page with no actions (nothing to retry or delete here)."""
    since = timezone.now() - datetime.timedelta(days=1)
    counts = {row["reason"]: row["n"] for row in
              DeadLetter.objects.filter(received_at__gte=since).values("reason").annotate(n=Count("pk"))}
    reason = request.GET.get("reason", "")
    latest = DeadLetter.objects.filter(reason=reason) if reason in REASONS else DeadLetter.objects.all()
    return render(request, "monitoring/dead_letters.html", {
        "counts": [(code, label, counts.get(code, 0)) for code, label in REASONS.items()],
        "latest": latest.order_by("-received_at")[:200], "reason": reason})


@read_page("alarms")
def alarm_chart(request, pk):
    """The chart of an alarm's sensor (a redirect after the scope check), so not an operation."""
    from django.shortcuts import redirect

    alarm = get_object_or_404(restrict(Alarm.objects.all(), request.user), pk=pk)
    return redirect("sensor_chart", alarm.sensor_id)
