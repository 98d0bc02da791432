"""From readings to alarm records, the alarm state machine, and escalation when nobody acknowledges."""

import datetime

import numpy as np
import pytest
from django.db import IntegrityError
from django.utils import timezone

from yingji.core.models import Notification
from yingji.monitoring import alarms
from yingji.monitoring.models import Alarm
from yingji.monitoring.rules import RuleSet, State, evaluate


def feed(sensor, state, readings):
    rules = RuleSet.build([sensor.rule()])
    t0 = 1_800_000_000
    ts = np.array([t0 + t for t, _ in readings], dtype=float)
    result = evaluate(rules, state, np.zeros(len(readings), int), ts, np.array([v for _, v in readings], dtype=float))
    return alarms.apply_events([sensor], result.events)


def test_one_open_alarm_per_sensor_repeats_update_it(sensor):
    state = State.fresh(1)
    # raise at 25, escalate at 45, lower at 30 (below 40 − 2): one alarm, updated twice
    assert feed(sensor, state, [(0, 5), (10, 25), (20, 45), (30, 30)]) == {"opened": 1, "updated": 2, "recovered": 0}
    alarm = Alarm.objects.get()
    assert (alarm.level, alarm.count, alarm.first_value, alarm.peak_value, alarm.last_value) == (2, 2, 25, 45, 30)
    assert alarm.region == sensor.region and alarm.organization == sensor.organization
    assert feed(sensor, state, [(40, 10)]) == {"opened": 0, "updated": 0, "recovered": 1}  # back to normal
    alarm.refresh_from_db()
    assert alarm.recovered_at is not None and alarm.state == "raised"  # still needs a person to close it
    assert feed(sensor, state, [(50, 26)]) == {"opened": 0, "updated": 1, "recovered": 0}  # same open alarm
    assert Alarm.objects.count() == 1
    with pytest.raises(IntegrityError):
        Alarm.objects.create(sensor=sensor, kind="threshold", opened_at=timezone.now(), last_at=timezone.now())


def test_handling_flow_needs_measures_and_cause(sensor, users, api):
    feed(sensor, State.fresh(1), [(0, 25)])
    alarm = Alarm.objects.get()
    rest = api("enterprise_a")
    url = f"/api/alarms/{alarm.pk}/transitions/"
    assert rest.post(url, {"name": "clear"}, format="json").status_code == 409  # not acknowledged yet
    assert rest.post(url, {"name": "acknowledge"}, format="json").json()["state"] == "acknowledged"
    refused = rest.post(url, {"name": "clear"}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"] == "消警前须填写处置措施、报警原因"
    assert rest.patch(f"/api/alarms/{alarm.pk}/", {"measures": "关闭阀门，通风", "cause": "real"},
                      format="json").status_code == 200
    assert rest.post(url, {"name": "clear"}, format="json").json()["state"] == "cleared"
    # Cleared, a new excursion opens a new alarm.
    feed(sensor, State.fresh(1), [(100, 30)])
    assert Alarm.objects.exclude(state="cleared").count() == 1 and Alarm.objects.count() == 2


def test_unacknowledged_alarms_climb_to_township_then_county(sensor, users):
    feed(sensor, State.fresh(1), [(0, 25)])
    alarm = Alarm.objects.get()
    opened = alarm.opened_at
    assert alarms.escalate_unacknowledged(now=opened + datetime.timedelta(minutes=4)) == 0
    assert alarms.escalate_unacknowledged(now=opened + datetime.timedelta(minutes=6)) == 1
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"township_a"}
    assert alarms.escalate_unacknowledged(now=opened + datetime.timedelta(minutes=7)) == 0  # once per step
    assert alarms.escalate_unacknowledged(now=opened + datetime.timedelta(minutes=16)) == 1
    alarm.refresh_from_db()
    assert alarm.escalation == 2
    told = set(Notification.objects.filter(key__endswith="-2").values_list("user__username", flat=True))
    assert told == {"staff", "leader"}
    # The body's time is China time (it said 06:49 for an alarm raised at 14:49).
    body = Notification.objects.filter(key__endswith="-2").first().body
    assert body.startswith(timezone.localtime(opened).strftime("%H:%M")), body


def test_the_board_acknowledges_and_clears_a_selection(point, users, api, web):
    """批量确认 / 批量消警: one declared collection operation for the board and the API, per alarm in
    scope and role, all or nothing (issue 15)."""
    from yingji.monitoring.models import Sensor

    sensors = [Sensor.objects.create(device_id=f"GAS-{i}", name=f"可燃气体{i}号", point=point,
                                     quantity="combustible_gas", level1=20, level2=40) for i in range(3)]
    for s in sensors:
        feed(s, State.fresh(1), [(0, 25)])
    ids = list(Alarm.objects.order_by("pk").values_list("pk", flat=True))
    board = web("enterprise_a").get("/monitoring/live/").content.decode()
    assert 'data-testid="bulk-form"' in board and f'name="alarms" value="{ids[0]}"' in board
    page = web("enterprise_a").post("/registry/alarms/do/bulk-handle/", {"alarms": ids[:2], "action": "acknowledge"})
    assert page.status_code == 302
    assert list(Alarm.objects.order_by("pk").values_list("state", flat=True)) == ["acknowledged", "acknowledged", "raised"]
    rest = api("enterprise_a")
    missing = rest.post("/api/alarms/bulk-handle/", {"alarms": ids, "action": "clear"}, format="json")
    assert missing.status_code == 400 and set(missing.json()) >= {"measures", "cause"}
    done = rest.post("/api/alarms/bulk-handle/", {"alarms": ids, "action": "clear", "measures": "现场复核，通风",
                                                  "cause": "false"}, format="json")
    assert done.status_code == 200 and done.json()["count"] == 3
    assert set(Alarm.objects.values_list("state", flat=True)) == {"cleared"}
    # Another township's user cannot name these alarms (out of scope: unknown), a read-only role may not at all.
    for s in sensors:
        feed(s, State.fresh(1), [(500, 25)])
    fresh = list(Alarm.objects.exclude(state="cleared").values_list("pk", flat=True))
    outside = api("township_b").post("/api/alarms/bulk-handle/", {"alarms": fresh, "action": "acknowledge"},
                                      format="json")
    assert outside.status_code == 400 and "alarms" in outside.json()
    assert api("readonly").post("/api/alarms/bulk-handle/", {"alarms": fresh, "action": "acknowledge"},
                                format="json").status_code == 403
    assert set(Alarm.objects.filter(pk__in=fresh).values_list("state", flat=True)) == {"raised"}
