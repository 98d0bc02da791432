"""Supervision at scale, on PostgreSQL (issue #21): the random draw over 20,000 enterprises and 200
inspectors — the pure engine, the candidate query, and the whole draw with its checks — and the
plan-progress page and API over 30,000 checks. Prints p50/p95 per scenario and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench_supervision python -m benchmarks.supervision
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench_supervision")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, report, start  # noqa: E402

N_ENTERPRISES = 20_000
N_INSPECTORS = 200
N_CHECKS = 30_000
DRAWN = 100  # enterprises per draw (a county's yearly random share is tens to a few hundred)


def load(log):
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction

    from yingji.core.directory.codes import credit_code_check_char
    from yingji.core.framework import demo
    from yingji.core.models import Organization, Person, Region
    from yingji.supervision.models import Inspection, InspectionObject, Inspector, PlanItem

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    rng = random.Random(21)
    villages = list(Region.objects.filter(level="village").values_list("pk", flat=True))
    county = Region.objects.get(level="county")
    bureau = Organization.objects.get(name="浏阳市应急管理局")
    with transaction.atomic(), disable_auditlog():
        have = InspectionObject.objects.count()
        if have < N_ENTERPRISES:
            t0 = time.perf_counter()
            orgs = []
            for i in range(have, N_ENTERPRISES):
                body = f"91430181B{i:08d}"
                orgs.append(Organization(credit_code=body + credit_code_check_char(body), name=f"压测企业{i}",
                                         kind="enterprise", industry_code="C2672", region_id=rng.choice(villages)))
            Organization.objects.bulk_create(orgs, batch_size=5000)
            InspectionObject.objects.bulk_create([InspectionObject(
                organization=o, region_id=o.region_id, enterprise_class="fireworks",
                standardization=rng.choice(["level2", "level3", "none"])) for o in orgs], batch_size=5000)
            log(f"loaded inspection objects: {InspectionObject.objects.count():,} in {time.perf_counter() - t0:.1f}s")
        have = Inspector.objects.count()
        if have < N_INSPECTORS:
            people = Person.objects.bulk_create([Person(name=f"执法员{i}", mobile=f"137{i:08d}", region=county,
                                                        organization=bureau) for i in range(have, N_INSPECTORS)])
            Inspector.objects.bulk_create([Inspector(person=p, unit=bureau, region=county, certificate_number=f"B{i:06d}",
                                                     certificate_expires=datetime.date(2099, 1, 1))
                                           for i, p in enumerate(people, have)])
        item = PlanItem.objects.order_by("id").first()
        have = Inspection.objects.count()
        if have < N_CHECKS:
            t0 = time.perf_counter()
            objects = list(InspectionObject.objects.values_list("organization_id", "region_id"))
            items = list(PlanItem.objects.filter(plan=item.plan))
            year = item.plan.year
            batch = []
            for _ in range(have, N_CHECKS):
                org, region = rng.choice(objects)
                state = rng.choice(["completed"] * 6 + ["planned", "in_progress", "cancelled"])
                finished = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), 2, tzinfo=datetime.UTC)
                batch.append(Inspection(organization_id=org, region_id=region, plan_item=rng.choice(items),
                                        trigger="random", year=year, state=state,
                                        finished_at=finished if state == "completed" else None))
            Inspection.objects.bulk_create(batch, batch_size=5000)
            log(f"loaded checks: {Inspection.objects.count():,} in {time.perf_counter() - t0:.1f}s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def timed(call, runs: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


class Rollback(Exception):
    pass


def main():
    args = start(__doc__.splitlines()[0])
    from django.db import transaction
    from django.test import Client

    from yingji.core.models import User
    from yingji.supervision import draw, services
    from yingji.supervision.models import Inspection, InspectionObject, Inspector, PlanItem

    load(print)
    staff = User.objects.get(username="staff")
    item = PlanItem.objects.order_by("id").first()
    objects = [f"91430181B{i:08d}" for i in range(N_ENTERPRISES)]
    inspectors = [f"B{i:06d}" for i in range(N_INSPECTORS)]
    exclusions = {objects[i]: inspectors[i % 50:i % 50 + 3] for i in range(0, N_ENTERPRISES, 7)}

    def whole_draw():
        try:
            with transaction.atomic():
                services.make_draw(staff, item, n_objects=DRAWN, seed=random.randrange(2**32))
                raise Rollback
        except Rollback:
            pass

    print(f"machine: {machine()} (shared with other engineers' test runs today: figures are upper bounds)")
    print(f"data: {InspectionObject.objects.count():,} enterprises in the 名录库, {Inspector.objects.count():,} "
          f"inspectors, {Inspection.objects.count():,} checks; user 'staff' (county scope); {args.runs} runs each")
    width = 52
    print(f"{'scenario':{width}s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, call in [
        (f"engine: draw {DRAWN} of 20,000 × groups of 2 of 200", lambda: draw.run(
            random.randrange(2**32), objects, inspectors, DRAWN, 2, exclusions)),
        ("engine: verify that draw (sort, hash, re-run)", lambda: draw.verify(
            1, sorted(objects), inspectors, draw.list_hash(sorted(objects)), draw.list_hash(inspectors), DRAWN, 2,
            exclusions, [])),
        ("service: candidates (名录库, caps, exclusions)", lambda: services.candidates(staff, item, {})),
        (f"service: whole draw + {DRAWN} checks (rolled back)", whole_draw),
    ]:
        p50, p95 = timed(call, args.runs)
        print(f"{name:{width}s} {p50:8.1f} {p95:8.1f}")
    client = Client()
    client.force_login(staff)
    report(client, [("plan progress page (30,000 checks)", f"/supervision/plans/{item.plan_id}/progress/"),
                    ("plan progress API", f"/api/supervision/plans/{item.plan_id}/progress/")], args.runs, width=width)


if __name__ == "__main__":
    main()
