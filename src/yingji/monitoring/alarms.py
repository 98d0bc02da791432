"""From rule-engine events to alarm records: one open alarm per (sensor, kind); repeats update it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yingji.core.framework import times
from yingji.core.framework.choices import NotificationLevel
from yingji.monitoring.models import Alarm, Sensor


def apply_events(sensors: list[Sensor], events: list[dict], kind: str = "threshold") -> dict:
    """Open, update or mark recovered the alarms for ``events`` from monitoring.rules.evaluate, where
    each event's ``sensor`` indexes ``sensors``. Returns counts of what happened."""
    counts = {"opened": 0, "updated": 0, "recovered": 0}
    if not events:
        return counts
    with transaction.atomic():
        # The open alarms of every sensor concerned, in one locked query (a batch may carry thousands
        # of events, nearly all "still normal" ones for sensors without an alarm).
        wanted = {sensors[e["sensor"]].pk for e in events}
        open_alarms = {a.sensor_id: a for a in Alarm.objects.select_for_update()
                       .filter(sensor_id__in=list(wanted), kind=kind).exclude(state="cleared")}
        for event in events:
            sensor = sensors[event["sensor"]]
            at = datetime.datetime.fromtimestamp(event["ts"], tz=datetime.UTC)
            alarm = open_alarms.get(sensor.pk)
            if event["level"] == 0:
                if alarm is not None and kind == "offline":  # reporting again: the offline alarm is over
                    _close_offline(alarm, event, at)
                    counts["recovered"] += 1
                    continue
                if alarm is not None and alarm.recovered_at is None:
                    alarm.recovered_at, alarm.last_value, alarm.last_at = at, event["value"], at
                    alarm.save(update_fields=["recovered_at", "last_value", "last_at", "updated_at"])
                    counts["recovered"] += 1
                continue
            if alarm is None:
                open_alarms[sensor.pk] = Alarm.objects.create(
                    sensor=sensor, kind=kind, level=event["level"], opened_at=at, last_at=at, first_value=event["value"],
                    peak_value=event["value"], last_value=event["value"])
                counts["opened"] += 1
                continue
            if event["kind"] in ("raise", "escalate"):  # a repeat or a worse level, not a partial recovery
                alarm.count += 1
            alarm.level = max(alarm.level, event["level"])
            alarm.last_value, alarm.last_at, alarm.recovered_at = event["value"], at, None
            better = max if sensor.rising else min
            if event["value"] is not None:
                alarm.peak_value = (better(alarm.peak_value, event["value"]) if alarm.peak_value is not None
                                    else event["value"])
            alarm.save()
            counts["updated"] += 1
    return counts


RECOVERED_MEASURES = "传感器恢复上报，系统自动消警"


def _close_offline(alarm: Alarm, event: dict, at: datetime.datetime) -> None:
    """An offline alarm whose sensor sends data again closes itself (transition ``recover``, logged as
    the system's), with what happened written where a person's 处置措施 and 报警原因 would be."""
    from yingji.core.framework import workflow

    alarm.recovered_at, alarm.last_value, alarm.last_at = at, event["value"], at
    alarm.measures = alarm.measures or RECOVERED_MEASURES
    alarm.cause = alarm.cause or "device_fault"
    alarm.save(update_fields=["recovered_at", "last_value", "last_at", "measures", "cause", "updated_at"])
    workflow.apply(None, alarm, "recover", system=True,
                   comment=f"{times.minute(at)} 恢复上报，离线报警自动消警")


ESCALATE_AFTER = (datetime.timedelta(minutes=5), datetime.timedelta(minutes=15))  # → township, → county


def escalate_unacknowledged(now=None) -> int:
    """Alarms still not acknowledged climb enterprise → township → county (危化品监测 practice)."""
    from yingji.core.framework import notify

    now = now or timezone.now()
    raised = 0
    roles_for = {1: ("township",), 2: ("staff", "duty", "leader")}
    for alarm in Alarm.objects.filter(state="raised").select_related("sensor", "region"):
        waited = now - alarm.opened_at
        target = sum(1 for limit in ESCALATE_AFTER if waited >= limit)
        if target > alarm.escalation:
            alarm.escalation = target
            alarm.save(update_fields=["escalation", "updated_at"])
            notify.notify(notify.users_responsible_for(alarm, roles_for[target]),
                          f"报警未确认，已升级至{Alarm.ESCALATION[target]}：{alarm}", level=NotificationLevel.URGENT,
                          key=f"alarm-{alarm.pk}-escalation-{target}", url=f"/registry/alarms/{alarm.pk}/",
                          body=f"{times.clock(alarm.opened_at)} 报警，{int(waited.total_seconds() // 60)} 分钟未确认。")
            raised += 1
    return raised
