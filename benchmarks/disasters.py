"""Disaster statistics at scale, on PostgreSQL (issue #18): the roll-up of a county of 30 townships and
300 villages, and the reporting-rate dashboard and 灾情 map over 5 years of events. Prints p50/p95 per
scenario and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_dis_officers_bench python -m benchmarks.disasters

Data: the demo county (湖南省浏阳市), restricted to its first 30 townships and their villages (~300);
5 years of 灾情事件 (EVENTS_PER_YEAR a year, each touching 3–12 townships, with 初报, 2 续报 and a 核报:
a township report and a township clock per round and township, the county's clocks), loaded once.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wt_dis_officers_bench")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, report, start  # noqa: E402

TOWNSHIPS = 30
YEARS = 5
EVENTS_PER_YEAR = 40
ROUNDS = ("initial", "followup", "followup", "final")
TYPES = ("flood", "landslide", "wind_hail", "drought", "low_temperature")


def figures(rng, scale=1.0) -> dict:
    """A plausible 快报 row (catalogue codes; 直接经济损失 stored in yuan)."""
    affected = int(rng.randint(50, 3000) * scale)
    relocated = int(affected * rng.uniform(0, 0.2))
    conc = int(relocated * rng.uniform(0.2, 0.8))
    crop = round(rng.uniform(0, 300) * scale, 2)
    return {"affected_population": affected, "deaths": rng.choice([0] * 20 + [1]), "missing": 0,
            "injured": rng.randint(0, 3), "emergency_avoidance": int(affected * 0.1), "relocated_total": relocated,
            "relocated_concentrated": conc, "relocated_dispersed": relocated - conc, "relocated_current": relocated // 2,
            "houses_collapsed_rooms": rng.randint(0, 6), "houses_collapsed_households": rng.randint(0, 3),
            "crop_affected_area": crop, "crop_damaged_area": round(crop * 0.5, 2), "crop_lost_area": round(crop * 0.1, 2),
            "direct_loss": rng.randint(10, 800) * 10000}


def county_and_villages():
    from yingji.core.models import Region

    county = Region.objects.get(code="430181")
    towns = list(Region.objects.filter(parent=county, level="township").order_by("code")[:TOWNSHIPS])
    villages = {t.pk: list(Region.objects.filter(parent=t).order_by("code")) for t in towns}
    return county, towns, villages


def load(log):
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction

    from yingji.core.framework import demo
    from yingji.disasters.models import DisasterDeadline, DisasterEvent, DisasterReport

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    county, towns, _ = county_and_villages()
    want = YEARS * EVENTS_PER_YEAR
    have = DisasterEvent.objects.filter(name__startswith="基准").count()
    if have >= want:
        return
    rng = random.Random(18)
    zone = datetime.timezone(datetime.timedelta(hours=8))
    t0 = time.perf_counter()
    with transaction.atomic(), disable_auditlog():
        start_day = datetime.date.today() - datetime.timedelta(days=365 * YEARS)
        for i in range(have, want):
            onset = start_day + datetime.timedelta(days=int(i * 365 * YEARS / want))
            learned = datetime.datetime.combine(onset, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), zone)
            event = DisasterEvent(name=f"基准{i}号灾情", disaster_type=TYPES[i % len(TYPES)], onset_date=onset,
                                  learned_at=learned, region=county, county_code="430181", county_name=county.name,
                                  state="closed", stable_at=learned + datetime.timedelta(days=15),
                                  closed_at=learned + datetime.timedelta(days=17))
            event.save()
            hit = rng.sample(towns, rng.randint(3, 12))
            reports, clocks = [], []
            for seq, kind in enumerate(ROUNDS, start=1):
                opened = learned + datetime.timedelta(days=7 * (seq - 1))
                county_due = opened + datetime.timedelta(hours=2 if seq == 1 else 24)
                county_sent = county_due + datetime.timedelta(minutes=rng.choice([-60, -30, -5, 20]))
                parent = DisasterReport(event=event, kind=kind, sequence=seq, level="county", region=county,
                                        unit_code=county.code, unit_name=county.name, state="accepted",
                                        submitted_at=county_sent, figures={})
                parent.save()
                key = {"initial": "initial:county", "final": "final:county"}.get(kind, f"followup-{seq - 1}")
                clocks.append(DisasterDeadline(event=event, key=key, label=key, due_at=county_due, done_at=county_sent))
                for town in hit:
                    due = opened + datetime.timedelta(hours=1)
                    late = rng.random() < 0.1
                    missing = rng.random() < 0.03
                    sent = None if missing else due + datetime.timedelta(minutes=rng.randint(5, 90) if late
                                                                         else -rng.randint(1, 50))
                    reports.append(DisasterReport(event=event, kind=kind, sequence=seq, level="township", region=town,
                                                  unit_code=town.code, unit_name=town.name, parent=parent,
                                                  state="draft" if missing else "accepted", submitted_at=sent,
                                                  figures=figures(rng, 1 + 0.2 * seq)))
                    if seq == 1:
                        clocks.append(DisasterDeadline(event=event, key=f"township:{town.name}",
                                                       label=f"{town.name}向县级报送灾情", due_at=due, done_at=sent))
            DisasterReport.objects.bulk_create(reports)
            DisasterDeadline.objects.filter(event=event).delete()  # the history's clocks, not today's (sync_clocks)
            DisasterDeadline.objects.bulk_create(clocks)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"loaded {want - have} events, {DisasterReport.objects.count():,} reports, "
        f"{DisasterDeadline.objects.count():,} clocks in {time.perf_counter() - t0:.1f}s")


def time_rollup(runs: int) -> tuple[float, float]:
    """The pure roll-up: every village's 快报 row into its township, the townships into the county."""
    from yingji.disasters import rollup

    _, towns, villages = county_and_villages()
    rng = random.Random(3)
    rows = {t.name: {v.name: figures(rng, 0.2) for v in villages[t.pk]} for t in towns}
    times = []
    for _ in range(runs + 3):
        t0 = time.perf_counter()
        rollup.county_from_villages(rows)
        times.append((time.perf_counter() - t0) * 1000)
    times = sorted(times[3:])
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def time_db_rollup(runs: int) -> dict[str, tuple[float, float]]:
    """The roll-up as the county does it (services.roll_up, one transaction): each of the 30
    townships from its villages' submitted entries, then the county from the 30 townships."""
    from django.db import transaction

    from yingji.core.models import User
    from yingji.disasters import services
    from yingji.disasters.models import DisasterEvent, DisasterReport

    county, towns, villages = county_and_villages()
    staff = User.objects.get(username="staff")
    rng = random.Random(4)
    event = DisasterEvent.objects.filter(name="基准汇总").first()
    if event is None:
        with transaction.atomic():
            learned = datetime.datetime(2026, 6, 1, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
            event = DisasterEvent.objects.create(name="基准汇总", disaster_type="flood", onset_date=learned.date(),
                                                 learned_at=learned, region=county)
            top = DisasterReport.objects.create(event=event, kind="initial", sequence=1, level="county", region=county)
            for town in towns:
                mid = DisasterReport.objects.create(event=event, kind="initial", sequence=1, level="township",
                                                    region=town, parent=top)
                DisasterReport.objects.bulk_create([DisasterReport(
                    event=event, kind="initial", sequence=1, level="village", region=v, unit_code=v.code,
                    unit_name=v.name, parent=mid, state="submitted", figures=figures(rng, 0.2)) for v in villages[town.pk]])
    top = DisasterReport.objects.get(event=event, level="county")
    mids = list(DisasterReport.objects.filter(event=event, level="township"))

    def timed(step) -> tuple[float, float]:
        times = []
        for _ in range(runs + 3):
            with transaction.atomic():
                t0 = time.perf_counter()
                own = step()  # a step that prepares first times itself
                times.append((own if isinstance(own, float) else time.perf_counter() - t0) * 1000)
                transaction.set_rollback(True)  # each run starts from the same drafts
        times = sorted(times[3:])
        return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]

    def county_step():  # the townships submitted: the county's 汇总下级 over the 30 of them
        DisasterReport.objects.filter(pk__in=[m.pk for m in mids]).update(state="submitted")
        t0 = time.perf_counter()
        services.roll_up(staff, top)
        return time.perf_counter() - t0

    def whole():
        for mid in mids:
            services.roll_up(staff, mid)
        DisasterReport.objects.filter(pk__in=[m.pk for m in mids]).update(state="submitted")
        services.roll_up(staff, top)

    return {"roll-up, one township (~10 villages)": timed(lambda: services.roll_up(staff, mids[0])),
            "roll-up, the county (30 townships)": timed(county_step),
            "roll-up, 30 townships then the county": timed(whole)}


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    from yingji.core.models import User
    from yingji.disasters.models import DisasterDeadline, DisasterEvent, DisasterReport

    load(print)
    _, towns, villages = county_and_villages()
    client = Client()
    client.force_login(User.objects.get(username="staff"))  # county scope
    township = Client()
    township.force_login(User.objects.get(username="township"))  # 大瑶镇
    print(f"machine: {machine()}")
    print(f"data: {DisasterEvent.objects.count():,} events over {YEARS} years, {DisasterReport.objects.count():,} "
          f"reports, {DisasterDeadline.objects.count():,} clocks; county of {len(towns)} townships and "
          f"{sum(len(v) for v in villages.values())} villages; {args.runs} runs each after 3 warm-ups")
    p50, p95 = time_rollup(args.runs)
    print(f"{'roll-up villages → townships → county (pure)':52s} {p50:8.2f} {p95:8.2f}")
    for name, (p50, p95) in time_db_rollup(max(10, args.runs // 2)).items():
        print(f"{name + ' (services.roll_up)':52s} {p50:8.1f} {p95:8.1f}")
    since = (datetime.date.today() - datetime.timedelta(days=365 * YEARS)).isoformat()
    five = f"since={since}"
    report(client, [
        ("rates API, 5 years, county staff", f"/api/disasters/reporting-rates/?{five}"),
        ("rates API, 5 years, floods only", f"/api/disasters/reporting-rates/?{five}&type=flood"),
        ("rates page with the map's options, 5 years", f"/disasters/rates/?{five}"),
        ("灾情 map layer, townships, 5 years (受灾人口)",
         f"/api/map/regions.geojson?level=township&attribute=disaster-affected_population&{five}&zoom=9"),
        ("灾情 map layer, one event (直接经济损失)",
         f"/api/map/regions.geojson?level=township&attribute=disaster-direct_loss&event="
         f"{DisasterEvent.objects.order_by('-onset_date').values_list('pk', flat=True).first()}&zoom=9"),
    ], args.runs, width=52)
    report(township, [("rates API, 5 years, township user", f"/api/disasters/reporting-rates/?{five}")],
           args.runs, width=52)


if __name__ == "__main__":
    main()
