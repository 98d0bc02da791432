"""The ingest service: parsed readings → checked against the sensor registry → stored in a batch →
alarm rules → alarm records → live events. MQTT and HTTP both end here.

Rule state (level, pending excursion, last value and time) lives on the sensor rows, which a batch
locks (``SELECT … FOR UPDATE`` in id order) while it evaluates: several ingest workers sharing one
MQTT subscription therefore see one consistent state per sensor. A reading older than the
sensor's last evaluated one (a late or replayed message) is stored and aggregated but not
re-evaluated, so replays never raise alarms twice.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from yingji.monitoring import payload as payloads
from yingji.monitoring import storage
from yingji.monitoring.models import DeadLetter, Sensor
from yingji.monitoring.rules import RuleSet, State, evaluate

PAYLOAD_KEPT = 4000  # characters of a refused payload kept in the dead-letter table


@dataclass
class Outcome:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    alarms: dict = field(default_factory=lambda: {"opened": 0, "updated": 0, "recovered": 0})
    rejects: list = field(default_factory=list)  # payloads.Reject, located

    def add(self, other: Outcome) -> None:
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected.update(other.rejected)
        for k, v in other.alarms.items():
            self.alarms[k] += v
        self.rejects.extend(other.rejects)


@dataclass(frozen=True)
class DeviceInfo:
    pk: int
    unit: str
    status: str


class Ingestor:
    """One per worker; holds no state between batches (rule state lives on the sensor rows)."""

    def __init__(self, per_row: bool = False):
        self.per_row = per_row  # benchmark reference: one ORM insert per reading

    def _device_map(self, wanted: set[str]) -> dict[str, DeviceInfo]:
        """The batch's devices, read fresh each batch (one indexed query): a sensor just disabled,
        deleted or re-registered is seen at once."""
        from yingji.monitoring.models import QUANTITIES

        return {d: DeviceInfo(pk, QUANTITIES.get(q, ("", ""))[1], st)
                for d, pk, q, st in storage.device_map(list(wanted))}

    def handle(self, messages: list[tuple[str, bytes]], *, allowed: set[int] | None = None,
               now: float | None = None) -> Outcome:
        """Process ``(source, payload)`` messages as one batch. ``allowed``: sensor ids the sender may
        report for (HTTP users are held to their scope); None = any (the MQTT broker authenticates)."""
        now = time.time() if now is None else now
        parsed = payloads.Parsed()
        dead: list[DeadLetter] = []
        sources: list[str] = []
        for source, raw in messages:
            one = payloads.parse(raw, now=now, topic_device=payloads.device_from_topic(source))
            dead += [_dead(source, r, raw) for r in one.rejects]
            sources += [source] * len(one)
            parsed.extend(one)
        outcome = Outcome(received=len(parsed) + len(dead))
        outcome.rejects = list(parsed.rejects)
        outcome.rejected.update(r.reason for r in parsed.rejects)

        devices = self._device_map(set(parsed.device))
        keep = []
        for i, device in enumerate(parsed.device):
            info = devices.get(device)
            reason = ("unknown_device" if info is None else "out_of_scope" if allowed is not None and info.pk not in allowed
                      else "disabled" if info.status == "disabled"
                      else "wrong_unit" if parsed.unit[i] is not None and parsed.unit[i] != info.unit else None)
            if reason is None:
                keep.append(i)
                continue
            detail = {"unknown_device": f"设备 {device} 未在传感器登记簿中登记",
                      "out_of_scope": f"设备 {device} 不在本账号管辖范围内",
                      "disabled": f"传感器 {device} 已停用",
                      "wrong_unit": f"单位 {parsed.unit[i]!r} 与传感器 {device} 的单位 {info and info.unit!r} 不符"}[reason]
            reject = payloads.Reject(reason, detail, parsed.index[i], device)
            outcome.rejects.append(reject)
            outcome.rejected[reason] += 1
            dead.append(_dead(sources[i], reject, None, reading={"device": device, "ts": parsed.ts[i],
                                                                 "value": parsed.value[i], "unit": parsed.unit[i]}))
        sensor = np.array([devices[parsed.device[i]].pk for i in keep], dtype=np.int64)
        ts = np.array([parsed.ts[i] for i in keep], dtype=float)
        value = np.array([parsed.value[i] for i in keep], dtype=float)
        with transaction.atomic():
            if dead:
                DeadLetter.objects.bulk_create(dead)
            if self.per_row:
                outcome.stored = storage.store_readings_per_row(sensor, ts, value)
                inserted = (sensor[:0], ts[:0], value[:0])
            else:
                inserted = storage.store_readings(sensor, ts, value)
                outcome.stored = len(inserted[0])
            outcome.duplicates = len(keep) - outcome.stored
            if len(inserted[0]):
                self._evaluate(*inserted, outcome)
        return outcome

    def _evaluate(self, sensor: np.ndarray, ts: np.ndarray, value: np.ndarray, outcome: Outcome) -> None:
        """Run the rules for the inserted readings under a lock on their sensors (alarm changes reach
        open pages through the Alarm post_save hook in monitoring.live)."""
        from yingji.monitoring.alarms import apply_events

        ids = np.unique(sensor)
        loaded = storage.lock_sensor_state(ids)  # arrays, in id order == ids
        rules = RuleSet(thresholds=loaded["thresholds"], rising=loaded["rising"], deadband=loaded["deadband"],
                        min_duration_s=loaded["min_duration_s"], max_rate_per_min=loaded["max_rate_per_min"],
                        interval_s=loaded["interval_s"])
        state = State(level=loaded["level"], pending_level=loaded["pending_level"],
                      pending_since=loaded["pending_since"], last_value=loaded["last_value"], last_ts=loaded["last_ts"])
        local = np.searchsorted(ids, sensor)
        fresh = ~(ts <= state.last_ts[local])  # NaN last_ts compares False → fresh
        sensors = _SensorsByIndex(ids)
        if fresh.any():
            lf, tf, vf = local[fresh], ts[fresh], value[fresh]
            result = evaluate(rules, state, lf, tf, vf)
            has_rate = ~np.isnan(rules.max_rate_per_min)
            for kind, events in (("threshold", result.events),
                                 ("rate", _rate_events(lf, tf, vf, result.rate_alarm, has_rate))):
                for k, v in apply_events(sensors, events, kind).items():
                    outcome.alarms[k] += v
        offline = np.flatnonzero(loaded["offline"])
        storage.save_sensor_state(ids, state)
        if len(offline):  # reporting again: online, and the offline alarm is marked recovered
            apply_events(sensors, [{"sensor": int(i), "ts": float(state.last_ts[i]), "value": float(state.last_value[i]),
                                    "level": 0, "kind": "clear"} for i in offline], "offline")


class _SensorsByIndex:
    """Sensor records by their position in ``ids``, fetched only for the few that have events."""

    def __init__(self, ids: np.ndarray):
        self.ids, self.cache = ids, {}

    def __getitem__(self, i: int) -> Sensor:
        if i not in self.cache:
            self.cache[i] = Sensor.objects.get(pk=int(self.ids[i]))
        return self.cache[i]


def _rate_events(local: np.ndarray, ts: np.ndarray, value: np.ndarray, fired: np.ndarray, has_rule: np.ndarray) -> list[dict]:
    """Rate-of-change rule as alarm events: a firing reading raises (or repeats) the sensor's rate
    alarm; a sensor with a rate rule whose latest reading in the batch is calm marks it recovered."""
    order = np.lexsort((ts, local))
    events = [{"sensor": int(local[i]), "ts": float(ts[i]), "value": float(value[i]), "level": 1, "kind": "raise"}
              for i in order if fired[i]]
    last_of_sensor = order[np.r_[local[order][1:] != local[order][:-1], True]]
    events += [{"sensor": int(local[i]), "ts": float(ts[i]), "value": float(value[i]), "level": 0, "kind": "clear"}
               for i in last_of_sensor if not fired[i] and has_rule[local[i]]]
    return events


def _dead(source: str, reject: payloads.Reject, raw: bytes | None, reading: dict | None = None) -> DeadLetter:
    import json

    if raw is not None:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    else:
        text = json.dumps(reading, ensure_ascii=False)
    return DeadLetter(source=source[:200], reason=reject.reason, detail=reject.detail[:300], device_id=reject.device[:64],
                      payload=text[:PAYLOAD_KEPT])


def mark_offline(now: datetime.datetime | None = None, factor: float = 3.0) -> int:
    """Sensors silent for more than ``factor`` × their interval go 离线 and get an offline alarm."""
    from yingji.monitoring.alarms import apply_events

    now = now or timezone.now()
    silent = [s for s in Sensor.objects.filter(status="online", last_seen__isnull=False)
              if (now - s.last_seen).total_seconds() > factor * s.interval_s]
    if not silent:
        return 0
    with transaction.atomic():
        Sensor.objects.filter(pk__in=[s.pk for s in silent]).update(status="offline")
        apply_events(silent, [{"sensor": i, "ts": now.timestamp(), "value": s.last_value, "level": 1, "kind": "raise"}
                              for i, s in enumerate(silent)], "offline")
    return len(silent)
