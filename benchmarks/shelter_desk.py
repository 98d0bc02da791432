"""The shelter desk at the scale of a large flood, on PostgreSQL (issue #19): 20,000 evacuees (5,000
households of four) registered across 50 shelters of one 灾情事件, then each desk action timed with
Django's in-process test client (server time: routing, scope, queries, rendering; no network). Prints
the bulk registration's time, p50/p95 per desk action and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_shelters2_bench python -m benchmarks.shelter_desk

Data: the demo county (湖南省浏阳市) and its road network; 50 shelters of 500 places (1,500 m² at the
medium class's 3 m²) in its townships, activated for one event; the households registered through the
household-list import (导入安置名单: one township list per shelter, .xlsx with the template's Chinese
headers, people with valid ID numbers for half of them), 1 % of people listed again in another shelter's
list without their ID number (kept with a warning: the duplicate candidates). The
desk path (services.check_in, with its duplicate check over the whole event) is timed separately on the
loaded event. Loaded once, reused by later runs.
"""

from __future__ import annotations

import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wt_shelters2_bench")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.registry import machine, start  # noqa: E402

SHELTERS = 50
HOUSEHOLDS = 5_000  # of four: 20,000 evacuees
EVENT = "基准安置：特大暴雨洪涝"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀兰志强美玲小宇德明桂英海涛红梅春花国华丽娟文杰"


def name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def id_number(rng, area: str, year: int) -> str:
    from yingji.core.directory.codes import id_number_check_char

    body = f"{area}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + id_number_check_char(body)


def household_lists(rng, villages) -> list[list[list]]:
    """One township list per shelter (``HOUSEHOLDS / SHELTERS`` households of four, Chinese headers as
    the import template has them; half the people with valid ID numbers), and 1 % of people listed
    again in another shelter's list without their ID number (same name, village and birth year: the
    import keeps them and warns; the desk's duplicate candidates)."""
    from yingji.shelters.imports import COLUMNS

    header = [c.label for c in COLUMNS]
    at = {c.name: i for i, c in enumerate(COLUMNS)}
    lists = [[header] for _ in range(SHELTERS)]
    people, used = [], set()

    def unique_id(year):  # random numbers collide now and then: a real list holds each person once
        while (number := id_number(rng, "430181", year)) in used:
            pass
        used.add(number)
        return number

    for k in range(HOUSEHOLDS):
        rows = lists[k % SHELTERS]
        village = rng.choice(villages)
        members = [(name(rng), 1950 + rng.randint(0, 50), "户主")] + [
            (name(rng), 1960 + rng.randint(0, 64), rel) for rel in ("配偶", "子女", "子女")]
        for j, (who, year, rel) in enumerate(members):
            row = [""] * len(header)
            idn = unique_id(year) if rng.random() < 0.5 else ""
            row[at["household"]], row[at["name"]], row[at["relation"]] = str(k), who, rel
            row[at["id_number"]], row[at["birth_year"]] = idn, "" if idn else str(year)
            row[at["flags"]] = "老" if year < 1960 else ("幼" if year > 2018 else "")
            if j == 0:
                row[at["phone"]], row[at["village"]] = f"138{rng.randint(0, 99_999_999):08d}", village.code
                row[at["zone"]], row[at["room"]] = f"{'ABCD'[k % 4]}区", str(100 + k % 60)
            rows.append(row)
            people.append((k, who, year, village))
    for k, who, year, village in rng.sample(people, HOUSEHOLDS // 100):
        other = (k + 1 + rng.randint(0, SHELTERS - 2)) % SHELTERS  # another shelter's list
        twin = [""] * len(header)
        twin[at["household"]], twin[at["name"]], twin[at["relation"]] = f"T{k}-{who}", who, "户主"
        twin[at["birth_year"]], twin[at["village"]] = str(year), village.code
        lists[other].append(twin)
    return lists


def xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("安置名单")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load(log):
    from django.core.management import call_command
    from django.db import connection, transaction

    from yingji.core.framework import demo
    from yingji.core.models import Region, User
    from yingji.disasters.models import DisasterEvent
    from yingji.resources.models import Shelter
    from yingji.shelters import imports, services
    from yingji.shelters.models import Evacuee, Household

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=log)
    county = Region.objects.get(code="430181")
    staff = User.objects.get(username="staff")
    event = DisasterEvent.objects.filter(name=EVENT).first()
    if event is not None and Household.objects.filter(event=event).count() >= HOUSEHOLDS:
        return event, None
    import datetime

    from django.utils import timezone

    rng = random.Random(19)
    towns = list(Region.objects.filter(parent=county, level="township").order_by("code"))
    villages = list(Region.objects.filter(parent__in=towns, level="village").order_by("code"))
    with transaction.atomic():
        event = DisasterEvent.objects.create(name=EVENT, disaster_type="flood", onset_date=timezone.localdate(),
                                             learned_at=timezone.now() - datetime.timedelta(hours=6), region=county)
        event.townships.set(towns[:10])
        sites = []
        for i in range(SHELTERS):
            town = towns[i % len(towns)]
            seat = Shelter.objects.filter(region=town).exclude(lon=None).first()
            lon, lat = (seat.lon, seat.lat) if seat else (113.6 + 0.01 * i, 28.15)
            shelter = Shelter.objects.create(name=f"基准避难场所{i + 1:02d}", duration_class="medium", region=town,
                                             effective_area_m2=1500, lon=lon + rng.uniform(-0.02, 0.02),
                                             lat=lat + rng.uniform(-0.02, 0.02))
            sites.append(services.activate(staff, shelter, event=event, commander="基准站长"))
    files = [xlsx(rows) for rows in household_lists(rng, villages)]
    # Registered through the import (导入安置名单, the path the page, the API and the background job share):
    # one township list per shelter, each read, checked whole (ID numbers, villages, duplicates against the
    # event so far, capacity under the shelter's lock) and written in its own transaction with its history.
    per_file, warnings = [], 0
    for site, content in zip(sites, files, strict=True):
        t0 = time.perf_counter()
        result = imports.import_households(staff, site, f"{site.name}.xlsx", content)
        per_file.append(time.perf_counter() - t0)
        assert result.ok, result.errors[:5]
        warnings += len(result.warnings)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    people = Evacuee.objects.filter(household__event=event).count()
    log(f"imported {SHELTERS} lists: {Household.objects.filter(event=event).count():,} households, {people:,} "
        f"evacuees in {sum(per_file):.1f}s ({warnings} duplicate warnings)")
    return event, {"seconds": sum(per_file), "per_file": sorted(per_file), "people": people, "warnings": warnings}


def timed(fn, runs: int, warmup: int = 3) -> tuple[float, float]:
    times = []
    for i in range(runs + warmup):
        t0 = time.perf_counter()
        fn(i)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    from yingji.core.models import Region, User
    from yingji.disasters import services as disasters
    from yingji.disasters.models import DisasterReport
    from yingji.resources.dispatch import road_network
    from yingji.shelters.models import Activation, Evacuee, Household

    event, load_s = load(print)
    staff = User.objects.get(username="staff")
    client = Client()
    client.force_login(staff)
    sites = list(Activation.objects.filter(event=event).order_by("pk"))
    village = Region.objects.filter(level="village", path__startswith=event.region.path).order_by("code").first()
    people = Evacuee.objects.filter(household__event=event).count()
    net = road_network()
    roads = f"{net.n_nodes} nodes" if net else "none (straight line)"
    print(f"machine: {machine()} (shared with other agents and a CI rehearsal: loaded)")
    print(f"data: {len(sites)} shelters, {Household.objects.filter(event=event).count():,} households, {people:,} "
          f"evacuees; road network: {roads}; "
          f"{args.runs} runs each after 3 warm-ups")
    if load_s:
        per = load_s["per_file"]
        print(f"{'import of the household lists (this run)':52s} {load_s['seconds']:8.1f} s for {load_s['people']:,} "
              f"evacuees in {len(per)} lists of ~{load_s['people'] // len(per)} people: per list p50 "
              f"{statistics.median(per) * 1000:.0f} ms, p95 {per[max(0, int(len(per) * 0.95) - 1)] * 1000:.0f} ms; "
              f"{load_s['warnings']} duplicate warnings")
    width = 52
    print(f"{'desk action':{width}s} {'p50 ms':>8s} {'p95 ms':>8s}")

    def check_in(i):
        site = sites[i % len(sites)]
        body = {"head_name": f"基准户主{i}", "head_id_number": "", "phone": "13900000000", "village": village.pk,
                "members": f"基准配偶{i}，，配偶\n基准子女{i}，，子女，幼\n基准老人{i}，，父母，老", "zone": "A区"}
        r = client.post(f"/api/shelter-activations/{site.pk}/check-in/", body, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=f"bench-{time.time_ns()}-{i:06d}")
        assert r.status_code == 200, r.content[:300]

    outs = list(Household.objects.filter(event=event, state="in").order_by("-pk").values_list("pk", flat=True)[:200])

    def check_out(i):
        r = client.post(f"/api/shelter-households/{outs[i]}/check-out/", {"destination": "返回原住址"},
                        content_type="application/json")
        assert r.status_code == 200, r.content[:300]

    household = Household.objects.filter(event=event, state="in").order_by("pk").first()
    full = sites[0]
    Activation.objects.filter(pk=full.pk).update(occupancy="red")  # its page then names the nearest with room
    report = DisasterReport.objects.filter(event=event, level="county").first() or disasters.open_report(
        staff, event, "initial")

    def get(url):
        def fn(_):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        return fn

    def take(_):
        r = client.post(f"/api/disaster-reports/{report.pk}/take-figures/", {}, content_type="application/json")
        assert r.status_code == 200, r.content[:300]

    scenarios = [
        ("入住登记 (API, a family of four, with duplicates)", check_in),
        ("离开登记 (API)", check_out),
        ("入住登记 form page", get(f"/registry/shelter-activations/{sites[1].pk}/do/check-in/")),
        ("household record page", get(f"/registry/shelter-households/{household.pk}/")),
        ("居民安置卡 (QR code)", get(f"/registry/shelter-households/{household.pk}/documents/card.html")),
        ("full shelter's page (nearest with room by road)", get(f"/registry/shelter-activations/{full.pk}/")),
        ("live occupancy layer (50 shelters)", get("/api/map/shelter-activations.geojson?zoom=10")),
        ("households list page (5,000+)", get(f"/registry/shelter-households/?event={event.pk}")),
        ("dedup candidates, whole event (API)", get(f"/api/shelters/duplicates/?event={event.pk}")),
        ("report figures (API)", get(f"/api/shelters/report-figures/{event.pk}/")),
        ("灾情 report 从登记取数", take),
    ]
    for label, fn in scenarios:
        p50, p95 = timed(fn, args.runs)
        flag = "" if p95 <= 300 else "  (over 300 ms)"
        print(f"{label:{width}s} {p50:8.1f} {p95:8.1f}{flag}")


if __name__ == "__main__":
    main()
