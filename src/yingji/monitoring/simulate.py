"""Realistic readings for the demo county's sensors, with injected anomalies (pure, no Django):
a gas leak ramp, a river rising past its warning level, and a sensor that goes silent."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass
class SimSensor:
    device: str
    quantity: str
    level1: float | None
    level2: float | None
    rising: bool = True


BASELINE = {"combustible_gas": (2.0, 1.0), "toxic_gas": (1.0, 0.5), "temperature": (18.0, 0.5), "pressure": (0.8, 0.02),
            "liquid_level": (6.0, 0.05), "rainfall": (0.5, 0.4), "displacement": (1.0, 0.3), "wind_speed": (3.0, 1.0)}


class Scenario:
    """Values at time ``t`` seconds after the start. Anomalies start at ``start_s``: the first gas
    sensor ramps to its 二级 threshold and beyond over ``ramp_s``, the first water-level sensor rises
    past its 一级 level, and the first displacement sensor falls silent."""

    def __init__(self, sensors: list[SimSensor], start_s: float = 20.0, ramp_s: float = 90.0, seed: int = 7):
        self.sensors = sensors
        self.start_s, self.ramp_s = start_s, ramp_s
        self.rng = random.Random(seed)
        first = lambda q: next((s.device for s in sensors if s.quantity == q and s.level1 is not None), None)  # noqa: E731
        self.leak, self.flood, self.silent = first("combustible_gas"), first("water_level"), first("displacement")

    def _ramp(self, t: float) -> float:
        return min(1.0, max(0.0, (t - self.start_s) / self.ramp_s))

    def value(self, s: SimSensor, t: float) -> float:
        if s.quantity == "water_level":
            warn = s.level1 or 30.0
            base = warn - 1.2 + 0.01 * math.sin(t / 600)
            if s.device == self.flood:
                base += 1.6 * self._ramp(t)  # 1.2 m below the warning level → 0.4 m above it
            return round(base + self.rng.gauss(0, 0.001), 3)  # gauges read to the millimetre, steadily
        mean, sd = BASELINE.get(s.quantity, (1.0, 0.1))
        v = max(0.0, self.rng.gauss(mean, sd))
        if s.device == self.leak:
            v += ((s.level2 or 40.0) * 1.2 - mean) * self._ramp(t)
        return round(v, 3)

    def readings(self, t: float, now: float) -> list[dict]:
        silent = t > self.start_s
        return [{"device": s.device, "ts": now, "value": self.value(s, t)} for s in self.sensors
                if not (silent and s.device == self.silent)]
