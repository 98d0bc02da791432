"""Disaster-text extraction (issue 23): accuracy on the labelled real texts of
tests/data/extraction/texts/ (dev: tuned on; holdout: never tuned on, scored only here) and speed.

Scoring (yingji/extraction/scoring.py, docs/decisions/0023-disaster-text-extraction.md): per text
and field — event_type, event_subtype, occurred_date, places, deaths, missing, injured,
injured_serious, trapped, affected_population, relocated, need_emergency_relief, houses_collapsed,
houses_damaged, crop_affected_ha, crop_lost_ha, direct_loss_cny, cumulative — with truth t and
prediction p (null = unknown): both null counts nothing; equal is a true positive; p given where t is
null is a false positive; t given and p null a false negative; both given and different one of each.
Numbers match exactly (areas within 0.1 ha, since 亩 → 公顷 leaves fractions), houses by value and unit,
places one by one by code (the same administrative unit; a true place with a null code by name).
Micro-F1 = 2·TP / (2·TP + FP + FN) over all fields of all texts of a split. The approximate flags are
scored apart (set per text), outside the micro-F1.

Speed: texts per CPU-second of one process (one core) over the set's texts cut or repeated to 500
characters each, after one warm-up pass (the gazetteer loads once per process); the wall-clock rate is
printed beside it, since on a shared machine the process does not have its core to itself.

    python -m benchmarks.extraction            # scores and speed
    python -m benchmarks.extraction --errors   # and the dev split's wrong fields, text by text
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

from yingji.extraction import scoring
from yingji.extraction.engine import extract

FOLDER = Path(__file__).resolve().parents[1] / "tests" / "data" / "extraction" / "texts"


def table(name: str, result: scoring.Score) -> None:
    print(f"\n{name}: {result.texts} texts · micro-F1 {result.micro_f1:.3f} "
          f"(TP {result.total.tp} · FP {result.total.fp} · FN {result.total.fn})")
    print(f"{'field':24} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
    for field, c in [*result.fields.items(), ("(approximate flags)", result.approximate)]:
        print(f"{field:24} {c.tp:4} {c.fp:4} {c.fn:4} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}")


def errors(texts: list[dict]) -> None:
    for t in texts:
        if t["split"] != "dev":
            continue
        got = scoring.predict(t)
        for field, c in scoring.score_text(t["labels"], got).items():
            if c.fp or c.fn:
                print(f"{t['id']}: {field}: truth {t['labels'].get(field)!r} · got {got.get(field)!r}")


def speed(texts: list[dict], seconds: float = 5.0) -> tuple[float, int]:
    samples = []
    for t in texts:
        body = t["text"]
        while len(body) < 500:
            body += t["text"]
        samples.append(body[:500])
    for s in samples:
        extract(s)
    done, t0, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        for s in samples:
            extract(s)
        done += len(samples)
    return done / (time.perf_counter() - t0), done / (time.process_time() - cpu0), len(samples)


def main() -> None:
    texts = scoring.load_texts(FOLDER)
    print(f"machine: {platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · Python "
          f"{platform.python_version()} · load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          "(a shared machine: other work runs beside this)")
    for split in ("dev", "holdout"):
        table(split, scoring.score_split(texts, split))
    if "--errors" in sys.argv:
        print()
        errors(texts)
    wall, cpu, n = speed(texts)
    print(f"\nspeed: {cpu:.0f} texts/s of 500 characters per CPU-second of one process "
          f"({wall:.0f} texts/s by the wall clock, shared with the machine's other work; {n} distinct texts)")


if __name__ == "__main__":
    main()
