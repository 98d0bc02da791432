"""The demo county scaled ×N on PostgreSQL, for benchmarks: copies of its enterprises and other
organizations, risk points, major hazard sources, vulnerable targets, hidden hazards, teams,
warehouses (with their stock lines), shelters, monitoring points and sensors.

Incremental: ``scale_to(10)`` then ``scale_to(100)`` adds the 90 missing copies, so one database
serves a ×1 → ×10 → ×100 run. A copy is the original row with its name suffixed ``＃k`` (k = 1 …
N−1), its point jittered up to ±0.02°, its unique codes made unique; its foreign keys are the
original's (as benchmarks/response.py did): the demo's enterprises gain N× their risk points and
hazards, the copied enterprises have none. Bulk inserts without signals or history, then ANALYZE.

    from benchmarks.scale import scale_to; scale_to(10, print)
"""

from __future__ import annotations

import random
import time

MARK = "＃"  # a copy's name ends "＃k"; no demo name has it
BATCH = 5000


def _models():
    from yingji.core.models import Organization
    from yingji.hazards.models import Hazard
    from yingji.monitoring.models import MonitoringPoint, Sensor
    from yingji.resources.models import Shelter, Team, Warehouse
    from yingji.risk.models import HazardSource, RiskPoint, VulnerableTarget

    return [Organization, RiskPoint, HazardSource, VulnerableTarget, Hazard, Team, Warehouse, Shelter,
            MonitoringPoint, Sensor]


def _label_field(model) -> str:
    names = {f.name for f in model._meta.concrete_fields}
    return next(n for n in ("name", "title", "description") if n in names)


def _credit_code(n: int) -> str:
    from yingji.core.directory.codes import credit_code_check_char

    body = f"91430181{n:09d}"
    return body + credit_code_check_char(body)


def current_scale() -> int:
    """1 + the highest copy number present (1: the demo county alone)."""
    from yingji.core.models import Organization

    names = Organization.objects.filter(name__contains=MARK).values_list("name", flat=True)
    return 1 + max((int(n.rsplit(MARK, 1)[1]) for n in names.iterator()), default=0)


def _copy_rows(model, originals, ks, rng) -> int:
    label = _label_field(model)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    has_point = any(f.attname == "lon" for f in fields)
    made, batch = 0, []
    for k in ks:
        for i, row in enumerate(originals):
            copy = model(**{f.attname: getattr(row, f.attname) for f in fields})
            setattr(copy, label, f"{getattr(row, label)}{MARK}{k}")
            if model._meta.label == "core.Organization":
                copy.credit_code = _credit_code(100_000_000 + k * 100_000 + i)
            if model._meta.label == "monitoring.Sensor":
                copy.device_id = f"{row.device_id}{MARK}{k}"
            if has_point and copy.lon is not None:
                copy.lon += rng.uniform(-0.02, 0.02)
                copy.lat += rng.uniform(-0.02, 0.02)
            batch.append(copy)
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                made, batch = made + len(batch), []
    model.objects.bulk_create(batch)
    return made + len(batch)


def _copy_stock(originals, ks) -> int:
    from yingji.resources.models import StockLevel, Warehouse

    by_name = {}
    for w in Warehouse.objects.filter(name__contains=MARK).only("pk", "name", "region_id", "organization_id"):
        base, k = w.name.rsplit(MARK, 1)
        if int(k) in ks:
            by_name[(base, int(k))] = w
    levels = list(StockLevel.objects.filter(warehouse__in=originals))
    names = {w.pk: w.name for w in originals}
    rows = [StockLevel(warehouse=w, material_id=lv.material_id, quantity=lv.quantity, minimum=lv.minimum,
                       region_id=w.region_id, organization_id=w.organization_id)
            for lv in levels for k in ks if (w := by_name.get((names[lv.warehouse_id], k)))]
    StockLevel.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def scale_to(n: int, log=print) -> dict[str, int]:
    """Bring the loaded demo county to ×``n`` (no-op when it is there already); returns row counts."""
    from auditlog.context import disable_auditlog
    from django.db import connection, transaction

    from yingji.resources.models import Warehouse

    have = current_scale()
    counts = {}
    if have < n:
        ks = range(have, n)
        rng = random.Random(16 + have)
        t0 = time.perf_counter()
        with transaction.atomic(), disable_auditlog():
            for model in _models():
                label = _label_field(model)
                originals = list(model.objects.exclude(**{f"{label}__contains": MARK}).order_by("pk"))
                made = _copy_rows(model, originals, ks, rng)
                log(f"  {model._meta.verbose_name}: +{made:,}")
                if model is Warehouse:
                    log(f"  库存: +{_copy_stock(originals, set(ks)):,}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        log(f"scaled ×{have} → ×{n} in {time.perf_counter() - t0:.0f} s")
    for model in _models():
        counts[str(model._meta.verbose_name)] = model.objects.count()
    return counts
