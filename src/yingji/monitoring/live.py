"""Alarm changes onto the live feed (core.live), as the dashboard and toasts draw them."""

from __future__ import annotations

from yingji.core.framework import live
from yingji.monitoring.models import Alarm


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def alarm_data(alarm: Alarm) -> dict:
    sensor = alarm.sensor
    return {"id": alarm.pk, "sensor_id": sensor.pk, "device": sensor.device_id, "sensor": sensor.name,
            "point": sensor.point.name, "unit": sensor.unit, "kind": alarm.kind, "kind_label": alarm.get_kind_display(),
            "level": alarm.level, "state": alarm.state, "state_label": alarm.get_state_display(),
            "value": alarm.last_value, "peak": alarm.peak_value, "count": alarm.count,
            "opened_at": _iso(alarm.opened_at), "last_at": _iso(alarm.last_at),
            "recovered": alarm.recovered_at is not None, "url": f"/registry/alarms/{alarm.pk}/"}


def alarm_saved(sender, instance: Alarm, **kwargs) -> None:
    """post_save hook: every alarm change — from ingest, handling or escalation — goes live."""
    live.publish("alarms", alarm_data(instance), region=instance.region, organization_id=instance.organization_id)
