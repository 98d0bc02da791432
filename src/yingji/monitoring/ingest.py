"""The ingest service: parsed readings → checked against the sensor registry → stored in a batch →
alarm rules → alarm records → live events. MQTT and HTTP both end here.

Rule state (level, pending excursion, last value and time) is kept in memory by the MQTT worker that
owns the sensor (monitoring.ownership: partitions of the fleet, checkpoints, replay on restart).
Without an owner — HTTP batches, workers sharing one MQTT subscription — it lives on the sensor rows,
which a batch locks (``SELECT … FOR UPDATE`` in id order) while it evaluates, so several processes
see one consistent state per sensor. A reading older than the
sensor's last evaluated one (a late or replayed message) is stored and aggregated but not
re-evaluated, so replays never raise alarms twice.

Poison input never stalls the ingest. The parser turns every malformed payload or reading into a
located reject; a reading outside its sensor's measuring range (量程) is refused here. Should a
batch still fail in the database for a reason that lies in its data (``DataError``,
``IntegrityError`` or a Python error while storing), it is bisected — first by message, then by
reading, each attempt in a savepoint — until the failing readings are isolated as ``store_failed``
dead letters and the rest is stored. Errors of the database itself (connection lost, locked,
missing table) are raised, so the MQTT worker keeps the batch unacknowledged and retries it.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.utils import timezone

from yingji.monitoring import payload as payloads
from yingji.monitoring import storage
from yingji.monitoring.models import DeadLetter, Sensor
from yingji.monitoring.ownership import OwnedStates, Partition
from yingji.monitoring.rules import RuleSet, State, evaluate

log = logging.getLogger(__name__)

PAYLOAD_KEPT = 4000  # characters of a refused payload kept in the dead-letter table


def limits_from_config() -> payloads.Limits:
    """The jurisdiction's bounds for any reading (YINGJI_READING_MAX_ABS, _MAX_AGE_DAYS, _MAX_AHEAD_S)."""
    from yingji import config

    return payloads.Limits(max_abs=float(config.env("YINGJI_READING_MAX_ABS")),
                           max_age_s=float(config.env("YINGJI_READING_MAX_AGE_DAYS")) * 86400,
                           max_ahead_s=float(config.env("YINGJI_READING_MAX_AHEAD_S")))


def is_poison(exc: BaseException) -> bool:
    """Whether a failure while storing lies in the data (isolate it) rather than in the database
    (retry): constraint and value errors, and Python errors raised on a value, are the data's; a lost
    connection, a lock, a missing table or a sensor deleted mid-batch (LookupError) are not."""
    if isinstance(exc, DataError | IntegrityError):
        return True
    if isinstance(exc, DatabaseError | LookupError):
        return False
    return isinstance(exc, Exception)


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
    range_min: float | None = None
    range_max: float | None = None

    def outside(self, value: float) -> bool:
        return ((self.range_min is not None and value < self.range_min)
                or (self.range_max is not None and value > self.range_max))


class Ingestor:
    """One per worker. Without a partition (HTTP, a shared MQTT subscription) it holds no state
    between batches: rule state lives on the sensor rows, locked per batch. With one (an MQTT worker
    that owns its sensors, monitoring.ownership) it keeps only its partition's readings and their
    rule state in memory; ``checkpoint()`` writes that state back."""

    def __init__(self, per_row: bool = False, limits: payloads.Limits | None = None,
                 partition: Partition | None = None):
        self.per_row = per_row  # benchmark reference: one ORM insert per reading
        self.limits = limits  # None: read YINGJI_READING_* at each batch
        self.partition = partition
        self.owned = OwnedStates() if partition is not None else None
        self._devices: dict[str, DeviceInfo] = {}
        self._mark, self._checked_at = None, 0.0

    def checkpoint(self) -> int:
        return self.owned.checkpoint() if self.owned is not None else 0

    CHANGES_S = 5.0  # how often an owning worker asks whether the sensor registry changed (one scan)

    def _device_map(self, wanted: set[str]) -> dict[str, DeviceInfo]:
        """The batch's devices (one indexed query): read fresh each batch, so a sensor just disabled,
        deleted or re-registered is seen at once. An owning worker keeps what it read, looks up a
        device it has not seen at once, and reads everything again when the registry's fingerprint
        changes (asked every CHANGES_S): an edit, 停用 or 离线 is seen within those seconds."""
        if self.owned is None:
            return _read_devices(wanted)
        if time.monotonic() - self._checked_at > self.CHANGES_S:
            self._checked_at = time.monotonic()
            mark = storage.registry_mark()
            if mark != self._mark:
                self._mark, self._devices = mark, {}
                self.owned.reread()
        missing = wanted - self._devices.keys()
        if missing:
            self._devices.update(_read_devices(missing))
        return self._devices

    def preload(self) -> int:
        """An owning worker, before it takes messages: its sensors and their state (checkpoint and
        replay, monitoring.ownership), so a restart hands over before the first batch."""
        from yingji.monitoring.models import Sensor

        self._mark, self._checked_at = storage.registry_mark(), time.monotonic()
        devices = [d for d in Sensor.objects.values_list("device_id", flat=True) if self.partition.owns(d)]
        self._devices = _read_devices(devices)
        self.owned.ensure([info.pk for info in self._devices.values()])
        return len(self._devices)

    def handle(self, messages: list[tuple[str, bytes]], *, allowed: set[int] | None = None,
               now: float | None = None) -> Outcome:
        """Process ``(source, payload)`` messages as one batch. ``allowed``: sensor ids the sender may
        report for (HTTP users are held to their scope); None = any (the MQTT broker authenticates).

        Raises only for failures of the database itself; a message that fails for its data is
        isolated (bisection) into the dead-letter table and the rest of the batch is stored."""
        now = time.time() if now is None else now
        snapshot = self.owned.snapshot() if self.owned is not None else None
        try:
            return self._handle(messages, allowed=allowed, now=now)
        except Exception as exc:
            if snapshot is not None:  # the batch rolled back: so does the state it evaluated
                self.owned.restore(snapshot)
            if not is_poison(exc):
                raise
            if len(messages) == 1:
                return self._refuse_message(*messages[0], exc)
            half = len(messages) // 2
            log.warning("批次入库失败（%s），对分隔离问题消息", type(exc).__name__)
            outcome = self.handle(messages[:half], allowed=allowed, now=now)
            outcome.add(self.handle(messages[half:], allowed=allowed, now=now))
            return outcome

    def _refuse_message(self, source: str, raw: bytes, exc: BaseException) -> Outcome:
        reject = payloads.Reject("store_failed", f"消息入库失败：{type(exc).__name__}: {exc}"[:300])
        log.error("消息入库失败，已转入拒收数据：%s", reject.detail)
        DeadLetter.objects.create(**_fields(_dead(source, reject, raw)))
        return Outcome(received=1, rejected=Counter(store_failed=1), rejects=[reject])

    def _handle(self, messages: list[tuple[str, bytes]], *, allowed: set[int] | None, now: float) -> Outcome:
        limits = self.limits or limits_from_config()
        parsed = payloads.Parsed()
        dead: list[DeadLetter] = []
        sources: list[str] = []
        owns = self.partition if self.partition is not None and self.partition.count > 1 else None
        for source, raw in messages:
            one = payloads.parse(raw, now=now, topic_device=payloads.device_from_topic(source), limits=limits,
                                 owns=owns)
            dead += [_dead(source, r, raw) for r in one.rejects]
            sources += [source] * len(one)
            parsed.extend(one)
        outcome = Outcome(received=len(parsed) + len(dead))
        outcome.rejects = list(parsed.rejects)
        outcome.rejected.update(r.reason for r in parsed.rejects)

        devices = self._device_map(set(parsed.device))
        keep, sensor, status = self._check(parsed, devices, allowed, sources, outcome, dead)
        ts = np.array(parsed.ts, dtype=float)[keep]
        value = np.array(parsed.value, dtype=float)[keep]
        if self.owned is not None:
            self.owned.ensure(status)  # before storing: a replay must not see this batch's readings
        with transaction.atomic():
            if dead:
                DeadLetter.objects.bulk_create(dead)
            failed: list[tuple[int, BaseException]] = []
            self._store(np.arange(len(keep)), sensor, ts, value, status, outcome, failed)
            for k, exc in failed:  # readings that fail on their own: isolated, kept, located
                i = keep[k]
                reject = payloads.Reject("store_failed", f"第 {parsed.index[i] + 1} 条入库失败：{type(exc).__name__}: "
                                                         f"{exc}"[:300], parsed.index[i], parsed.device[i])
                log.error("读数入库失败，已转入拒收数据：%s", reject.detail)
                outcome.rejects.append(reject)
                outcome.rejected["store_failed"] += 1
                DeadLetter.objects.create(**_fields(_dead(sources[i], reject, None, reading={
                    "device": parsed.device[i], "ts": parsed.ts[i], "value": parsed.value[i], "unit": parsed.unit[i]})))
            outcome.duplicates = len(keep) - len(failed) - outcome.stored
        return outcome

    def _check(self, parsed: payloads.Parsed, devices: dict, allowed: set[int] | None, sources: list[str],
               outcome: Outcome, dead: list) -> tuple[np.ndarray, np.ndarray, dict]:
        """The readings the registry accepts: (their positions in ``parsed``, their sensor ids, the
        status of each sensor); the others become located rejects and dead letters. Checked as
        arrays — a batch holds hundreds of thousands of readings, nearly all good."""
        names = list(devices)
        index = {d: k for k, d in enumerate(names)}
        inv = np.fromiter((index.get(d, -1) for d in parsed.device), np.int64, count=len(parsed))
        infos = [devices[d] for d in names]
        pk = np.array([i.pk for i in infos] + [0], dtype=np.int64)  # [-1]: the unknown device
        lo = np.array([np.nan if i.range_min is None else i.range_min for i in infos] + [np.nan])
        hi = np.array([np.nan if i.range_max is None else i.range_max for i in infos] + [np.nan])
        off = np.array([i.status == "disabled" for i in infos] + [False])
        value = np.array(parsed.value, dtype=float)
        bad = (inv < 0) | off[inv] | (value < lo[inv]) | (value > hi[inv])
        if allowed is not None:
            bad |= ~np.isin(pk[inv], np.fromiter(allowed, np.int64, count=len(allowed)))
        for i, unit in enumerate(parsed.unit):
            if unit is not None and inv[i] >= 0 and unit != infos[inv[i]].unit:
                bad[i] = True
        for i in np.flatnonzero(bad):
            device = parsed.device[i]
            info = devices.get(device)
            reason = ("unknown_device" if info is None else "out_of_scope" if allowed is not None and info.pk not in allowed
                      else "disabled" if info.status == "disabled"
                      else "wrong_unit" if parsed.unit[i] is not None and parsed.unit[i] != info.unit
                      else "out_of_range")
            if reason == "out_of_range":
                span = f"[{_num(info.range_min, '−∞')}, {_num(info.range_max, '+∞')}] {info.unit}"
                detail = f"数值 value={parsed.value[i]:g} 超出传感器 {device} 的量程 {span}"
            else:
                detail = {"unknown_device": f"设备 {device} 未在传感器登记簿中登记",
                          "out_of_scope": f"设备 {device} 不在本账号管辖范围内",
                          "disabled": f"传感器 {device} 已停用",
                          "wrong_unit": f"单位 {parsed.unit[i]!r} 与传感器 {device} 的单位 {info and info.unit!r} "
                                        "不符"}[reason]
            reject = payloads.Reject(reason, detail, parsed.index[i], device)
            outcome.rejects.append(reject)
            outcome.rejected[reason] += 1
            dead.append(_dead(sources[i], reject, None, reading={"device": device, "ts": parsed.ts[i],
                                                                 "value": parsed.value[i], "unit": parsed.unit[i]}))
        keep = np.flatnonzero(~bad)
        used = np.unique(inv[keep])
        return keep, pk[inv[keep]], {int(pk[k]): infos[k].status for k in used}

    def _store(self, rows: np.ndarray, sensor: np.ndarray, ts: np.ndarray, value: np.ndarray, status: dict,
               outcome: Outcome, failed: list) -> None:
        """Store and evaluate readings ``rows`` in a savepoint; on a data failure bisect them, so only
        the readings that fail alone end up in ``failed``."""
        if not len(rows):
            return
        part = Outcome()
        snapshot = self.owned.snapshot() if self.owned is not None else None
        try:
            with transaction.atomic():
                s, t, v = sensor[rows], ts[rows], value[rows]
                if self.per_row:
                    part.stored = storage.store_readings_per_row(s, t, v)
                    inserted = (s[:0], t[:0], v[:0])
                else:
                    inserted = storage.store_readings(s, t, v)
                    part.stored = len(inserted[0])
                if len(inserted[0]):
                    self._evaluate(*inserted, status, part)
        except Exception as exc:
            if snapshot is not None:
                self.owned.restore(snapshot)
            if not is_poison(exc):
                raise
            if len(rows) == 1:
                failed.append((int(rows[0]), exc))
                return
            half = len(rows) // 2
            self._store(rows[:half], sensor, ts, value, status, outcome, failed)
            self._store(rows[half:], sensor, ts, value, status, outcome, failed)
            return
        outcome.stored += part.stored
        for k, n in part.alarms.items():
            outcome.alarms[k] += n

    def _evaluate(self, sensor: np.ndarray, ts: np.ndarray, value: np.ndarray, status: dict,
                  outcome: Outcome) -> None:
        """Run the rules for the inserted readings: on the owner's in-memory state, or under a lock on
        the sensor rows (alarm changes reach open pages through the Alarm post_save hook in
        monitoring.live)."""
        from yingji.monitoring.alarms import apply_events

        ids = np.unique(sensor)
        if self.owned is not None:
            slots = self.owned.slots(ids)
            rules, state = self.owned.view(slots)
            reporting_again = np.array([status[int(i)] in ("offline", "fault") for i in ids], dtype=bool)
            was_offline = np.array([status[int(i)] == "offline" for i in ids], dtype=bool)
        else:
            loaded = storage.lock_sensor_state(ids)  # arrays, in id order == ids
            rules = RuleSet(thresholds=loaded["thresholds"], rising=loaded["rising"], deadband=loaded["deadband"],
                            min_duration_s=loaded["min_duration_s"], max_rate_per_min=loaded["max_rate_per_min"],
                            interval_s=loaded["interval_s"])
            state = State(level=loaded["level"], pending_level=loaded["pending_level"],
                          pending_since=loaded["pending_since"], last_value=loaded["last_value"],
                          last_ts=loaded["last_ts"])
            was_offline = loaded["offline"]
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
        offline = np.flatnonzero(was_offline)
        if self.owned is not None:
            self.owned.put(slots, state)
            if reporting_again.any():
                storage.mark_online(ids[reporting_again].tolist())
                self._devices = {}  # their status changed: read the devices again next batch
        else:
            storage.save_sensor_state(ids, state)
        if len(offline):  # reporting again: online, and the offline alarm is marked recovered
            apply_events(sensors, [{"sensor": int(i), "ts": float(state.last_ts[i]), "value": float(state.last_value[i]),
                                    "level": 0, "kind": "clear"} for i in offline], "offline")


def _read_devices(devices) -> dict[str, DeviceInfo]:
    from yingji.monitoring.models import QUANTITIES

    return {d: DeviceInfo(pk, QUANTITIES.get(q, ("", ""))[1], st, lo, hi)
            for d, pk, q, st, lo, hi in storage.device_map(list(devices))}


class _SensorsByIndex:
    """Sensor records by their position in ``ids``, fetched only for the few that have events."""

    def __init__(self, ids: np.ndarray):
        self.ids, self.cache = ids, {}

    def __getitem__(self, i: int) -> Sensor:
        if i not in self.cache:
            self.cache[i] = Sensor.objects.get(pk=int(self.ids[i]))
        return self.cache[i]


def _rate_events(local: np.ndarray, ts: np.ndarray, value: np.ndarray, fired: np.ndarray, has_rule: np.ndarray) -> list[dict]:
    """Rate-of-change rule as alarm events, in time order: a firing reading raises (or repeats) the
    sensor's rate alarm; the first calm reading after a firing one marks it recovered. A batch's
    first reading, if calm, clears too — a no-op unless the alarm is still unrecovered, i.e. the
    reading before it (last batch) fired — so batch boundaries never move a recovery."""
    order = np.lexsort((ts, local))
    s, f = local[order], fired[order]
    first = np.r_[True, s[1:] != s[:-1]]
    after_firing = np.r_[False, f[:-1]] & ~first
    events = []
    candidates = np.flatnonzero(f | (has_rule[s] & (first | after_firing)))  # all others: no event
    for k in candidates:
        i = order[k]
        if f[k]:
            events.append({"sensor": int(s[k]), "ts": float(ts[i]), "value": float(value[i]), "level": 1, "kind": "raise"})
        else:
            events.append({"sensor": int(s[k]), "ts": float(ts[i]), "value": float(value[i]), "level": 0, "kind": "clear"})
    return events


def _num(x: float | None, missing: str) -> str:
    return missing if x is None else f"{x:g}"


def _storable(text: str) -> str:
    """Text as the dead-letter table can keep it whatever the payload held: NUL and unpaired
    surrogates are replaced (PostgreSQL refuses both), so recording a refusal cannot fail."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _dead(source: str, reject: payloads.Reject, raw: bytes | None, reading: dict | None = None) -> DeadLetter:
    if raw is not None:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    else:
        text = json.dumps(reading, ensure_ascii=False)
    return DeadLetter(source=_storable(source[:200]), reason=reject.reason, detail=_storable(reject.detail[:300]),
                      device_id=_storable(reject.device[:64]), payload=_storable(text[:PAYLOAD_KEPT]))


def _fields(letter: DeadLetter) -> dict:
    return {f: getattr(letter, f) for f in ("source", "reason", "detail", "device_id", "payload")}


def report_quarantined(rows: list[tuple[int, float, float]], now: datetime.datetime) -> None:
    """Stored readings the aggregate job removed as impossible (storage.quarantine_readings): each
    becomes an ``out_of_range`` dead letter, the job run says how many, and the log names them."""
    from yingji.core.models import JobRun

    devices = dict(Sensor.objects.filter(pk__in={s for s, _, _ in rows}).values_list("pk", "device_id"))
    letters = []
    for sensor_id, epoch, value in rows:
        device = devices.get(sensor_id, f"#{sensor_id}")
        reject = payloads.Reject("out_of_range", f"已入库的数值 value={value:g}（{payloads.when_text(epoch)}）超出合理范围，"
                                                 "汇总时剔除", None, device)
        letters.append(_dead("aggregates", reject, None, reading={"device": device, "ts": epoch, "value": str(value)}))
        log.warning("汇总任务剔除异常读数：传感器 %s 时间 %s 数值 %g", device, payloads.when_text(epoch), value)
    DeadLetter.objects.bulk_create(letters)
    JobRun.objects.create(name="readings-aggregates", started_at=now, finished_at=timezone.now(), ok=True,
                          detail=f"剔除异常读数 {len(rows)} 条（已转入拒收数据），其余传感器照常汇总："
                                 + "、".join(sorted({devices.get(s, f'#{s}') for s, _, _ in rows}))[:500])


def mark_offline(now: datetime.datetime | None = None, factor: float = 3.0) -> int:
    """Sensors silent for more than ``factor`` × their interval go 离线 and get an offline alarm."""
    from yingji.monitoring.alarms import apply_events

    now = now or timezone.now()
    silent = [s for s in Sensor.objects.filter(status="online", last_seen__isnull=False)
              if (now - s.last_seen).total_seconds() > factor * s.interval_s]
    if not silent:
        return 0
    with transaction.atomic():
        # updated_at too: the owning ingest worker notices the registry changed (storage.registry_mark)
        Sensor.objects.filter(pk__in=[s.pk for s in silent]).update(status="offline", updated_at=now)
        apply_events(silent, [{"sensor": i, "ts": now.timestamp(), "value": s.last_value, "level": 1, "kind": "raise"}
                              for i, s in enumerate(silent)], "offline")
    return len(silent)
