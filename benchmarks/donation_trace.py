"""The public trace page of a donated lot among 1,000,000 stock-ledger rows, on PostgreSQL (issue #20):
p50/p95 of GET /public/donations/trace/?no=<捐赠收据号> for the demo's lot traced to its villages and for
lots of the bulk data, and the machine. Target: p95 under 100 ms.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_donations python -m benchmarks.donation_trace

Data: the demo county (its flood's donations: a company's water issued with a relief batch to four
villages), then bulk rows up to LEDGER_ROWS in the ledger: 20,000 donated lots of their own, each with a
receipt, a transfer out and in and an issue under its receipt number (80,000 rows), and the rest
ordinary movements of the demo's warehouses (half with a stock batch of their own, half without), loaded
once with bulk_create.
"""

from __future__ import annotations

import datetime
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wt_donations")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, measure, start  # noqa: E402

LEDGER_ROWS = 1_000_000
LOTS = 20_000
CHUNK = 20_000


def load(log):
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from yingji.core.framework import demo
    from yingji.donations.models import Campaign, DonationLot
    from yingji.resources.models import Material, StockMovement, Warehouse

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    have = StockMovement.objects.count()
    if have >= LEDGER_ROWS:
        return
    rng = random.Random(20)
    campaign = Campaign.objects.first()
    point = campaign.lots.first().receiving_point
    warehouses = list(Warehouse.objects.values_list("pk", "region_id", "organization_id"))
    materials = list(Material.objects.values_list("pk", flat=True))
    now = timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic(), disable_auditlog():
        if not DonationLot.objects.filter(number__startswith="JSB").exists():
            lots = [DonationLot(number=f"JSB{i:07d}", campaign=campaign, receiving_point=point, region_id=point.region_id,
                                donor_kind="company", donor_name=f"基准单位{i}", kind="goods",
                                material_id=materials[i % len(materials)], quantity=100,
                                received_at=now - datetime.timedelta(minutes=i), state="accepted")
                    for i in range(LOTS)]
            DonationLot.objects.bulk_create(lots, batch_size=CHUNK)
        rows = []

        def flush():
            StockMovement.objects.bulk_create(rows, batch_size=CHUNK)
            rows.clear()

        def row(i, kind, delta, batch, reference=""):
            w, region, org = warehouses[i % len(warehouses)]
            rows.append(StockMovement(warehouse_id=w, region_id=region, organization_id=org,
                                      material_id=materials[i % len(materials)], kind=kind, delta=delta, balance=abs(delta),
                                      batch=batch, at=now - datetime.timedelta(seconds=i), reference=reference,
                                      note="基准数据", actor="基准"))
            if len(rows) >= CHUNK:
                flush()

        left = LEDGER_ROWS - have
        for i in range(LOTS):
            number = f"JSB{i:07d}"
            for kind, delta in (("receive", 100), ("transfer_out", -40), ("transfer_in", 40), ("issue", -30)):
                row(i, kind, delta, number, reference=f"DB-B{i}" if kind.startswith("transfer") else "")
        left -= 4 * LOTS
        for i in range(max(0, left)):
            row(i, rng.choice(("receive", "issue")), rng.randint(1, 50), f"PC{i % 50000:05d}" if i % 2 else "")
        flush()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"loaded {StockMovement.objects.count():,} ledger rows in {time.perf_counter() - t0:.0f} s")


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    from yingji.donations.models import DonationLot
    from yingji.resources.models import StockMovement

    load(print)
    demo_lot = DonationLot.objects.filter(kind="goods", state__in=("accepted", "closed")).exclude(
        number__startswith="JSB").order_by("id").first()
    client = Client()  # the public: no login
    print(f"machine: {machine()}")
    print(f"data: {StockMovement.objects.count():,} ledger rows, {DonationLot.objects.count():,} donated lots; "
          f"{args.runs} runs each after 3 warm-ups")
    print(f"{'scenario':52s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, number in (("trace page, demo lot issued to villages", demo_lot.number),
                         ("trace page, bulk lot (4 ledger rows)", "JSB0012345"),
                         ("trace page, the empty search form", None)):
        url = f"/public/donations/trace/?no={number}" if number else "/public/donations/trace/"
        p50, p95 = measure(client, url, args.runs)
        print(f"{name:52s} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
