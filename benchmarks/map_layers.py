"""Map layers by view (issue #16): size and time of each layer the map pages request, for the county
view (user ``staff``) and a township view (user ``township``, 大瑶镇), with the demo county at ×1, ×10
and ×100, each as a ratio to the login page measured in the same run.

"empty view" is the organizations layer for a view with nothing in it: the fixed cost of any
authenticated layer request (session, permissions, scope), the floor of what a layer can cost.
The layers are requested as the pages request them: with the view's bounding box and zoom (the zoom
Leaflet fits to the area on a 1,400 × 900 px map). ``--urls before`` requests them as the pages did
before issue #16 (no view; the region layer and the whole point layer), to be run against the code
before the change (e.g. ``PYTHONPATH=<checkout of 99b6588>/src``). Organizations and risk points are
copied (scale − 1) times, jittered up to ±0.02° around the originals; the database is kept between
runs and grown to the next scale.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench_maps python -m benchmarks.map_layers
    … python -m benchmarks.map_layers --server   # through `yingji serve`, 4 concurrent clients

``--server`` starts `yingji serve` (its default web processes) and measures with 4 signed-in
keep-alive clients in closed loops, the login page as the floor with 4 anonymous ones (the client and
server start are benchmarks/serving.py's); without it, Django's in-process
client, one request at a time.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench_maps")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

from benchmarks.serving import PASSWORD, Client  # noqa: E402  (the benchmarks' one load client)

MAP_PX = (1400, 900)


def grow(scale: int, log):
    """The demo county with its organizations and risk points at ``scale`` × (bulk, no history)."""
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection, transaction

    from yingji.core.directory.codes import credit_code_check_char
    from yingji.core.framework import demo
    from yingji.core.models import Organization
    from yingji.risk.models import RiskPoint

    call_command("migrate", interactive=False, verbosity=0)
    if not Organization.objects.exists():
        demo.load(seed=2026, log=lambda *a: None)
    originals = list(Organization.objects.exclude(credit_code__startswith="91439").order_by("pk"))  # not copies
    base = len(originals)
    have = Organization.objects.count() // base
    if have >= scale:
        return
    rng = random.Random(16)
    points = list(RiskPoint.objects.filter(organization__in=originals).order_by("pk"))
    t0 = time.perf_counter()
    with transaction.atomic(), disable_auditlog():
        for k in range(have, scale):
            copies = []
            for i, org in enumerate(originals):
                c = Organization(**{f.attname: getattr(org, f.attname) for f in Organization._meta.concrete_fields
                                    if not f.primary_key})
                body = f"91439{k:03d}{i:09d}"
                c.credit_code, c.name = body + credit_code_check_char(body), f"{org.name}-{k}"
                if c.lon is not None:
                    c.lon += rng.uniform(-0.02, 0.02)
                    c.lat += rng.uniform(-0.02, 0.02)
                copies.append(c)
            made = {o.pk: c for o, c in zip(originals, Organization.objects.bulk_create(copies, batch_size=5000), strict=True)}
            rp = []
            for p in points:
                c = RiskPoint(**{f.attname: getattr(p, f.attname) for f in RiskPoint._meta.concrete_fields
                                 if not f.primary_key})
                c.organization_id = made[p.organization_id].pk
                c.lon, c.lat = made[p.organization_id].lon, made[p.organization_id].lat
                rp.append(c)
            RiskPoint.objects.bulk_create(rp, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"grown to ×{scale} in {time.perf_counter() - t0:.1f}s: {Organization.objects.count():,} organizations, "
        f"{RiskPoint.objects.count():,} risk points")


def fit_zoom(w, s, e, n) -> int:
    """The zoom Leaflet's fitBounds picks for the box on a MAP_PX map (Web Mercator, whole levels)."""
    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    zx = math.log2(MAP_PX[0] * 360 / 256 / (e - w))
    zy = math.log2(MAP_PX[1] * 2 * math.pi / 256 / (y(n) - y(s)))
    return int(min(zx, zy))


def views():
    from yingji.core.models import Region

    county = Region.objects.get(level="county")
    town = Region.objects.get(name="大瑶镇")
    out = []
    for user, region, level in (("staff", county, "township"), ("township", town, "village")):
        box = (region.min_lon, region.min_lat, region.max_lon, region.max_lat)
        out.append((user, region.name, level, box, fit_zoom(*box)))
    return out


def urls_for(level, box, zoom, mode):
    view = "west={:.5f}&south={:.5f}&east={:.5f}&north={:.5f}".format(*box) + f"&zoom={zoom}"
    if mode == "before":
        return [("regions", f"/api/map/regions.geojson?level={level}"),
                ("organizations", "/api/map/organizations.geojson"),
                ("risk-points", "/api/map/risk-points.geojson"),
                ("risk-enterprises", "/api/map/risk-enterprises.geojson")]
    return [("empty view", f"/api/map/organizations.geojson?west=0&south=0&east=0.001&north=0.001&zoom={zoom}"),
            ("regions", f"/api/map/regions.geojson?level={level}&attribute=risk&{view}"),
            ("organizations", f"/api/map/organizations.geojson?{view}"),
            ("risk-points", f"/api/map/risk-points.geojson?{view}"),
            ("risk-enterprises", f"/api/map/risk-enterprises.geojson?{view}")]


def timed(client, url, runs):
    client.get(url)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(response.content), response


def concurrent(clients, path, requests):
    """Every client asks for ``path`` in a closed loop until ``requests`` answers in all: the median
    time, the size and the last answer."""
    import threading

    times, lock, done, last = [], threading.Lock(), [0], {}

    def run(client):
        while True:
            with lock:
                if done[0] >= requests:
                    return
                done[0] += 1
            t0 = time.perf_counter()
            status, data = client.get(path)
            with lock:
                times.append((time.perf_counter() - t0) * 1000)
                assert status == 200, (path, status)
                last["data"] = data

    for c in clients:
        c.get(path)
    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statistics.median(times), len(last["data"]), last["data"]


def serve(port: int):
    import tempfile
    from pathlib import Path

    from benchmarks import serving

    return serving.serve(port, Path(tempfile.mkdtemp()) / "serve.log")


def main():
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--urls", choices=["view", "before"], default="view")
    parser.add_argument("--server", action="store_true", help="through `yingji serve` with 4 concurrent clients")
    args = parser.parse_args()
    from benchmarks.registry import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.test import Client as DjangoClient

    from benchmarks.registry import machine
    from yingji.core.models import User

    how = "yingji serve, 4 concurrent clients" if args.server else "in-process client"
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}; requests: {args.urls}; "
          f"median of {args.runs} after 1 warm-up; {how}")
    print(f"{'scale':>5s} {'view':10s} {'layer':17s} {'ms':>8s} {'× floor':>8s} {'bytes':>10s} {'× floor':>8s} features")
    for scale in args.scales:
        grow(scale, print)
        proc = None
        if args.server:
            import signal
            import socket

            for name in ("staff", "township"):
                u = User.objects.get(username=name)
                u.set_password(PASSWORD)
                u.save()
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            proc = serve(port)

            def clients(user=None, port=port):
                out = [Client(port) for _ in range(4)]
                for c in out:
                    if user:
                        c.sign_in(user)
                return out

            def run(cs, url, n):
                return concurrent(cs, url, n)
        else:
            def clients(user=None):
                c = DjangoClient()
                if user:
                    c.force_login(User.objects.get(username=user))
                return c

            def run(c, url, n):
                ms, size, response = timed(c, url, n)
                return ms, size, response.content
        try:
            floor_ms, floor_bytes, _ = run(clients(), "/login/", args.runs)
            print(f"{scale:5d} {'—':10s} {'login page (floor)':17s} {floor_ms:8.1f} {1:8.2f} {floor_bytes:10,d}")
            for user, name, level, box, zoom in views():
                cs = clients(user)
                for layer, url in urls_for(level, box, zoom, args.urls):
                    ms, size, body = run(cs, url, args.runs if scale < 100 or args.urls == "view" else 4)
                    data = json.loads(body)
                    n = len(data["features"])
                    shown = f"{n:,}" + (f" (clusters of {data['total']:,})" if data.get("clustered") else "")
                    print(f"{scale:5d} {name + ' z' + str(zoom):10s} {layer:17s} {ms:8.1f} {ms / floor_ms:8.2f} "
                          f"{size:10,d} {size / floor_bytes:8.2f} {shown}")
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(60)
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
