"""The ingest service: validation with located reasons, dead letters, idempotent batched storage,
aggregates, rule state across batches, rate and offline alarms, live events."""

import datetime
import json

import pytest

from yingji.core.models import LiveEvent
from yingji.monitoring import ingest, storage
from yingji.monitoring.models import Alarm, DeadLetter, Reading, ReadingHour, ReadingMinute, Sensor

T0 = 1_795_000_020.0  # 2026-11-18 03:07 UTC, on a minute boundary


def msg(*readings, topic="yingji/v1/gateways/gw1/readings"):
    return (topic, json.dumps({"readings": list(readings)}).encode())


def r(t, value, device="GAS-1", **extra):
    return {"device": device, "ts": T0 + t, "value": value, **extra}


@pytest.fixture
def ingestor():
    return ingest.Ingestor()


def test_readings_are_stored_once_and_aggregated(sensor, ingestor):
    batch = [msg(r(0, 5.0), r(10, 7.0), r(20, 3.0), r(70, 9.0))]
    out = ingestor.handle(batch, now=T0 + 60)
    assert (out.received, out.stored, out.duplicates, sum(out.rejected.values())) == (4, 4, 0, 0)
    again = ingestor.handle(batch, now=T0 + 60)  # a redelivered message changes nothing
    assert (again.stored, again.duplicates) == (0, 4)
    assert Reading.objects.count() == 4
    at = datetime.datetime.fromtimestamp
    storage.refresh_aggregates(at(T0, tz=datetime.UTC), at(T0 + 3600, tz=datetime.UTC))
    storage.refresh_aggregates(at(T0, tz=datetime.UTC), at(T0 + 3600, tz=datetime.UTC))  # idempotent
    minutes = {m.bucket.timestamp(): (m.n, m.total, m.vmin, m.vmax) for m in ReadingMinute.objects.all()}
    assert minutes == {T0: (3, 15.0, 3.0, 7.0), T0 + 60: (1, 9.0, 9.0, 9.0)}
    hour = ReadingHour.objects.get()
    assert (hour.n, hour.total, hour.mean) == (4, 24.0, 6.0)
    sensor.refresh_from_db()
    assert sensor.last_value == 9.0 and sensor.last_seen.timestamp() == T0 + 70


def test_bad_input_is_refused_with_its_reason_and_kept_and_the_rest_goes_in(sensor, point, ingestor):
    Sensor.objects.create(device_id="OFF-1", name="停用", point=point, quantity="temperature", status="disabled")
    messages = [
        ("yingji/v1/readings/GAS-1", b"{not json"),
        msg(r(0, 5.0), r(1, 5.0, device="NOPE-9"), r(2, 5.0, unit="ppm"), r(3, float("nan")), r(4, "high"),
            r(100_000, 5.0), {"ts": T0, "value": 1}, r(5, 1.0, device="OFF-1"), r(6, 6.0, unit="%LEL"), "x"),
    ]
    out = ingestor.handle(messages, now=T0 + 60)
    assert out.stored == 2  # the first reading and the one with the right unit
    assert dict(out.rejected) == {"bad_json": 1, "unknown_device": 1, "wrong_unit": 1, "not_number": 2,
                                  "future_time": 1, "bad_shape": 2, "disabled": 1}
    located = {(x.reason, x.index) for x in out.rejects}
    assert {("unknown_device", 1), ("wrong_unit", 2), ("not_number", 3), ("future_time", 5), ("bad_shape", 9)} <= located
    assert DeadLetter.objects.count() == 9
    wrong = DeadLetter.objects.get(reason="wrong_unit")
    assert wrong.device_id == "GAS-1" and "ppm" in wrong.detail and "%LEL" in wrong.detail
    assert json.loads(wrong.payload)["unit"] == "ppm"
    assert DeadLetter.objects.get(reason="bad_json").payload == "{not json"


def test_out_of_scope_devices_are_refused_for_a_scoped_sender(sensor, ingestor):
    out = ingestor.handle([msg(r(0, 5.0))], allowed=set(), now=T0 + 60)
    assert out.stored == 0 and out.rejected == {"out_of_scope": 1}


def test_rule_state_carries_across_batches_and_workers(sensor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ingest.Ingestor().handle([msg(r(0, 5.0), r(10, 25.0))], now=T0 + 60)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.level, alarm.count, alarm.first_value) == ("threshold", 1, 1, 25.0)
    event = LiveEvent.objects.get(channel="alarms")
    assert event.data["id"] == alarm.pk and event.data["level"] == 1 and event.region == sensor.region
    # a second worker (fresh Ingestor) continues from the stored state: 21 stays inside level 1
    ingest.Ingestor().handle([msg(r(20, 21.0), r(30, 45.0))], now=T0 + 60)
    alarm.refresh_from_db()
    assert (alarm.level, alarm.count, alarm.peak_value) == (2, 2, 45.0)
    # a late reading (older than the last evaluated) is stored but raises nothing
    out = ingest.Ingestor().handle([msg(r(25, 99.0))], now=T0 + 60)
    alarm.refresh_from_db()
    assert out.stored == 1 and alarm.peak_value == 45.0 and alarm.count == 2
    ingest.Ingestor().handle([msg(r(40, 3.0))], now=T0 + 60)
    alarm.refresh_from_db()
    assert alarm.recovered_at is not None and alarm.state == "raised"  # recovered, still to be handled


def test_rate_of_change_alarm(sensor, ingestor):
    Sensor.objects.filter(pk=sensor.pk).update(max_rate_per_min=6.0)
    ingestor.handle([msg(r(0, 1.0), r(60, 2.0), r(120, 9.0))], now=T0 + 200)  # +7 in a minute
    alarm = Alarm.objects.get(kind="rate")
    assert alarm.last_value == 9.0
    ingestor.handle([msg(r(180, 10.0))], now=T0 + 200)
    alarm.refresh_from_db()
    assert alarm.recovered_at is not None


def test_silent_sensor_goes_offline_and_comes_back(sensor, ingestor):
    ingestor.handle([msg(r(0, 5.0))], now=T0 + 60)
    later = datetime.datetime.fromtimestamp(T0 + 3 * 60 + 1, tz=datetime.UTC)
    assert ingest.mark_offline(later - datetime.timedelta(seconds=2)) == 0  # 3 × 60 s not yet exceeded
    assert ingest.mark_offline(later) == 1
    sensor.refresh_from_db()
    assert sensor.status == "offline"
    alarm = Alarm.objects.get(kind="offline")
    assert alarm.recovered_at is None
    assert ingest.mark_offline(later) == 0  # already offline
    ingestor.handle([msg(r(400, 5.0))], now=T0 + 500)
    sensor.refresh_from_db()
    alarm.refresh_from_db()
    assert sensor.status == "online" and alarm.recovered_at is not None


def test_retention_removes_old_readings(sensor, ingestor):
    # On PostgreSQL retention drops whole months, so the old reading's month (Nov 2026) must lie
    # entirely before the cutoff (2026-12-18); the newer one (28 Dec) stays.
    day = 86400
    ingestor.handle([msg(r(0, 5.0), r(40 * day, 6.0))], now=T0 + 60 * day)
    storage.refresh_aggregates(datetime.datetime.fromtimestamp(T0 - 3600, tz=datetime.UTC),
                               datetime.datetime.fromtimestamp(T0 + 41 * day, tz=datetime.UTC))
    now = datetime.datetime.fromtimestamp(T0 + 60 * day, tz=datetime.UTC)
    storage.apply_retention(now, {"monitoring_reading": 30, "monitoring_readingminute": 30})
    assert [x.value for x in Reading.objects.all()] == [6.0]
    assert [m.vmax for m in ReadingMinute.objects.all()] == [6.0]


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_postgres_partitions_by_month_and_moves_early_rows_out_of_default(sensor, ingestor):
    from django.db import connection

    march = datetime.datetime(2031, 3, 5, tzinfo=datetime.UTC).timestamp()
    ingestor.handle([msg({"device": "GAS-1", "ts": march, "value": 1.0})], now=march)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM monitoring_reading_default")
        assert cur.fetchone()[0] == 1  # no partition for 2031 yet: DEFAULT took it
        created = storage.ensure_partitions(datetime.date(2031, 3, 1), months_ahead=0, months_back=0)
        assert "monitoring_reading_y2031m03" in created
        cur.execute("SELECT count(*) FROM monitoring_reading_y2031m03")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM monitoring_reading_default")
        assert cur.fetchone()[0] == 0
    assert Reading.objects.get().value == 1.0


def test_device_ids_with_quotes_commas_and_backslashes_are_matched(point, ingestor):
    """Device ids go to PostgreSQL as one array literal: characters that literal syntax gives a
    meaning to must still match exactly (and find nothing else)."""
    odd = ['A,B', 'Q"1', "S\\2", "{x}", "NULL"]
    for device in odd:
        Sensor.objects.create(device_id=device, name=device, point=point, quantity="combustible_gas", level1=20,
                              interval_s=60)
    out = ingestor.handle([msg(*(r(0, 1.0, device=d) for d in odd), r(0, 1.0, device="A"))], now=T0 + 60)
    assert (out.stored, dict(out.rejected)) == (5, {"unknown_device": 1})
    assert sorted(Sensor.objects.filter(device_id__in=odd).values_list("last_value", flat=True)) == [1.0] * 5
