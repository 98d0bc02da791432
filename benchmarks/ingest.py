"""Telemetry ingest end to end: MQTT broker → `yingji ingest` → PostgreSQL, with alarm latency.

For each configuration (batched path with 1 and 2 ingest workers; the per-row ORM path with 1
worker as the reference) the script starts a private Mosquitto, the ingest workers and a web
server, publishes readings for 10,000 sensors as gateway batches of 500 at QoS 1 as fast as the
broker takes them, and measures:

- sustained readings/s: readings in the database ÷ time from the first publish until the last
  reading is stored (parse + device check + rules + COPY + aggregates, all included);
- alarm latency: during the load, a probe sensor gets a reading over its threshold every 0.25 s;
  the time from that publish until the alarm is listed by GET /api/alarms/ (p50/p99). In the
  flat-out runs the publisher dumps everything at once, so a probe waits behind the backlog; the
  last run paces the load below capacity (``--steady-rate``) to measure latency without a backlog.

    python benchmarks/ingest.py [--readings 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_ingest_bench")
os.environ.setdefault("YINGJI_ALLOWED_HOSTS", "testserver,127.0.0.1")

N_SENSORS = 10_000
N_PROBES = 400
BATCH = 500
T_BASE = time.time() - 86400  # readings are from the last day, one per sensor per "minute"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database():
    import psycopg
    from dj_database_url import parse

    cfg = parse(os.environ["YINGJI_DATABASE_URL"])
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("This benchmark is defined on PostgreSQL: set YINGJI_DATABASE_URL=postgres://…")
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres",
                         autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname=%s", [cfg["NAME"]]).fetchone():
            conn.execute(f'create database "{cfg["NAME"]}"')


def prepare():
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from yingji.core.models import Organization, Region, User
    from yingji.monitoring.models import MonitoringPoint, Sensor

    call_command("migrate", interactive=False, verbosity=0)
    county, _ = Region.objects.get_or_create(code="430181", defaults={"name": "浏阳市", "level": "county"})
    org, _ = Organization.objects.get_or_create(credit_code="91430181MA4L000001", defaults={
        "name": "压测化工有限公司", "region": county, "kind": "enterprise"})
    point, _ = MonitoringPoint.objects.get_or_create(name="压测监测点", defaults={
        "kind": "enterprise", "organization": org, "region": county, "lon": 113.6, "lat": 28.1})
    have = set(Sensor.objects.values_list("device_id", flat=True))
    Sensor.objects.bulk_create([
        Sensor(device_id=f"B-{i:05d}", name=f"压测{i}", point=point, quantity="combustible_gas", region=county,
               organization=org, level1=20, level2=40, deadband=2, interval_s=60)
        for i in range(N_SENSORS) if f"B-{i:05d}" not in have])
    Sensor.objects.bulk_create([
        Sensor(device_id=f"P-{i:04d}", name=f"探针{i}", point=point, quantity="combustible_gas", region=county,
               organization=org, level1=20, interval_s=60)
        for i in range(N_PROBES) if f"P-{i:04d}" not in have])
    admin = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", password="bench-pw-1")
    return Token.objects.get_or_create(user=admin)[0].key


def reset():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE monitoring_reading, monitoring_readingminute, monitoring_readinghour, "
                    "monitoring_deadletter, monitoring_alarm, core_liveevent CASCADE")
        cur.execute("UPDATE monitoring_sensor SET last_seen = NULL, last_value = NULL, rule_level = 0, "
                    "rule_pending_level = 0, rule_pending_since = NULL, status = 'online'")


def stored() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM monitoring_reading")
        return cur.fetchone()[0]


def start_broker(tmp):
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 0\n")
    proc = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, f"mqtt://127.0.0.1:{port}"


def payloads(n_readings: int):
    """Gateway batches: each round gives every sensor one reading (values stay under thresholds)."""
    import random

    rng = random.Random(1)
    out, batch = [], []
    for k in range(n_readings):
        sensor, rnd = k % N_SENSORS, k // N_SENSORS
        batch.append({"device": f"B-{sensor:05d}", "ts": T_BASE + rnd * 60, "value": round(rng.uniform(0, 15), 2)})
        if len(batch) == BATCH:
            out.append(json.dumps({"readings": batch}))
            batch = []
    if batch:
        out.append(json.dumps({"readings": batch}))
    return out


def probe_latency(url, api, token, stop, results):
    from yingji.monitoring.mqtt import make_client

    client = make_client(url, "bench-probe", persistent=False)
    host, port = client._yingji_address
    client.connect(host, port)
    client.loop_start()
    i = 0
    while not stop.is_set() and i < N_PROBES:
        device = f"P-{i:04d}"
        sent = time.perf_counter()
        client.publish(f"yingji/v1/readings/{device}", json.dumps({"ts": time.time(), "value": 50.0}), qos=1)
        while time.perf_counter() - sent < 30:
            req = urllib.request.Request(f"{api}/api/alarms/?ordering=-opened_at&page_size=20",
                                         headers={"Authorization": f"Token {token}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                body = json.loads(r.read())
            if any(device in str(a.get("sensor")) for a in body["results"]):
                results.append(time.perf_counter() - sent)
                break
            time.sleep(0.01)
        i += 1
        time.sleep(0.25)
    client.disconnect()
    client.loop_stop()


def run(label, workers, per_row, n_readings, token, tmp, env, rate=None):
    from yingji.monitoring.mqtt import make_client

    reset()
    broker, url = start_broker(tmp)
    web_port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "yingji.cli", "serve", "--port", str(web_port), "--no-scheduler",
                            "--no-ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cmd = [sys.executable, "-m", "yingji.cli", "ingest", "--url", url, "--workers", str(workers),
           "--client-id", f"bench-{label}"] + (["--per-row"] if per_row else [])
    quiet = None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL
    ingest = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=quiet)
    time.sleep(4)  # workers connect and subscribe; the web server starts
    messages = payloads(n_readings)
    pub = make_client(url, f"bench-pub-{label}", persistent=False)
    host, port = pub._yingji_address
    pub.connect(host, port)
    pub.loop_start()
    latencies, stop = [], threading.Event()
    prober = threading.Thread(target=probe_latency, args=(url, f"http://127.0.0.1:{web_port}", token, stop, latencies))
    t0 = time.perf_counter()
    if not per_row:  # the per-row reference stores only; it runs no rules, so no alarm to wait for
        prober.start()
    infos = []
    for k, m in enumerate(messages):
        if rate:  # paced: a steady load below capacity, for latency without a backlog
            time.sleep(max(0.0, t0 + k * BATCH / rate - time.perf_counter()))
        infos.append(pub.publish("yingji/v1/gateways/bench/readings", m, qos=1))
    for info in infos:
        info.wait_for_publish(120)
    published = time.perf_counter() - t0
    deadline = time.perf_counter() + 600
    while stored() < n_readings and time.perf_counter() < deadline:
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    stop.set()
    if prober.is_alive():
        prober.join()
    done = stored()
    for proc in (ingest, web, broker):
        proc.terminate()
        proc.wait(30)
    pub.loop_stop()
    rate = done / elapsed
    lat = sorted(latencies)
    pct = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))  # noqa: E731
    print(f"{label:<28} {done:>9,} readings  {elapsed:6.1f} s  {rate:>9,.0f} readings/s  "
          f"(publish {published:.1f} s)  alarm latency p50 {pct(0.5):6.0f} ms  p99 {pct(0.99):6.0f} ms  "
          f"(n={len(lat)})", flush=True)
    return rate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--per-row-readings", type=int, default=20_000)
    parser.add_argument("--steady-rate", type=int, default=20_000, help="readings/s of the paced latency run")
    parser.add_argument("--steady-seconds", type=int, default=30)
    parser.add_argument("--steady-only", action="store_true")
    args = parser.parse_args()
    ensure_database()
    token = prepare()
    env = dict(os.environ, YINGJI_BROKER_URL="", YINGJI_LOG_LEVEL="WARNING")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"database: {os.environ['YINGJI_DATABASE_URL']}; {N_SENSORS:,} sensors; gateway batches of {BATCH}; QoS 1")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.steady_only:
            run("batched, 1 worker", 1, False, args.readings, token, tmp, env)
            run("batched, 2 workers", 2, False, args.readings, token, tmp, env)
            run("per-row ORM, 1 worker", 1, True, args.per_row_readings, token, tmp, env)
        run(f"batched, 2 workers, {args.steady_rate:,}/s", 2, False, args.steady_rate * args.steady_seconds, token, tmp,
            env, rate=args.steady_rate)


if __name__ == "__main__":
    main()
