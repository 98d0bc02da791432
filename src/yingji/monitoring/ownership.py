"""Sensors owned by ingest workers: a stable partition of the fleet, and the owner's rule state in memory.

Each of N ingest workers owns the sensors whose device id hashes to its partition (CRC-32 of the
设备编号 modulo N: stable across restarts, machines and Python versions). Every worker has its own
plain, persistent MQTT subscription and skips the readings it does not own, so one sensor's
readings are always evaluated by one process and its rule state (level, pending excursion, last
value and time) can live in that process's memory: no lock, read or rewrite of sensor rows per batch.

Hand-over. The owner writes its sensors' state to their rows every ``checkpoint_s`` and when it
stops (``checkpoint``). A batch's readings and the alarm changes they cause commit in one
transaction, and messages are acknowledged to the broker only after that, so after a crash the
database holds every acknowledged reading and its alarms; only the in-memory state since the last
checkpoint is lost. A worker that (re)starts therefore loads the checkpoint and replays through the
rules the readings stored after it (``storage.readings_after_checkpoint``) with their alarm events
dropped (already applied): the state it continues from is the one it had before the crash.
Messages the crashed worker had stored but not acknowledged come again and are duplicates (unique
(sensor, ts)), neither stored nor evaluated twice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import compress

import numpy as np

from yingji.monitoring.rules import RuleSet, State, evaluate


@dataclass(frozen=True)
class Partition:
    index: int = 0
    count: int = 1

    def __post_init__(self):
        if not 0 <= self.index < self.count:
            raise ValueError(f"分区 {self.index}/{self.count} 无效")
        object.__setattr__(self, "_known", {})  # device → owned?: every worker sees every reading

    @classmethod
    def parse(cls, text: str) -> Partition:
        """``"K/N"`` with K counted from 1, as operators write it (``--partition 2/4``)."""
        k, n = (int(x) for x in text.split("/"))
        return cls(k - 1, n)

    def owns(self, device: str | None) -> bool:
        """Whether this partition takes the device's readings; what names no device (a payload that
        is not JSON, a reading without ``device``) is the first partition's to record."""
        if self.count == 1:
            return True
        if not isinstance(device, str):
            return self.index == 0
        known = self._known.get(device)
        if known is None:
            if len(self._known) > 1_000_000:  # device ids are a fleet, not a stream; bound it anyway
                self._known.clear()
            known = self._known[device] = owner(device, self.count) == self.index
        return known

    __call__ = owns  # a partition is what payload.parse takes as ``owns``

    def keep(self, devices: list) -> list[int]:
        """Positions of the devices this partition owns (``owns`` for a whole payload, at the cost of a
        dictionary lookup each: every worker sees every reading)."""
        flags = list(map(self._known.get, devices))
        if None in flags:
            flags = [self.owns(d if isinstance(d, str) else None) for d in devices]
        return list(compress(range(len(devices)), flags))


def owner(device: str, count: int) -> int:
    """The partition (0-based) of ``count`` that owns ``device``."""
    return zlib.crc32(device.strip().encode("utf-8", "surrogatepass")) % count


_RULE_FIELDS = ("rising", "deadband", "min_duration_s", "max_rate_per_min", "interval_s")
_STATE_FIELDS = ("level", "pending_level", "pending_since", "last_value", "last_ts")


class OwnedStates:
    """Rule settings and state of the sensors this worker owns, by slot; loaded on first sight.

    Settings (thresholds, deadband …) are read again (``reread``) when the ingest service sees the
    sensor registry change; the state is only ever written by this owner."""

    def __init__(self):
        self.slot: dict[int, int] = {}
        self.ids = np.empty(0, np.int64)
        self.rules = RuleSet(np.empty((0, 4)), np.empty(0, bool), *(np.empty(0) for _ in range(4)))
        self.state = State.fresh(0)
        self.dirty = np.zeros(0, bool)

    def __len__(self):
        return len(self.ids)

    def ensure(self, pks) -> None:
        """Load (checkpoint + replay) the sensors not yet held; call before the batch is stored."""
        from yingji.monitoring import storage

        missing = np.array(sorted({int(p) for p in pks} - self.slot.keys()), dtype=np.int64)
        if not len(missing):
            return
        loaded = storage.sensor_state(missing, strict=False)
        ids = loaded["id"]
        rules = _rules(loaded)
        state = State(level=loaded["level"], pending_level=loaded["pending_level"],
                      pending_since=loaded["pending_since"], last_value=loaded["last_value"], last_ts=loaded["last_ts"])
        s, t, v = storage.readings_after_checkpoint(ids)
        if len(s):  # alarms of these readings were committed with them: only the state is rebuilt
            evaluate(rules, state, np.searchsorted(ids, s), t, v)
        base = len(self.ids)
        self.slot.update({int(p): base + k for k, p in enumerate(ids)})
        self.ids = np.r_[self.ids, ids]
        self.rules = RuleSet(np.vstack([self.rules.thresholds, rules.thresholds]),
                             *(np.r_[getattr(self.rules, f), getattr(rules, f)] for f in _RULE_FIELDS))
        self.state = State(*(np.r_[getattr(self.state, f), getattr(state, f)] for f in _STATE_FIELDS))
        self.dirty = np.r_[self.dirty, np.ones(len(ids), bool) if len(s) else np.zeros(len(ids), bool)]

    def reread(self) -> None:
        """Settings of the sensors held, read again (a registry edit); their state stays."""
        from yingji.monitoring import storage

        if not len(self.ids):
            return
        order = np.argsort(self.ids)
        loaded = storage.sensor_state(self.ids[order], strict=False)
        rules = _rules(loaded)
        at = order[np.searchsorted(self.ids[order], loaded["id"])]
        self.rules.thresholds[at] = rules.thresholds
        for f in _RULE_FIELDS:
            getattr(self.rules, f)[at] = getattr(rules, f)

    def slots(self, pks: np.ndarray) -> np.ndarray:
        return np.fromiter((self.slot[int(p)] for p in pks), dtype=np.int64, count=len(pks))

    def view(self, slots: np.ndarray) -> tuple[RuleSet, State]:
        """Settings and a copy of the state of ``slots``, indexed 0…len(slots)-1 for the engine."""
        r = self.rules
        return (RuleSet(r.thresholds[slots], *(getattr(r, f)[slots] for f in _RULE_FIELDS)),
                State(*(getattr(self.state, f)[slots].copy() for f in _STATE_FIELDS)))

    def put(self, slots: np.ndarray, state: State) -> None:
        for f in _STATE_FIELDS:
            getattr(self.state, f)[slots] = getattr(state, f)
        self.dirty[slots] = True

    def snapshot(self) -> tuple:
        return len(self.ids), tuple(getattr(self.state, f).copy() for f in _STATE_FIELDS), self.dirty.copy()

    def restore(self, snap: tuple) -> None:
        """Undo ``put``s of a batch whose transaction rolled back (sensors loaded meanwhile stay)."""
        n, arrays, dirty = snap
        for f, a in zip(_STATE_FIELDS, arrays, strict=True):
            getattr(self.state, f)[:n] = a
        self.dirty[:n] = dirty

    def take_dirty(self) -> tuple[np.ndarray, State] | None:
        """The changed sensors' ids and a copy of their state, now marked clean (for ``write``)."""
        slots = np.flatnonzero(self.dirty)
        if not len(slots):
            return None
        order = slots[np.argsort(self.ids[slots])]  # id order, as every writer of sensor rows locks them
        self.dirty[slots] = False
        return self.ids[order], State(*(getattr(self.state, f)[order].copy() for f in _STATE_FIELDS))

    def write(self, taken: tuple[np.ndarray, State]) -> None:
        """Write taken state to the sensor rows (one statement); on failure mark the sensors dirty
        again. Safe from another thread: correctness never rests on a checkpoint (the replay covers
        what one missed), only the length of a replay does."""
        from django.db import transaction

        from yingji.monitoring import storage

        ids, state = taken
        try:
            with transaction.atomic():
                storage.save_sensor_state(ids, state, online=False)
        except Exception:
            self.dirty[self.slots(ids)] = True
            raise

    def checkpoint(self) -> int:
        """Write the changed sensors' state to their rows now; returns how many."""
        taken = self.take_dirty()
        if taken is None:
            return 0
        self.write(taken)
        return len(taken[0])


def _rules(loaded: dict) -> RuleSet:
    return RuleSet(thresholds=loaded["thresholds"], rising=loaded["rising"], deadband=loaded["deadband"],
                   min_duration_s=loaded["min_duration_s"], max_rate_per_min=loaded["max_rate_per_min"],
                   interval_s=loaded["interval_s"])
