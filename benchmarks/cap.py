"""CAP 1.2 kept whole (issue 17): messages per second through the engine for the fifteen real
messages in tests/data/cap/third_party/ — schema check alone (what the old import did before reading
a few fields), whole parse, and parse + render (the re-export, schema-checked again). Ratios are
measured in the same run, so they hold on a shared machine.

    python -m benchmarks.cap
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

from yingji.warnings import cap

FILES = sorted((Path(__file__).resolve().parents[1] / "tests" / "data" / "cap" / "third_party").glob("*.xml"))


def rate(fn, messages, rounds):
    t0 = time.perf_counter()
    for _ in range(rounds):
        for m in messages:
            fn(m)
    return rounds * len(messages) / (time.perf_counter() - t0)


def main(rounds: int = 40):
    messages = [p.read_bytes() for p in FILES]
    cap.schema()  # loaded once per process
    check = rate(cap.validate, messages, rounds)
    parse = rate(cap.parse, messages, rounds)
    both = rate(lambda m: cap.render(cap.parse(m)), messages, rounds)
    print(f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · Python "
          f"{platform.python_version()}")
    print(f"{len(messages)} messages × {rounds} rounds, {sum(map(len, messages)) / 1024:.0f} KiB")
    print(f"schema check only   {check:8.0f} msg/s")
    print(f"whole parse         {parse:8.0f} msg/s  ({parse / check:.2f} × the schema check)")
    print(f"parse + re-export   {both:8.0f} msg/s  ({both / check:.2f} × the schema check)")


if __name__ == "__main__":
    main()
