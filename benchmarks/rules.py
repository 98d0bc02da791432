"""Alarm rule engine alone (issue #4): readings per second through `monitoring.rules.evaluate` for
10,000 sensors, in batches, with hysteresis and rate rules on every sensor and duration rules on a
tenth. Prints the figure and the machine. (The end-to-end ingest benchmark comes with issue #4.)

    python -m benchmarks.rules
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

from yingji.monitoring.rules import RuleSet, State, evaluate

N_SENSORS = 10_000


def main(batches: int = 100, batch_size: int = 10_000):
    rng = np.random.default_rng(1)
    sensors = [{"thresholds": [20, 40], "deadband": 1.0, "max_rate_per_min": 30,
                "min_duration_s": 30 if i % 10 == 0 else 0} for i in range(N_SENSORS)]
    rules, state = RuleSet.build(sensors), State.fresh(N_SENSORS)
    level = rng.uniform(0, 25, N_SENSORS)  # a random walk per sensor, some wandering across thresholds
    clock = 0.0
    total, elapsed, events = 0, 0.0, 0
    for _ in range(batches):
        s = rng.integers(0, N_SENSORS, batch_size)
        clock += 1.0
        t = clock + rng.uniform(0, 1, batch_size)
        level[s] += rng.normal(0, 0.8, batch_size)
        v = level[s]
        t0 = time.perf_counter()
        result = evaluate(rules, state, s, t, v)
        elapsed += time.perf_counter() - t0
        total += batch_size
        events += len(result.events)
    print(f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · Python "
          f"{platform.python_version()} · NumPy {np.__version__}")
    print(f"{total:,} readings from {N_SENSORS:,} sensors in batches of {batch_size:,}: "
          f"{total / elapsed:,.0f} readings/s on one core ({events:,} level changes)")


if __name__ == "__main__":
    main()
