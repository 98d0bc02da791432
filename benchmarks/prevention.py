"""Prevention at scale, on PostgreSQL: the four-colour map and the hidden-hazard dashboard with
50,000 risk points and 100,000 hazards (issue #3). Prints p50/p95 per scenario and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench python -m benchmarks.prevention
"""

from __future__ import annotations

import datetime
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, report, start  # noqa: E402

N_RISK_POINTS = 50_000
N_HAZARDS = 100_000


def load(log):
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from yingji.core.framework import demo
    from yingji.core.models import Organization
    from yingji.hazards.models import Hazard
    from yingji.risk.models import RiskPoint

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    rng = random.Random(7)
    orgs = list(Organization.objects.filter(kind="enterprise").values_list("pk", "region_id")[:20000])
    levels = ["major"] * 5 + ["high"] * 20 + ["moderate"] * 40 + ["low"] * 35
    with transaction.atomic(), disable_auditlog():
        have = RiskPoint.objects.count()
        if have < N_RISK_POINTS:
            t0 = time.perf_counter()
            RiskPoint.objects.bulk_create([RiskPoint(
                name=f"风险点{i}", organization_id=org, region_id=region, kind="area", hazard_factor="material",
                accident_types="火灾", responsible_person="张", level=rng.choice(levels), assessed_at=timezone.now())
                for i, (org, region) in ((i, rng.choice(orgs)) for i in range(have, N_RISK_POINTS))], batch_size=5000)
            log(f"loaded risk points: {RiskPoint.objects.count():,} in {time.perf_counter() - t0:.1f}s")
        have = Hazard.objects.count()
        if have < N_HAZARDS:
            t0 = time.perf_counter()
            states = ["closed"] * 60 + ["rectifying"] * 15 + ["overdue"] * 5 + ["reported"] * 8 + \
                ["awaiting_acceptance"] * 7 + ["rejected"] * 5
            now = timezone.now()
            batch = []
            for i in range(have, N_HAZARDS):
                org, region = rng.choice(orgs)
                state = rng.choice(states)
                found = now - datetime.timedelta(days=rng.randint(0, 720), hours=rng.randint(0, 23))
                batch.append(Hazard(
                    title=f"隐患{i}", organization_id=org, region_id=region, description="d", channel="self_inspection",
                    finder="f", found_at=found, grade="major" if rng.random() < 0.03 else "general", state=state,
                    major_basis="判定标准", deadline=(found + datetime.timedelta(days=30)).date(),
                    closed_at=found + datetime.timedelta(days=rng.randint(1, 60)) if state == "closed" else None,
                    escalated_at=now if state == "overdue" else None))
                if len(batch) == 10000:
                    Hazard.objects.bulk_create(batch)
                    batch = []
            Hazard.objects.bulk_create(batch)
            log(f"loaded hazards: {Hazard.objects.count():,} in {time.perf_counter() - t0:.1f}s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    from yingji.core.models import User
    from yingji.hazards.models import Hazard
    from yingji.risk.models import RiskPoint

    load(print)
    client = Client()
    client.force_login(User.objects.get(username="staff"))  # county scope
    print(f"machine: {machine()}")
    print(f"data: {RiskPoint.objects.count():,} risk points, {Hazard.objects.count():,} hazards; user 'staff' "
          f"(county scope); {args.runs} runs each after 3 warm-ups")
    report(client, [
        ("四色图 layer, townships (recomputed)", "/api/map/regions.geojson?level=township"),
        ("四色图 layer, villages (recomputed)", "/api/map/regions.geojson?level=village"),
        ("四色图 page with counts by level", "/risk/map/"),
        ("hazard dashboard page", "/hazards/dashboard/"),
        ("hazard dashboard API", "/api/hazards/dashboard/"),
        ("hazard list, open, page 1", "/registry/hazards/?state=overdue"),
    ], args.runs, width=44)


if __name__ == "__main__":
    main()
