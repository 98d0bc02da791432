"""Alarm rules over a batch of readings, vectorised with NumPy (pure, no Django).

Rule kinds, each configured per sensor:
- **threshold with levels**: up to four ascending thresholds for values going up (高报/高高报,
  or 四级…一级) or descending ones for values going down (低报/低低报); the level of a reading is how
  many thresholds it has crossed (0 = normal).
- **hysteresis**: once a level is reached it clears only when the value comes back past the
  threshold by the deadband, which stops an alarm flapping around its threshold.
- **duration**: a level counts only after the value has stayed at it for N seconds.
- **rate of change**: |Δvalue / Δt| per minute over consecutive readings at or above a limit.
- **offline**: no reading for k × the expected interval (checked against the clock, not readings).

State per sensor (last level, last value and time, when the current excursion began) carries from
one batch to the next, so splitting a stream into batches never changes the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_LEVELS = 4


@dataclass
class RuleSet:
    """Parameters for ``n`` sensors, as arrays indexed by sensor number."""

    thresholds: np.ndarray  # (n, MAX_LEVELS), NaN where a sensor has fewer levels; least severe first
    rising: np.ndarray  # (n,) bool: True = alarm on values going up, False = going down
    deadband: np.ndarray  # (n,) ≥ 0, in the sensor's unit
    min_duration_s: np.ndarray  # (n,) ≥ 0
    max_rate_per_min: np.ndarray  # (n,) NaN = no rate rule
    interval_s: np.ndarray  # (n,) expected reporting interval
    offline_factor: float = 3.0

    @classmethod
    def build(cls, sensors: list[dict]) -> RuleSet:
        """From plain dicts: {"thresholds": [...], "rising": bool, "deadband": x, "min_duration_s": s,
        "max_rate_per_min": r or None, "interval_s": s}."""
        n = len(sensors)
        th = np.full((n, MAX_LEVELS), np.nan)
        for i, s in enumerate(sensors):
            levels = list(s.get("thresholds", []))
            if len(levels) > MAX_LEVELS:
                raise ValueError(f"传感器 {i} 的报警级别超过 {MAX_LEVELS} 级")
            ordered = sorted(levels) if s.get("rising", True) else sorted(levels, reverse=True)
            if levels != ordered:
                raise ValueError(f"传感器 {i} 的报警阈值应按严重程度依次{'升高' if s.get('rising', True) else '降低'}")
            th[i, : len(levels)] = levels
        get = lambda key, default: np.array([s.get(key, default) if s.get(key) is not None else default  # noqa: E731
                                             for s in sensors], dtype=float)
        return cls(th, np.array([bool(s.get("rising", True)) for s in sensors]), get("deadband", 0.0),
                   get("min_duration_s", 0.0), get("max_rate_per_min", np.nan), get("interval_s", 60.0))


@dataclass
class State:
    level: np.ndarray  # (n,) int: current (hysteretic, confirmed) level
    pending_level: np.ndarray  # (n,) int: level the value is at, awaiting its duration
    pending_since: np.ndarray  # (n,) float: when the value reached pending_level (NaN = not pending)
    last_value: np.ndarray  # (n,) float, NaN = none yet
    last_ts: np.ndarray  # (n,) float, NaN = none yet

    @classmethod
    def fresh(cls, n: int) -> State:
        return cls(np.zeros(n, int), np.zeros(n, int), np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan))


@dataclass
class Result:
    level: np.ndarray  # per reading, the confirmed level after it
    rate_alarm: np.ndarray  # per reading, True when the rate-of-change rule fired
    events: list[dict] = field(default_factory=list)  # level changes: raise / escalate / lower / clear


def raw_levels(values: np.ndarray, th: np.ndarray, rising: np.ndarray, deadband: np.ndarray | None = None):
    """How many thresholds each value has crossed (reaching a threshold counts). With ``deadband``:
    how many levels still hold — a level clears only once the value is back by the full deadband."""
    v = values[:, None]
    crossed = np.where(rising[:, None], v >= th, v <= th)
    if deadband is not None:
        d = deadband[:, None]
        crossed |= np.where(rising[:, None], v > th - d, v < th + d)
    return (crossed & ~np.isnan(th)).sum(axis=1)


def evaluate(rules: RuleSet, state: State, sensor: np.ndarray, ts: np.ndarray, value: np.ndarray) -> Result:
    """Evaluate a batch (any order, any mix of sensors); ``state`` is updated in place."""
    sensor = np.asarray(sensor, dtype=int)
    ts = np.asarray(ts, dtype=float)
    value = np.asarray(value, dtype=float)
    order = np.lexsort((ts, sensor))  # by sensor, then time
    s, t, v = sensor[order], ts[order], value[order]
    n = len(s)
    th, rising = rules.thresholds[s], rules.rising[s]

    # Level crossed now, and the level that would still hold inside the deadband.
    enter = raw_levels(v, th, rising)
    hold = raw_levels(v, th, rising, rules.deadband[s])

    first = np.ones(n, bool)
    first[1:] = s[1:] != s[:-1]

    # Rate of change against the previous reading of the same sensor (or the carried state).
    prev_v = np.where(first, state.last_value[s], np.r_[np.nan, v[:-1]])
    prev_t = np.where(first, state.last_ts[s], np.r_[np.nan, t[:-1]])
    dt = t - prev_t
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.abs(v - prev_v) / dt * 60.0
    limit = rules.max_rate_per_min[s]
    rate_alarm = ~np.isnan(limit) & (dt > 0) & (rate >= limit)

    # Hysteresis: where enter == hold the level is determined; inside a deadband it is the previous
    # level clamped to [enter, hold] — a short sequential pass over those readings only.
    # The previous level is the hysteretic one, before its duration is confirmed: carried from the
    # last batch as pending_level for sensors with a duration rule (where level is the confirmed
    # one), so a batch boundary never changes the result.
    level = enter.copy()
    undecided = np.flatnonzero(enter != hold)
    carried = np.where(rules.min_duration_s > 0, state.pending_level, state.level)
    for i in undecided:
        prev = carried[s[i]] if first[i] else level[i - 1]
        level[i] = min(max(prev, enter[i]), hold[i])
    # Readings that are determined keep their level; the loop above used the already-final previous
    # level because determined positions never depend on it.

    # Duration: a new level is confirmed only after the value has stayed at or above it long enough.
    confirmed = _apply_duration(rules, state, s, t, level, first)

    # Events where the confirmed level changes, and the state to carry on.
    prev_conf = np.where(first, state.level[s], np.r_[0, confirmed[:-1]])
    events = []
    for i in np.flatnonzero(confirmed != prev_conf):
        before, after = int(prev_conf[i]), int(confirmed[i])
        kind = "clear" if after == 0 else "raise" if before == 0 else "escalate" if after > before else "lower"
        events.append({"sensor": int(s[i]), "ts": float(t[i]), "value": float(v[i]), "level": after,
                       "previous": before, "kind": kind})
    events.sort(key=lambda e: (e["ts"], e["sensor"]))  # chronological, as they happened
    last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    state.level[s[last]] = confirmed[last]
    state.last_value[s[last]] = v[last]
    state.last_ts[s[last]] = t[last]

    out_level = np.empty(n, int)
    out_rate = np.empty(n, bool)
    out_level[order], out_rate[order] = confirmed, rate_alarm
    return Result(out_level, out_rate, events)


def _apply_duration(rules, state, s, t, level, first):
    """Confirmed levels: rises wait ``min_duration_s`` at the new level; falls are immediate."""
    need = rules.min_duration_s[s]
    confirmed = level.copy()
    if not np.any(need > 0):
        return confirmed
    for i in np.flatnonzero(need > 0):  # sensors with a duration rule: a per-reading pass over them
        k = s[i]
        prev = state.level[k] if first[i] else confirmed[i - 1]
        if level[i] <= prev:
            confirmed[i] = level[i]
            state.pending_level[k], state.pending_since[k] = level[i], np.nan
            continue
        if state.pending_level[k] != level[i] or np.isnan(state.pending_since[k]):
            state.pending_level[k], state.pending_since[k] = level[i], t[i]
        confirmed[i] = level[i] if t[i] - state.pending_since[k] >= need[i] else prev
    return confirmed


def offline(rules: RuleSet, state: State, now: float) -> np.ndarray:
    """Sensors silent for more than offline_factor × their interval (never-seen sensors are not flagged)."""
    silent = now - state.last_ts
    return ~np.isnan(silent) & (silent > rules.offline_factor * rules.interval_s)
