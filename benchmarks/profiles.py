"""The enterprise 360 profile and its rule tags at scale, on PostgreSQL (issue #22): the profile page of
an enterprise with 5 years of history in the demo county ×100 (benchmarks/scale.py), and the tag job over
100,000 enterprises (first run, which writes every tag, and a steady run, which writes the difference).
Prints p50/p95 for the page, the job's wall time, and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench_profiles python -m benchmarks.profiles
"""

from __future__ import annotations

import datetime
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench_profiles")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, measure, start  # noqa: E402

N_ENTERPRISES = 100_000
YEARS = 5
BATCH = 5000
MARK = "＃压测"  # the enterprises added beyond ×100


def history(org, log):
    """Five years of an enterprise's life, unless present: 200 hazards a year (some late), 2 accidents,
    12 checks, 2 cases, 1,000 alarms and 4 drills a year, and 60 changes of its record."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from yingji.hazards.models import Hazard
    from yingji.incidents.models import Drill, Incident, Plan
    from yingji.monitoring.models import Alarm, Sensor
    from yingji.supervision.models import Inspection

    if Hazard.objects.filter(organization=org, title__startswith="五年").exists():
        return
    rng = random.Random(22)
    now = datetime.datetime.now(datetime.UTC)
    days = 365 * YEARS

    def moment():
        return now - datetime.timedelta(days=rng.uniform(0, days))

    hazards = []
    for i in range(200 * YEARS):
        found = moment()
        deadline = (found + datetime.timedelta(days=30)).date()
        late = i % 7 == 0
        closed = found + datetime.timedelta(days=40 if late else 20)
        hazards.append(Hazard(title=f"五年隐患{i}", organization=org, region_id=org.region_id, description="d",
                              channel="self_inspection", finder="f", found_at=found, deadline=deadline,
                              state="closed" if closed < now else "rectifying",
                              closed_at=closed if closed < now else None))
    Hazard.objects.bulk_create(hazards, batch_size=BATCH)
    Incident.objects.bulk_create([Incident(
        number=f"BENCH{i:05d}", title=f"五年事故{i}", event_type="21500", occurred_at=(at := moment()), received_at=at,
        address="厂区", region_id=org.region_id, organization=org, grade="larger" if i % 5 == 0 else "general",
        state="closed", description="d") for i in range(2 * YEARS)])
    item_year = now.year
    Inspection.objects.bulk_create([Inspection(organization=org, region_id=org.region_id, trigger="random",
                                               year=item_year, state="completed", finished_at=moment())
                                    for _ in range(12 * YEARS)])
    sensor = Sensor.objects.filter(organization=org).first()
    if sensor is not None:
        Alarm.objects.bulk_create([Alarm(sensor=sensor, region_id=sensor.region_id, organization=org, kind="threshold",
                                         state="cleared", opened_at=(at := moment()), last_at=at)
                                   for _ in range(1000 * YEARS)], batch_size=BATCH)
    plan = Plan.objects.filter(organization=org).first()
    if plan is not None:
        Drill.objects.bulk_create([Drill(plan=plan, region_id=plan.region_id, organization=org, date=moment().date(),
                                         kind="tabletop", scenario="s", participants="p") for _ in range(4 * YEARS)])
    kind = ContentType.objects.get_for_model(type(org))
    LogEntry.objects.bulk_create([LogEntry(content_type=kind, object_pk=str(org.pk), object_id=org.pk,
                                           object_repr=str(org), action=LogEntry.Action.UPDATE, timestamp=moment(),
                                           changes={"employees": ["100", str(100 + i)]}) for i in range(60)])
    log(f"5 years of history for {org.name}: {Hazard.objects.filter(organization=org).count():,} hazards, "
        f"{Alarm.objects.filter(organization=org).count():,} alarms")


def enterprises(log):
    """Enterprises up to N_ENTERPRISES, a share of them with facts the default rules count."""
    from auditlog.context import disable_auditlog
    from django.db import connection, transaction

    from yingji.core.directory.codes import credit_code_check_char
    from yingji.core.models import Organization, Region
    from yingji.hazards.models import Hazard
    from yingji.risk.models import HazardSource, RiskPoint

    have = Organization.objects.filter(kind="enterprise").count()
    if have >= N_ENTERPRISES:
        return
    rng = random.Random(100)
    villages = list(Region.objects.filter(level="village").values_list("pk", flat=True))
    t0 = time.perf_counter()
    with transaction.atomic(), disable_auditlog():
        orgs = []
        for i in range(have, N_ENTERPRISES):
            body = f"91430181P{i:08d}"
            orgs.append(Organization(credit_code=body + credit_code_check_char(body), name=f"企业{i}{MARK}",
                                     kind="enterprise", industry_code=rng.choice(["C2672", "C2614", "G5942", "F5212"]),
                                     region_id=rng.choice(villages)))
        Organization.objects.bulk_create(orgs, batch_size=BATCH)
        today = datetime.date.today()
        RiskPoint.objects.bulk_create([RiskPoint(name="工房", organization=o, region_id=o.region_id, kind="site",
                                                 hazard_factor="physical", responsible_person="p",
                                                 level=rng.choice(["major", "high", "moderate", "low"]))
                                       for o in orgs[::3]], batch_size=BATCH)
        HazardSource.objects.bulk_create([HazardSource(name="仓库", organization=o, region_id=o.region_id,
                                                       unit_kind="storage", is_major=True, grade="四级")
                                          for o in orgs[::15]], batch_size=BATCH)
        Hazard.objects.bulk_create([Hazard(title="隐患", organization=o, region_id=o.region_id, description="d",
                                           channel="self_inspection", finder="f", grade=rng.choice(["general", "major"]),
                                           state=rng.choice(["overdue", "rectifying", "closed"]),
                                           deadline=today - datetime.timedelta(days=rng.randint(-30, 400)))
                                    for o in orgs[::4]], batch_size=BATCH)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"enterprises: {Organization.objects.filter(kind='enterprise').count():,} in {time.perf_counter() - t0:.0f} s")


def main():
    args = start(__doc__.splitlines()[0])
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from benchmarks.scale import scale_to
    from yingji.core.framework import demo
    from yingji.core.models import Organization, Region, User
    from yingji.hazards.models import Hazard
    from yingji.profiles import services
    from yingji.profiles.models import EnterpriseTag, TagRule

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.exists():
        demo.load(seed=2026, log=lambda *a: None)
    scale_to(100, print)
    busiest = (Organization.objects.filter(kind="enterprise").exclude(name__contains="＃")
               .annotate(n=Count("hazards")).order_by("-n").first())
    history(busiest, print)
    staff = User.objects.get(username="staff")
    print(f"machine: {machine()} (shared with other engineers' runs: figures are upper bounds)")
    print(f"data: demo county ×100; {busiest.name}: {Hazard.objects.filter(organization=busiest).count():,} hazards "
          f"over {YEARS} years; user 'staff' (county scope); {args.runs} runs")
    client = Client()
    client.force_login(staff)
    width = 46
    print(f"{'scenario':{width}s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, url in [("profile page (recent time line)", f"/profiles/{busiest.credit_code}/"),
                      ("profile page (one year's time line)", f"/profiles/{busiest.credit_code}/?year=2024"),
                      ("relationship view: the enterprise's node", f"/api/profiles/graph/?node=organizations:{busiest.pk}"),
                      ("标签魔方 (tag × township)", "/profiles/pivot/")]:
        p50, p95 = measure(client, url, args.runs)
        print(f"{name:{width}s} {p50:8.1f} {p95:8.1f}")
    enterprises(print)
    if not TagRule.objects.exists():
        services.seed_rules(Region.objects.get(level="county"))
    EnterpriseTag.objects.filter(kind="rule").delete()
    n = Organization.objects.filter(kind="enterprise").count()
    for label in ("first run (writes every tag)", "steady run (writes the difference)"):
        t0 = time.perf_counter()
        result = services.recompute()
        print(f"tag job over {n:,} enterprises, {label}: {time.perf_counter() - t0:.1f} s — {result}")


if __name__ == "__main__":
    main()
