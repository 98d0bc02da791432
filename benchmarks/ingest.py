"""Telemetry ingest end to end: MQTT broker → `yingji ingest` → PostgreSQL, with alarm latency,
against a raw binary COPY of the same rows measured in the same run.

For each configuration (1 and 2 workers owning their sensors, flat out; 2 workers in a shared
subscription group, whose rule state stays on the sensor rows, flat out; 2 owning workers paced at
``--steady-rate``; the per-row ORM path with ``--per-row``) the script starts a private Mosquitto, the ingest workers and a
web server, waits until every worker's subscription is confirmed (SUBACK, reported by the workers)
and the web server answers, publishes readings for 10,000 sensors as gateway batches of 500 at
QoS 1, and measures:

- sustained readings/s: readings stored ÷ time from the first publish until the last batch was
  stored, as the workers report it (a progress file each, written after every acknowledged batch;
  the table is counted once, at the end, to check the reports);
- the same rows loaded by one binary ``COPY`` into the same table just before and just after (the
  raw-COPY reference, their mean) and the ratio of the two — the figure to compare across machines
  and loads;
- the workers' CPU time per reading (user + system, from the same files) — less sensitive than
  rates to what else runs on a shared machine;
- alarm latency (paced run only): during the load, a probe sensor gets a reading over its threshold
  every 0.25 s; the time from that publish until the alarm is listed by GET /api/alarms/ (p50/p99).
  Flat out, a probe would wait behind the published backlog, and its polling take CPU from the
  ingest being measured.

It exits non-zero when a run stored nothing or not every reading.

    python benchmarks/ingest.py [--readings 500000] [--steady-rate 20000] [--per-row]
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
        # Every run starts from a compact sensor table: a shared-group run rewrites 10,000 rows per
        # batch, and on a server without autovacuum the dead rows made each scan of it cost 150 ms.
        cur.execute("VACUUM FULL ANALYZE monitoring_sensor")


def stored() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM monitoring_reading")
        return cur.fetchone()[0]


def rows(n_readings: int):
    """The readings as (device number, epoch, value): each round gives every sensor one reading
    (values stay under the thresholds)."""
    import random

    rng = random.Random(1)
    return [(k % N_SENSORS, T_BASE + (k // N_SENSORS) * 60, round(rng.uniform(0, 15), 2)) for k in range(n_readings)]


def raw_copy(readings) -> float:
    """Readings/s of one binary COPY of the same rows into monitoring_reading (then emptied again)."""
    import numpy as np
    from django.db import connection, transaction

    from yingji.monitoring.models import Sensor

    ids = dict(Sensor.objects.filter(device_id__startswith="B-").values_list("device_id", "pk"))
    pk = np.array([ids[f"B-{i:05d}"] for i in range(N_SENSORS)], dtype=np.int64)
    dev, epoch, value = (np.array(x) for x in zip(*readings, strict=True))
    out = np.empty(len(readings), dtype=[("fields", ">i2"), ("len_s", ">i4"), ("sensor", ">i8"), ("len_t", ">i4"),
                                         ("ts", ">i8"), ("len_v", ">i4"), ("value", ">f8")])
    out["fields"], out["len_s"], out["len_t"], out["len_v"] = 3, 8, 8, 8
    out["sensor"], out["value"] = pk[dev], value
    out["ts"] = np.round((epoch - 946684800.0) * 1e6).astype(np.int64)  # µs since 2000-01-01
    data = b"PGCOPY\n\xff\r\n\x00" + bytes(8) + out.tobytes() + b"\xff\xff"
    with connection.cursor() as cur:
        cur.execute("TRUNCATE monitoring_reading")
        t0 = time.perf_counter()
        with transaction.atomic():
            with cur.cursor.copy("COPY monitoring_reading (sensor_id, ts, value) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
        elapsed = time.perf_counter() - t0
        cur.execute("SELECT count(*) FROM monitoring_reading")
        assert cur.fetchone()[0] == len(readings), "the raw COPY did not store every row"
        cur.execute("TRUNCATE monitoring_reading")
    return len(readings) / elapsed


def progress(folder) -> list[dict]:
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name)) as f:
                    out.append(json.load(f))
            except (OSError, ValueError):
                pass  # being replaced
    return out


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    sys.exit(f"FAILED: {what} within {timeout:.0f} s")


def answers(url) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except OSError:
        return False


def start_broker(tmp):
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 0\n")
    proc = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, f"mqtt://127.0.0.1:{port}"


def payloads(readings):
    out = []
    for k in range(0, len(readings), BATCH):
        out.append(json.dumps({"readings": [{"device": f"B-{d:05d}", "ts": t, "value": v}
                                            for d, t, v in readings[k:k + BATCH]]}))
    return out


def probe_latency(url, api, token, stop, results, published):
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
        published.append(device)
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


def run(label, workers, per_row, n_readings, token, tmp, env, rate=None, group=""):
    from yingji.monitoring.mqtt import make_client

    reset()
    readings = rows(n_readings)
    copy_rate = raw_copy(readings)
    broker, url = start_broker(tmp)
    web_port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "yingji.cli", "serve", "--port", str(web_port), "--no-scheduler",
                            "--no-ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = tempfile.mkdtemp(dir=tmp)
    cmd = [sys.executable, "-m", "yingji.cli", "ingest", "--url", url, "--workers", str(workers),
           "--client-id", f"bench-{label}", "--progress-dir", folder, "--report-every", "0.2"]
    cmd += (["--per-row"] if per_row else []) + (["--group", group] if group else [])
    quiet = None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL
    ingest = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=quiet)
    try:
        wait_until(lambda: sum(p["subscribed"] for p in progress(folder)) == workers, 120,
                   f"{workers} ingest worker(s) confirmed their subscriptions")
        wait_until(lambda: answers(f"http://127.0.0.1:{web_port}/login/"), 120, "the web server answered")
        messages = payloads(readings)
        cpu_before = sum(p["cpu_s"] for p in progress(folder))  # start-up (Django, imports) left out
        pub = make_client(url, f"bench-pub-{label}", persistent=False)
        host, port = pub._yingji_address
        pub.connect(host, port)
        pub.loop_start()
        latencies, sent, stop = [], [], threading.Event()
        prober = threading.Thread(target=probe_latency, args=(url, f"http://127.0.0.1:{web_port}", token, stop,
                                                              latencies, sent))
        t0 = time.time()
        # Latency only below capacity: flat out a probe waits behind the whole backlog (that measures
        # the backlog), and its API polling would take CPU from the ingest being measured.
        if rate and not per_row:
            prober.start()
        infos = []
        for k, m in enumerate(messages):
            if rate:  # paced: a steady load below capacity, for latency without a backlog
                time.sleep(max(0.0, t0 + k * BATCH / rate - time.time()))
            infos.append(pub.publish("yingji/v1/gateways/bench/readings", m, qos=1))
        for info in infos:
            info.wait_for_publish(120)
        published = time.time() - t0
        stop.set()  # no probe after the last reading: the count to wait for is known
        if prober.is_alive():
            prober.join()
        deadline = time.monotonic() + 600
        # The workers' own counts (probe readings included), read from their files: no query.
        while sum(p["stored"] for p in progress(folder)) < n_readings + len(sent) and time.monotonic() < deadline:
            time.sleep(0.05)
        ends = [p["stored_at"] for p in progress(folder) if p["stored_at"]]
        elapsed = (max(ends) if ends else time.time()) - t0
        pub.loop_stop()
        pids = {p["pid"] for p in progress(folder)}
        cpu_s = sum(p["cpu_s"] for p in progress(folder)) - cpu_before
    except BaseException:
        pids = set()
        raise
    finally:
        for proc in (ingest, web, broker):
            proc.terminate()
            proc.wait(60)
    left = [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
    done = stored() - len(sent)
    copy_rate = (copy_rate + raw_copy(readings)) / 2  # before and after: the machine is shared
    ingest_rate = done / elapsed
    lat = sorted(latencies)
    pct = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))  # noqa: E731
    print(f"{label:<30} {done:>9,} readings {elapsed:6.1f} s {ingest_rate:>9,.0f}/s  raw COPY {copy_rate:>9,.0f}/s  "
          f"ratio {ingest_rate / copy_rate:5.3f}  workers' CPU {cpu_s / done * 1e6:4.1f} µs/reading  "
          f"(publish {published:.1f} s)  alarm p50 {pct(0.5):5.0f} ms  "
          f"p99 {pct(0.99):5.0f} ms (n={len(lat)})", flush=True)
    if left:
        print(f"FAILED: ingest workers still running after SIGTERM: {left}", flush=True)
    return done, left


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=500_000)
    parser.add_argument("--per-row", action="store_true", help="also the per-row ORM reference (no rules)")
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
    runs = [] if args.steady_only else [("owned, 1 worker", 1, False, args.readings, None, ""),
                                        ("owned, 2 workers", 2, False, args.readings, None, ""),
                                        ("shared group, 2 workers", 2, False, args.readings, None, "bench")]
    if args.per_row and not args.steady_only:
        runs.append(("per-row ORM, 1 worker", 1, True, args.per_row_readings, None, ""))
    runs.append((f"owned, 2 workers, {args.steady_rate:,}/s", 2, False, args.steady_rate * args.steady_seconds,
                 args.steady_rate, ""))
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, workers, per_row, n, rate, group in runs:
            done, left = run(label, workers, per_row, n, token, tmp, env, rate=rate, group=group)
            if done < n or left:
                failed.append(f"{label}: stored {done:,} of {n:,}" + (f", workers left running {left}" if left else ""))
    if failed:
        sys.exit("FAILED: " + "; ".join(failed))


if __name__ == "__main__":
    main()
