"""Situation-map assembly (态势图) for an incident in the demo county scaled ×100, on PostgreSQL
(issue #6: p95 under 500 ms). Prints p50/p95 and the machine.

Loads the demo county once, then copies its risk points, major hazard sources, vulnerable targets,
teams, warehouses (with their stock lines) and shelters 99 times each, jittered up to ±0.02° around
the original, and places 20 incidents on random village centres. Measures the situation API (what a
page fetches every 30 s) through Django's in-process client: the demo's open landslide (a drawn
0.6 km affected area and a team on its way), and the 20 incidents in turn, at the page's default
5 km radius and at 10 km, then again with a drawn affected area (a 1.5 km circle) each.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench_response python -m benchmarks.response
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench_response")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, start  # noqa: E402

SCALE = 100
N_INCIDENTS = 20


def _copies(model, rng, rename=("name",), extra=None):
    """SCALE − 1 jittered copies of every row of ``model`` (bulk, no signals)."""
    rows = list(model.objects.all())
    out = []
    for k in range(1, SCALE):
        for obj in rows:
            copy = model(**{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields
                            if not f.primary_key})
            for name in rename:
                setattr(copy, name, f"{getattr(obj, name)}-{k}")
            if copy.lon is not None:
                copy.lon += rng.uniform(-0.02, 0.02)
                copy.lat += rng.uniform(-0.02, 0.02)
            if extra:
                extra(copy, k)
            out.append(copy)
    model.objects.bulk_create(out, batch_size=5000)
    return len(rows), model.objects.count()


def load(log):
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from yingji.core.framework import demo
    from yingji.core.models import Region
    from yingji.incidents.models import Incident
    from yingji.resources.models import Shelter, StockLevel, Team, Warehouse
    from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    if Team.objects.count() >= 54 * SCALE:
        return
    rng = random.Random(6)
    t0 = time.perf_counter()
    with transaction.atomic(), disable_auditlog():
        for model in (RiskPoint, HazardSource, VulnerableTarget, Team, Shelter):
            before, after = _copies(model, rng)
            log(f"{model._meta.verbose_name}: {before:,} → {after:,}")
        originals = list(Warehouse.objects.order_by("pk"))
        levels = list(StockLevel.objects.all())
        _copies(Warehouse, rng)
        copies = list(Warehouse.objects.exclude(pk__in=[w.pk for w in originals]).order_by("pk"))
        new_levels = []
        for j, w in enumerate(copies):
            source = originals[j % len(originals)]
            for lv in levels:
                if lv.warehouse_id == source.pk:
                    new_levels.append(StockLevel(warehouse=w, material_id=lv.material_id, quantity=lv.quantity,
                                                 minimum=lv.minimum, region_id=w.region_id,
                                                 organization_id=w.organization_id))
        StockLevel.objects.bulk_create(new_levels, batch_size=5000)
        log(f"储备库: {len(originals):,} → {Warehouse.objects.count():,}; stock lines {StockLevel.objects.count():,}")
        villages = list(Region.objects.filter(level="village").exclude(centroid_lon=None))
        now = timezone.now()
        for i, v in enumerate(rng.sample(villages, N_INCIDENTS)):
            Incident.objects.create(title=f"基准事件{i}", event_type="21400", occurred_at=now - datetime.timedelta(hours=1),
                                    received_at=now, address=v.name, region=v, lon=v.centroid_lon, lat=v.centroid_lat,
                                    description="基准测试", trapped=1)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"scaled ×{SCALE} in {time.perf_counter() - t0:.1f}s")


def measure(client, urls, runs, warmup=3):
    for url in urls[:warmup]:
        client.get(url)
    times = []
    for i in range(runs):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], response.json()


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    from yingji.core.models import User
    from yingji.incidents.models import Incident
    from yingji.resources.models import Shelter, Team, Warehouse
    from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget

    load(print)
    client = Client()
    client.force_login(User.objects.get(username="duty"))  # county scope
    print(f"machine: {machine()}")
    print(f"data: {RiskPoint.objects.count():,} risk points, {HazardSource.objects.count():,} hazard sources, "
          f"{VulnerableTarget.objects.count():,} vulnerable targets, {Team.objects.count():,} teams, "
          f"{Warehouse.objects.count():,} warehouses, {Shelter.objects.count():,} shelters; user 'duty' "
          f"(county scope); {args.runs} runs each after 3 warm-ups")
    landslide = Incident.objects.get(title__endswith="山体滑坡")
    bench = list(Incident.objects.filter(title__startswith="基准事件").values_list("pk", flat=True))
    print(f"{'scenario':46s} {'p50 ms':>8s} {'p95 ms':>8s}  items near")
    for name, urls in [
        ("landslide, 5 km", [f"/api/incidents/{landslide.pk}/situation/"]),
        ("20 incidents in turn, 5 km", [f"/api/incidents/{pk}/situation/" for pk in bench]),
        ("20 incidents in turn, 10 km", [f"/api/incidents/{pk}/situation/?radius_km=10" for pk in bench]),
    ]:
        report(name, *measure(client, urls, args.runs))
    areas = Incident.objects.filter(pk__in=bench)
    for pk, lon, lat in areas.values_list("pk", "lon", "lat"):
        Incident.objects.filter(pk=pk).update(affected_area=json.dumps({"circle": [lon, lat, 1.5]}))
    try:
        report("20 incidents, drawn 1.5 km area + 5 km", *measure(
            client, [f"/api/incidents/{pk}/situation/" for pk in bench], args.runs))
    finally:
        areas.update(affected_area="")


def report(name, p50, p95, last):
    near = sum(last["counts"][k] for k in ("risk_points", "hazard_sources", "vulnerable_targets"))
    print(f"{name:46s} {p50:8.1f} {p95:8.1f}  {near:,}")


if __name__ == "__main__":
    main()
