"""Sensors owned by ingest workers: the partition, the in-memory rule state and its hand-over.

The hand-over tests compare alarm records with those of a continuous run over the same readings:
a worker that crashes (its state since the last checkpoint lost) and restarts must raise, update
and recover exactly the same alarms — hysteresis, duration and rate carried across the crash.
The process tests run `yingji ingest --workers 2` against a private Mosquitto: SIGKILL a worker
mid-stream (the supervisor restarts it), and SIGTERM/SIGINT stopping every process."""

import datetime
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.db import OperationalError, connection

from tests.monitoring.test_mqtt import publish, wait_for
from yingji.monitoring import payload, storage
from yingji.monitoring.ingest import Ingestor
from yingji.monitoring.models import Alarm, Reading, Sensor
from yingji.monitoring.ownership import Partition

T0 = float(int(time.time()) // 60 * 60 - 7200)
KINDS = [dict(level1=20, level2=40, deadband=2),  # hysteresis
         dict(level1=20, level2=40, deadband=2, min_duration_s=30),  # duration
         dict(level1=20, max_rate_per_min=30),  # rate of change
         dict(rising=False, level1=10, level2=5, deadband=1)]  # falling


@pytest.fixture
def fleet(point):
    return [Sensor.objects.create(device_id=f"OWN-{k:02d}", name=f"传感器{k}", point=point, quantity="combustible_gas",
                                  interval_s=10, **KINDS[k % len(KINDS)]) for k in range(12)]


def value(k: int, i: int) -> float:
    jitter = (i * 37 + k * 11) % 7 - 3  # around a threshold: inside and outside the deadband
    if KINDS[k % len(KINDS)].get("rising") is False:
        return round(10 + 6 * math.sin(i / 6 + k) + jitter / 2, 2)
    return round(25 + 20 * math.sin(i / 7 + k) + jitter, 2)


def rounds(n: int, sensors: int = 12) -> list[dict]:
    """Gateway messages, one per round: every sensor's reading at T0 + 10 s × round."""
    return [{"readings": [{"device": f"OWN-{k:02d}", "ts": T0 + 10 * i, "value": value(k, i)} for k in range(sensors)]}
            for i in range(n)]


def alarms() -> list[tuple]:
    return sorted((a.sensor.device_id, a.kind, a.level, a.count, a.opened_at, a.first_value, a.peak_value, a.last_value,
                   a.last_at, a.recovered_at, a.state) for a in Alarm.objects.select_related("sensor"))


def forget_everything():
    Alarm.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM monitoring_reading")
    Sensor.objects.update(last_seen=None, last_value=None, rule_level=0, rule_pending_level=0, rule_pending_since=None,
                          status="online")


def feed(messages, *, size=3, crash_after=(), checkpoint_after=(), redeliver=True):
    """Batches of ``size`` messages through an owning ingestor. ``crash_after``: batch numbers after which it
    dies (state since the checkpoint lost) and a new one takes over; the batch before the crash is
    delivered again (stored, not acknowledged)."""
    batches = [[("yingji/v1/gateways/gw/readings", json.dumps(m).encode()) for m in messages[k:k + 3]]
               for k in range(0, len(messages), size)]
    ingestor = Ingestor(partition=Partition())
    for k, batch in enumerate(batches):
        ingestor.handle(batch)
        if k in checkpoint_after:
            ingestor.checkpoint()
        if k in crash_after:
            ingestor = Ingestor(partition=Partition())
            if redeliver:
                assert ingestor.handle(batch).stored == 0
    ingestor.checkpoint()


def test_partitions_split_the_fleet_stably_and_the_first_takes_what_names_no_device():
    parts = [Partition(k, 3) for k in range(3)]
    devices = [f"DEV-{i}" for i in range(300)]
    owners = [[p.owns(d) for p in parts].count(True) for d in devices]
    assert owners == [1] * 300  # each device has exactly one owner
    assert all(40 < sum(p.owns(d) for d in devices) < 160 for p in parts)
    assert Partition(1, 3).owns("DEV-7") == Partition.parse("2/3").owns("DEV-7")
    assert [p.owns(None) for p in parts] == [True, False, False]
    raw = json.dumps({"readings": [{"device": d, "ts": T0, "value": 1.0} for d in devices[:30]] + [{"value": 1}]})
    kept = [payload.parse(raw, now=T0 + 60, owns=p.owns) for p in parts]
    assert sorted(d for one in kept for d in one.device) == sorted(devices[:30])
    assert [len(one.rejects) for one in kept] == [1, 0, 0]  # the reading without a device: recorded once
    assert [len(payload.parse(b"{bad", now=T0, owns=p.owns).rejects) for p in parts] == [1, 0, 0]


def test_a_crashed_owner_hands_over_the_same_alarms_as_a_continuous_run(fleet, monkeypatch):
    messages = rounds(60)
    feed(messages)
    continuous = alarms()
    kinds = {(a[1], a[3] > 1, a[9] is not None) for a in continuous}
    assert {k for k, _, _ in kinds} == {"threshold", "rate"} and (("threshold", True, True) in kinds)
    checkpointed = {s.device_id: (s.rule_level, s.last_seen) for s in Sensor.objects.all()}
    forget_everything()  # other batches, two crashes: the same alarms
    feed(messages, size=2, checkpoint_after={2, 9}, crash_after={6, 13, 14})
    assert alarms() == continuous
    assert {s.device_id: (s.rule_level, s.last_seen) for s in Sensor.objects.all()} == checkpointed
    assert Reading.objects.count() == 60 * 12
    # The comparison can fail: without the replay after the checkpoint the new owner would start
    # from stale state and the alarms differ.
    forget_everything()
    replay = storage.readings_after_checkpoint
    monkeypatch.setattr(storage, "readings_after_checkpoint", lambda ids: replay(ids[:0]))
    feed(messages, size=2, checkpoint_after={2, 9}, crash_after={6, 13, 14})
    assert alarms() != continuous


def test_a_batch_that_rolls_back_leaves_the_owner_state_as_it_was(fleet, monkeypatch):
    ingestor = Ingestor(partition=Partition())
    first, second = rounds(2)
    ingestor.handle([("yingji/v1/gateways/gw/readings", json.dumps(first).encode())])
    before = [a.copy() for a in (ingestor.owned.state.level, ingestor.owned.state.last_ts)]

    def lost(*args, **kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr("yingji.monitoring.alarms.apply_events", lost)
    second["readings"] = [{**r, "value": 99.0} for r in second["readings"]]  # would raise alarms
    with pytest.raises(OperationalError, match="connection lost"):
        ingestor.handle([("yingji/v1/gateways/gw/readings", json.dumps(second).encode())])
    assert np.array_equal(ingestor.owned.state.level, before[0])
    assert np.array_equal(ingestor.owned.state.last_ts, before[1], equal_nan=True)
    assert Reading.objects.count() == 12


# --- the real command, as processes ---------------------------------------------------------------

def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{Path(db['NAME']).resolve()}"


def start_ingest(broker, progress: Path, *extra) -> subprocess.Popen:
    env = dict(os.environ, YINGJI_DATABASE_URL=database_url(), YINGJI_BROKER_URL="", YINGJI_LOG_LEVEL="WARNING")
    return subprocess.Popen([sys.executable, "-m", "yingji.cli", "ingest", "--url", broker.url, "--workers", "2",
                             "--client-id", "test-owned", "--progress-dir", str(progress), "--report-every", "0.2",
                             *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def progress_of(progress: Path) -> list[dict]:
    out = []
    for f in sorted(progress.glob("worker-*.json")):
        try:
            out.append(json.loads(f.read_text()))
        except (OSError, ValueError):
            pass
    return out


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid``, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False




def subscribed(progress: Path, n: int = 2) -> bool:
    return sum(p["subscribed"] for p in progress_of(progress)) == n


def test_a_worker_killed_mid_stream_is_restarted_and_nothing_is_lost_duplicated_or_alarmed_twice(
        fleet, broker, tmp_path, transactional_db):
    assert {Partition(0, 2).owns(s.device_id) for s in fleet} == {True, False}  # both workers own sensors
    progress = tmp_path / "progress"
    progress.mkdir()
    # No periodic checkpoint: the restarted worker can only continue correctly through the replay.
    ingest = start_ingest(broker, progress, "--checkpoint-s", "600")
    try:
        assert wait_for(lambda: subscribed(progress), 60), ingest.stderr.read1().decode() if ingest.poll() else ""
        messages = rounds(90)
        publish(broker.url, [("yingji/v1/gateways/gw/readings", m) for m in messages[:30]])
        assert wait_for(lambda: Reading.objects.count() >= 200, 30)
        assert wait_for(lambda: any(p["stored"] for p in progress_of(progress)), 10)
        victim = next(p["pid"] for p in progress_of(progress) if p["stored"])
        os.kill(victim, signal.SIGKILL)
        publish(broker.url, [("yingji/v1/gateways/gw/readings", m) for m in messages[30:]])
        assert wait_for(lambda: victim not in {p["pid"] for p in progress_of(progress)} and subscribed(progress), 60)
        assert wait_for(lambda: Reading.objects.count() >= 90 * 12, 60)
        time.sleep(0.5)  # anything redelivered after the restart would be stored by now
    finally:
        ingest.send_signal(signal.SIGTERM)
        ingest.wait(60)
    stored = list(Reading.objects.values_list("sensor__device_id", "ts"))
    assert len(stored) == 90 * 12 and len(set(stored)) == len(stored)
    assert {(d, t.timestamp()) for d, t in stored} == {(f"OWN-{k:02d}", T0 + 10 * i) for i in range(90) for k in range(12)}
    after_kill = alarms()
    final_state = {s.device_id: (s.rule_level, s.last_seen) for s in Sensor.objects.all()}
    forget_everything()
    feed(rounds(90))
    assert after_kill == alarms() and len(after_kill) > 5
    assert final_state == {s.device_id: (s.rule_level, s.last_seen) for s in Sensor.objects.all()}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_worker_and_their_state_is_written_back(sig, fleet, broker, tmp_path, transactional_db):
    progress = tmp_path / "progress"
    progress.mkdir()
    ingest = start_ingest(broker, progress, "--checkpoint-s", "600")
    try:
        assert wait_for(lambda: subscribed(progress), 60)
        workers = children(ingest.pid)
        assert {p["pid"] for p in progress_of(progress)} <= workers
        publish(broker.url, [("yingji/v1/gateways/gw/readings", m) for m in rounds(5)])
        assert wait_for(lambda: sum(p["stored"] for p in progress_of(progress)) == 60, 30)
        assert not Sensor.objects.filter(last_seen__isnull=False).exists()  # not checkpointed yet
        ingest.send_signal(sig)
        ingest.wait(45)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), "worker processes left running"
    assert all(p.get("stopped") for p in progress_of(progress))
    assert set(Sensor.objects.values_list("last_seen", flat=True)) == {datetime.datetime.fromtimestamp(T0 + 40,
                                                                                                        tz=datetime.UTC)}


@pytest.mark.parametrize("items", [
    [{"device": "A", "ts": T0, "value": 1}, {"device": " B ", "ts": (T0 + 1) * 1000, "value": 2.5, "unit": "%LEL"}],
    [{"device": "A", "ts": T0, "value": 1}, {"device": "B", "ts": T0, "value": True}],  # a refusal: item by item
    [{"device": "A", "ts": T0, "value": 10 ** 400}, {"device": "A", "ts": T0 + 1e6, "value": 1}],
    [{"device": "A", "ts": "2026-11-22T10:00:00", "value": 1}, {"device": "", "ts": T0, "value": 1}],
    [{"device": "A", "ts": T0, "value": 2e9}, {"ts": T0, "value": 1}, "x", {"device": "C", "ts": T0, "value": 1, "unit": 3}],
])
@pytest.mark.parametrize("partition", [None, Partition(0, 2), Partition(1, 2)])
def test_the_array_path_of_the_parser_gives_what_the_item_walk_gives(items, partition, monkeypatch):
    raw = json.dumps({"readings": items}).encode()
    fast = payload.parse(raw, now=T0 + 60, owns=partition)
    monkeypatch.setattr(payload, "_fast", lambda *args: False)
    walked = payload.parse(raw, now=T0 + 60, owns=partition)
    assert fast == walked
    assert len(fast) + len(fast.rejects) <= len(items)


def test_an_owner_sees_registry_edits_and_brings_an_offline_sensor_back(sensor, monkeypatch):
    from yingji.monitoring.ingest import mark_offline

    monkeypatch.setattr(Ingestor, "CHANGES_S", 0.0)  # ask the registry at every batch
    ingestor = Ingestor(partition=Partition())

    def send(t, v):
        return ingestor.handle([("yingji/v1/readings/GAS-1", json.dumps({"ts": T0 + t, "value": v}).encode())])

    assert send(0, 25.0).alarms["opened"] == 1  # level 1 at 20
    sensor.level1, sensor.level2 = 30, 40
    sensor.save()
    send(10, 26.0)  # below the new 一级 (and out of the deadband): the alarm recovers
    assert Alarm.objects.get(kind="threshold").recovered_at is not None
    ingestor.checkpoint()
    assert mark_offline(now=datetime.datetime.fromtimestamp(T0 + 10 + 3 * 60 + 1, tz=datetime.UTC)) == 1
    out = send(200, 5.0)
    assert out.stored == 1
    sensor.refresh_from_db()
    assert sensor.status == "online" and Alarm.objects.get(kind="offline").recovered_at is not None
    sensor.status = "disabled"
    sensor.save()
    assert send(210, 5.0).rejected == {"disabled": 1}


def test_serve_embedded_ingest_owns_every_sensor_and_writes_its_state_back_at_exit(sensor, broker, monkeypatch,
                                                                                      transactional_db):
    """`yingji serve`'s in-process ingest (embedded default, SQLite or PostgreSQL): one thread owns
    every sensor; at exit it writes the state back (without it the next start would replay)."""
    import atexit

    from yingji.monitoring import embedded
    from yingji.monitoring.mqtt import Worker

    monkeypatch.setitem(Worker.__init__.__kwdefaults__, "checkpoint_s", 600.0)  # only the one at exit
    at_exit = []
    monkeypatch.setattr(atexit, "register", at_exit.append)
    monkeypatch.setenv("YINGJI_MQTT_URL", broker.url)
    monkeypatch.setenv("YINGJI_MQTT_GROUP", "")
    said = []
    worker = embedded.start_ingest(said.append)
    assert "进程内订阅" in said[0] and len(at_exit) == 1
    assert worker.connected.wait(20)  # subscribed: what is published now reaches it
    publish(broker.url, [("yingji/v1/readings/GAS-1", {"ts": T0 + i, "value": 25.0}) for i in range(3)])
    assert wait_for(lambda: Reading.objects.count() == 3 and Alarm.objects.exists())
    sensor.refresh_from_db()
    assert sensor.last_seen is None  # not written back yet
    at_exit[0]()  # the interpreter exits: the thread stops and writes the state back
    sensor.refresh_from_db()
    assert sensor.rule_level == 1 and sensor.last_seen.timestamp() == T0 + 2
