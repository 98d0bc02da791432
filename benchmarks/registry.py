"""Registry speed at county-bureau scale, on PostgreSQL.

Loads the demo county, then 100,000 enterprises and 1,000,000 change-history rows (once; reused on
later runs), and measures with Django's in-process test client (server time: routing, scope filter,
queries, rendering — no network) the list page and the API list, filtered and sorted, page 1 and
page 500, a record page with its history, and the Excel export. Prints p50/p95 per scenario and the
machine it ran on.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench python benchmarks/registry.py
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

N_ORGS = 100_000
N_HISTORY = 1_000_000


def ensure_database():
    import psycopg
    from dj_database_url import parse

    cfg = parse(os.environ["YINGJI_DATABASE_URL"])
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("This benchmark is defined on PostgreSQL: set YINGJI_DATABASE_URL=postgres://…")
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres",
                         password=cfg["PASSWORD"] or None, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname=%s", [cfg["NAME"]]).fetchone():
            conn.execute(f'create database "{cfg["NAME"]}"')


def load_data(log):
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction

    from yingji.core.directory import demo as county
    from yingji.core.framework import demo
    from yingji.core.models import Organization, Region

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    rng = random.Random(42)
    have = Organization.objects.count()
    if have < N_ORGS:
        villages = list(Region.objects.filter(level="village"))
        industries = [i[1] for i in county.INDUSTRIES]
        t0 = time.perf_counter()
        batch = []
        with transaction.atomic(), disable_auditlog():
            for i in range(have, N_ORGS):
                v = rng.choice(villages)
                batch.append(Organization(
                    credit_code=county.credit_code(rng, "91430181"), name=f"浏阳市{rng.choice(county.BRANDS)}{i:06d}有限公司",
                    kind="enterprise", industry_code=rng.choice(industries), scale=rng.choice(["small", "medium", "micro"]),
                    region=v, address=f"湖南省浏阳市{v.name}", lon=(v.centroid_lon or 113.7) + rng.uniform(-.005, .005),
                    lat=(v.centroid_lat or 28.2) + rng.uniform(-.005, .005), legal_representative=demo._name(rng),
                    safety_manager=demo._name(rng), employees=rng.randint(3, 3000)))
                if len(batch) == 5000:
                    Organization.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
            Organization.objects.bulk_create(batch, ignore_conflicts=True)
        log(f"loaded enterprises: {Organization.objects.count():,} in {time.perf_counter() - t0:.1f}s")
    have = LogEntry.objects.count()
    if have < N_HISTORY:
        ct = ContentType.objects.get_for_model(Organization)
        pks = list(Organization.objects.values_list("pk", flat=True))
        t0 = time.perf_counter()
        from django.utils import timezone

        now = timezone.now()
        batch = []
        for i in range(have, N_HISTORY):
            pk = rng.choice(pks)
            batch.append(LogEntry(content_type=ct, object_pk=str(pk), object_id=pk, object_repr=f"企业{pk}",
                                  action=LogEntry.Action.UPDATE, changes={"employees": [str(i % 97), str(i % 89)]},
                                  timestamp=now - timezone.timedelta(minutes=i)))
            if len(batch) == 20000:
                LogEntry.objects.bulk_create(batch)
                batch = []
        LogEntry.objects.bulk_create(batch)
        log(f"loaded history rows: {LogEntry.objects.count():,} in {time.perf_counter() - t0:.1f}s")
    from django.db import connection

    from yingji.core.framework.search import refresh_statistics

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    # as a bulk load does (imports, the demo): the search indexes' pending entries merged (issue #16)
    refresh_statistics([Organization._meta.db_table, LogEntry._meta.db_table])


def measure(client, url, runs, warmup=3):
    for _ in range(warmup):
        client.get(url)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def machine():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("show server_version")
        pg = cur.fetchone()[0]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} CPU · "
            f"{mem:.0f} GiB · Python {platform.python_version()} · PostgreSQL {pg}")


def start(description: str):
    """Common start of every benchmark: arguments, the database, Django."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    return args


def report(client, scenarios, runs: int, width: int = 40):
    print(f"{'scenario':{width}s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, url in scenarios:
        p50, p95 = measure(client, url, runs)
        print(f"{name:{width}s} {p50:8.1f} {p95:8.1f}")


def main():
    args = start(__doc__.splitlines()[0])
    from auditlog.models import LogEntry
    from django.test import Client

    from yingji.core.models import Organization, User

    load_data(print)
    staff = User.objects.get(username="staff")  # county scope: the scope filter is part of every query
    org = Organization.objects.filter(pk__in=LogEntry.objects.values("object_id")[:1]).first()
    client = Client()
    client.force_login(staff)
    township = "430181110"
    scenarios = [
        ("page  list, page 1", "/registry/organizations/"),
        ("page  list, page 500", "/registry/organizations/?page=500"),
        ("page  filtered+sorted, page 1", f"/registry/organizations/?kind=enterprise&region={township}&o=-employees"),
        ("page  filtered+sorted, page 50", f"/registry/organizations/?kind=enterprise&region={township}&o=-employees&page=50"),
        ("page  search '烟花' (2 chars), page 1", "/registry/organizations/?q=%E7%83%9F%E8%8A%B1"),
        ("page  search '烟花制' (3 chars), page 1", "/registry/organizations/?q=%E7%83%9F%E8%8A%B1%E5%88%B6"),
        ("page  record + history", f"/registry/organizations/{org.pk}/"),
        ("API   list, page 1", "/api/organizations/"),
        ("API   list, page 500", "/api/organizations/?page=500"),
        ("API   filtered+sorted, page 1", f"/api/organizations/?kind=enterprise&region={township}&ordering=-employees"),
        ("API   history of a record", f"/api/organizations/{org.pk}/history/"),
    ]
    print(f"machine: {machine()}")
    print(f"data: {Organization.objects.count():,} organizations, {LogEntry.objects.count():,} history rows; "
          f"user 'staff' (county scope); {args.runs} runs each after 3 warm-ups")
    report(client, scenarios, args.runs)
    for name, url in [("export xlsx, one township", f"/registry/organizations/export.xlsx?region={township}"),
                      ("export xlsx, all 100k", "/registry/organizations/export.xlsx")]:
        t0 = time.perf_counter()
        response = client.get(url)
        print(f"{name:40s} {time.perf_counter() - t0:8.2f} s  ({len(response.content) / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
