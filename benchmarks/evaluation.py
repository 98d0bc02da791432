"""All plan indicators for five years over the ×100 demo county (issue 24): the time to compute the demo
plan's 10 indicators for 2021–2025 (and the base year) from their series — the platform's records and
the entered statistics — and the 安全发展指数 over the county's 32 townships for five years, with the
machine. Goal: under 5 s.

    YINGJI_DATA_DIR=/tmp/bench-evaluation python -m benchmarks.evaluation [--scale 100] [--runs 5]

Data: the demo county (loaded when absent), then what the indicators count multiplied ×scale the way
benchmarks/scale.py multiplies the registries (copies of the originals, bulk inserts without signals or
history): the incidents (the 2021–2025 history and the demo's own) and the disaster events with their
county 核报 and township breakdown. Runs on the configured database (SQLite by default, PostgreSQL with
YINGJI_DATABASE_URL); the series' queries are one grouped query per series and year range.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

MARK = "＃"


def scale_records(n: int, log) -> None:
    from django.db import transaction

    from yingji.disasters.models import DisasterEvent, DisasterReport
    from yingji.incidents.models import Incident

    if Incident.objects.filter(title__contains=MARK).exists():
        log("records already scaled")
        return
    t0 = time.perf_counter()
    with transaction.atomic():
        originals = list(Incident.objects.all())
        copies = []
        for k in range(1, n):
            for i, o in enumerate(originals):
                c = Incident(**{f.attname: getattr(o, f.attname) for f in Incident._meta.concrete_fields
                                if not f.primary_key})
                c.number, c.title = f"B{k:03d}{i:06d}", f"{o.title}{MARK}{k}"
                copies.append(c)
        Incident.objects.bulk_create(copies, batch_size=5000)
        events = list(DisasterEvent.objects.all())
        reports = {e.pk: list(e.reports.all()) for e in events}
        for k in range(1, n):
            new = []
            for e in events:
                c = DisasterEvent(**{f.attname: getattr(e, f.attname) for f in DisasterEvent._meta.concrete_fields
                                     if f.attname not in ("id", "uuid")})
                c.name = f"{e.name}{MARK}{k}"
                new.append(c)
            # the (onset, county, type, region) key is unique: a copy differs by its region (a village) and,
            # once the villages wrap round, by its day of onset (same year: the series count by year)
            for c, (village, wrap) in zip(new, _villages(len(new), k), strict=True):
                c.region_id = village
                c.onset_date = c.onset_date.replace(day=1 + wrap % 28)
            made = DisasterEvent.objects.bulk_create(new)
            rows = []
            for e, c in zip(events, made, strict=True):
                for r in reports[e.pk]:
                    rows.append(DisasterReport(**{f.attname: getattr(r, f.attname) for f in DisasterReport._meta.concrete_fields
                                                  if f.attname not in ("id", "uuid", "source_uuid", "event_id", "parent_id")},
                                               event_id=c.pk))
            DisasterReport.objects.bulk_create(rows, batch_size=5000)
    log(f"scaled ×{n}: {Incident.objects.count()} incidents, {DisasterReport.objects.count()} disaster reports "
        f"in {time.perf_counter() - t0:.0f} s")


_VILLAGE_IDS: list[int] = []


def _villages(count: int, k: int) -> list[tuple[int, int]]:
    """(village id, how many times the villages wrapped round) for the ``count`` copies of round ``k``."""
    from yingji.core.models import Region

    if not _VILLAGE_IDS:
        _VILLAGE_IDS.extend(Region.objects.filter(level="village").order_by("code").values_list("pk", flat=True))
    n = len(_VILLAGE_IDS)
    return [(_VILLAGE_IDS[(k * count + i) % n], (k * count + i) // n) for i in range(count)]


def machine() -> str:
    from django.db import connection

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    db = connection.vendor
    if db == "postgresql":
        with connection.cursor() as cur:
            cur.execute("show server_version")
            db = f"PostgreSQL {cur.fetchone()[0]}"
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version}"
    load = os.getloadavg()[0]
    return (f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · {mem:.0f} GiB · "
            f"Python {platform.python_version()} · {db} · load average {load:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from yingji.evaluation import services
    from yingji.evaluation.models import CompositeIndex, DevelopmentPlan

    if not DevelopmentPlan.objects.exists():
        from yingji.core.framework import demo

        demo.load(log=lambda *a: None)
    scale_records(args.scale, print)
    plan = DevelopmentPlan.objects.get()
    index = CompositeIndex.objects.get(name="安全发展指数")
    years = services.index_years(index)
    rows = []
    for name, fn in (("all 10 indicators, 2020–2025", lambda: services.plan_results(plan, until=2025)),
                     ("安全发展指数, 32 townships × 5 years", lambda: services.index_scores(index, years))):
        fn()  # warm-up (the road network is loaded once)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        rows.append((name, statistics.median(times), max(times)))
    print(machine())
    print(f"{'scenario':40s} {'median s':>9s} {'max s':>7s}")
    for name, med, worst in rows:
        print(f"{name:40s} {med:9.3f} {worst:7.3f}")


if __name__ == "__main__":
    main()
