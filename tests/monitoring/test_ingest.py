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
    # The offline alarm is over when data returns: closed by the system, not left open on the board (issue 15).
    assert alarm.state == "cleared" and alarm.cause == "device_fault" and alarm.measures
    from yingji.core.framework import workflow

    last = list(workflow.log_of(alarm))[-1]
    assert (last.transition, last.actor, last.to_state) == ("recover", None, "cleared")
    assert not Alarm.objects.exclude(state="cleared").filter(kind="offline").exists()


def test_retention_removes_old_readings(sensor, ingestor):
    # On PostgreSQL retention drops whole months, so the old reading's month (Nov 2026) must lie
    # entirely before the cutoff (2026-12-18); the newer one (28 Dec) stays.
    day = 86400
    ingestor.handle([msg(r(0, 5.0))], now=T0 + 60)
    ingestor.handle([msg(r(40 * day, 6.0))], now=T0 + 40 * day + 60)
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


POISON = {  # raw payload → (reason, words its message must contain)
    "nul_device": (b'{"device": "GAS-1\\u0000", "ts": 1795000020, "value": 1}', "bad_text", "device"),
    "nul_unit": (b'{"device": "GAS-1", "ts": 1795000021, "value": 1, "unit": "%LEL\\u0000"}', "bad_text", "unit"),
    "nul_extra": (b'{"device": "GAS-1", "ts": 1795000022, "value": 1, "meta": {"note": ["ok", "\\u0000"]}}',
                  "bad_text", "meta.note[1]"),
    "surrogate": (b'{"device": "GAS-\\ud800", "ts": 1795000023, "value": 1}', "bad_text", "device"),
    "huge_int_value": (b'{"device": "GAS-1", "ts": 1795000024, "value": 1' + b"0" * 400 + b"}", "out_of_range",
                       "401 位整数"),
    "huge_int_ts": (b'{"device": "GAS-1", "ts": 1' + b"0" * 400 + b', "value": 1}', "bad_time", "位数过多"),
    "ts_minus_1e13": (b'{"device": "GAS-1", "ts": -1e13, "value": 1}', "past_time", "早于"),
    "ts_1970": (b'{"device": "GAS-1", "ts": 0, "value": 1}', "past_time", "1970-01-01"),
    "ts_year_1": (b'{"device": "GAS-1", "ts": "0001-01-01T00:00:00", "value": 1}', "past_time", "早于"),
    "ts_next_year": (b'{"device": "GAS-1", "ts": "2027-11-18T11:07:00+08:00", "value": 1}', "future_time", "超前"),
    "value_1e308": (b'{"device": "GAS-1", "ts": 1795000025, "value": 1e308}', "out_of_range", "1e+308"),
    "value_overflows_to_inf": (b'{"device": "GAS-1", "ts": 1795000026, "value": 1e999}', "not_number", "inf"),
    "deep_json": (b"[" * 100_000 + b"]" * 100_000, "bad_json", "嵌套"),
}


@pytest.mark.parametrize("name", POISON)
def test_poison_payloads_become_dead_letters_naming_the_field_and_the_batch_goes_on(sensor, ingestor, name):
    raw, reason, words = POISON[name]
    valid = [msg(r(k, 1.0)) for k in range(100, 110)]
    out = ingestor.handle([valid[0], ("yingji/v1/gateways/gw1/readings", raw), *valid[1:]], now=T0 + 600)
    assert out.stored == 10 and dict(out.rejected) == {reason: 1}
    assert words in out.rejects[0].detail, out.rejects[0].detail
    letter = DeadLetter.objects.get()
    assert letter.reason == reason and words in letter.detail
    assert "\x00" not in letter.payload and letter.payload  # kept, as PostgreSQL can store it
    assert Reading.objects.count() == 10


def test_the_accepted_time_window_and_bound_are_settings(sensor, ingestor, monkeypatch):
    monkeypatch.setenv("YINGJI_READING_MAX_AGE_DAYS", "1")
    monkeypatch.setenv("YINGJI_READING_MAX_AHEAD_S", "10")
    monkeypatch.setenv("YINGJI_READING_MAX_ABS", "1000")
    day = 86400
    out = ingestor.handle([msg(r(-2 * day, 1.0), r(-day + 60, 2.0), r(30, 3.0), r(5, 4.0), r(6, 1001.0))], now=T0)
    assert out.stored == 2 and dict(out.rejected) == {"past_time": 1, "future_time": 1, "out_of_range": 1}


def test_readings_outside_the_sensors_measuring_range_are_refused(sensor, ingestor):
    Sensor.objects.filter(pk=sensor.pk).update(range_min=0, range_max=100)
    out = ingestor.handle([msg(r(0, 0.0), r(1, 100.0), r(2, 100.5), r(3, -0.1))], now=T0 + 60)
    assert out.stored == 2 and dict(out.rejected) == {"out_of_range": 2}
    assert {x.index for x in out.rejects} == {2, 3}
    letter = DeadLetter.objects.filter(reason="out_of_range").first()
    assert "量程 [0, 100] %LEL" in letter.detail and letter.device_id == "GAS-1"


def test_a_batch_that_fails_in_the_database_is_bisected_to_the_bad_reading(sensor, ingestor, monkeypatch):
    """A store failure caused by one reading (here simulated: the database refuses the value 666)
    isolates that reading as a dead letter; the other 199 are stored, and alarms still run."""
    from django.db import DataError

    real = storage.store_readings

    def store(sensor_ids, ts, value):
        if (value == 666.0).any():
            raise DataError("value out of range: overflow")
        return real(sensor_ids, ts, value)

    monkeypatch.setattr(storage, "store_readings", store)
    readings = [r(k, 25.0 if k == 198 else 1.0) for k in range(199)] + [r(500, 666.0)]
    out = ingestor.handle([msg(*readings[:120]), msg(*readings[120:])], now=T0 + 600)
    assert (out.stored, dict(out.rejected)) == (199, {"store_failed": 1})
    failed = out.rejects[0]
    assert (failed.index, failed.device) == (79, "GAS-1") and "DataError" in failed.detail
    letter = DeadLetter.objects.get()
    assert letter.reason == "store_failed" and json.loads(letter.payload)["value"] == 666.0
    assert Reading.objects.count() == 199 and Alarm.objects.filter(level=1).exists()


def test_a_message_that_fails_outside_the_readings_is_isolated_and_the_rest_stored(sensor, ingestor, monkeypatch):
    from django.db import DataError

    real = ingest.Ingestor._device_map

    def device_map(self, wanted):
        if "POISON" in wanted:
            raise DataError("invalid byte sequence")
        return real(self, wanted)

    monkeypatch.setattr(ingest.Ingestor, "_device_map", device_map)
    messages = [msg(r(k, 1.0)) for k in range(5)] + [msg(r(9, 1.0, device="POISON"))] + [msg(r(k, 1.0)) for k in
                                                                                          range(10, 15)]
    out = ingestor.handle(messages, now=T0 + 600)
    assert (out.stored, dict(out.rejected)) == (10, {"store_failed": 1})
    assert DeadLetter.objects.get().payload == messages[5][1].decode()


def test_a_database_outage_is_not_mistaken_for_poison(sensor, ingestor, monkeypatch):
    """Connection trouble must reach the worker (which keeps the batch and retries), not turn every
    reading into a dead letter."""
    from django.db import OperationalError

    def store(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(storage, "store_readings", store)
    with pytest.raises(OperationalError):
        ingestor.handle([msg(r(0, 1.0), r(1, 2.0))], now=T0 + 60)
    assert not DeadLetter.objects.exists()


def _now_minus(minutes):
    import time

    return time.time() - minutes * 60


def test_the_aggregate_job_moves_an_impossible_stored_value_aside_and_aggregates_everyone_else(sensor, point):
    """Readings of 1e308 written before ingest checked values (or around it): summing two overflows
    (PostgreSQL raises, SQLite yields infinity). The job reports and removes them; others aggregate."""
    import numpy as np
    from django.db import transaction

    from yingji.core.models import JobRun
    from yingji.monitoring import tasks

    other = Sensor.objects.create(device_id="WAT-1", name="水位计", point=point, quantity="water_level")
    base = (_now_minus(10) // 60) * 60
    with transaction.atomic():
        storage.store_readings(np.array([sensor.pk, sensor.pk, sensor.pk, other.pk, other.pk]),
                               np.array([base, base + 10, base + 20, base, base + 10]),
                               np.array([1e308, 1e308, 4.0, 31.0, 33.0]))
    tasks.refresh_aggregates()
    assert {(m.sensor_id, m.n, m.total) for m in ReadingMinute.objects.all()} == {(sensor.pk, 1, 4.0),
                                                                                 (other.pk, 2, 64.0)}
    assert sorted(Reading.objects.values_list("value", flat=True)) == [4.0, 31.0, 33.0]
    letters = DeadLetter.objects.filter(reason="out_of_range", source="aggregates")
    assert letters.count() == 2 and {x.device_id for x in letters} == {"GAS-1"}
    run = JobRun.objects.get(name="readings-aggregates")
    assert "2 条" in run.detail and "GAS-1" in run.detail
    tasks.refresh_aggregates()  # nothing left to report
    assert JobRun.objects.filter(name="readings-aggregates").count() == 1


def test_aggregates_skip_impossible_values_even_when_called_directly(sensor):
    import numpy as np
    from django.db import transaction

    with transaction.atomic():
        storage.store_readings(np.array([sensor.pk] * 3), np.array([T0, T0 + 1, T0 + 2]), np.array([1e308, 1e308, 2.0]))
    at = datetime.datetime.fromtimestamp
    storage.refresh_aggregates(at(T0, tz=datetime.UTC), at(T0 + 3600, tz=datetime.UTC))
    assert [(m.n, m.total) for m in ReadingMinute.objects.all()] == [(1, 2.0)]
