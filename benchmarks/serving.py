"""Pages through the real server (issue #16): `yingji serve` with its default web processes, 4
concurrent signed-in clients, the demo county at ×1, ×10, ×100 on PostgreSQL.

Each page is reported as a ratio to the floor — the login page, measured in the same run with the
same clients right before each page — so figures hold up on a shared machine; the growth exponent is log(ratio at the
largest scale / ratio at the smallest) / log(scale ratio): 0 does not grow with the data, 1 grows
linearly. Scaling is incremental in one database (benchmarks/scale.py); the server is restarted for
each scale. Prints p50/p95, response size, errors (any answer but 200), the most PostgreSQL
connections the server held (sampled every 50 ms), the web processes' largest RSS, PASS/FAIL
against the goals at ×100, and the machine.

    YINGJI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingji_bench_serving python -m benchmarks.serving --scales 1,10,100
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.setdefault("YINGJI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingji_bench_serving")

APP_NAME = "yingji-bench-serving"
PASSWORD = "Bench-serving-2026"
# goal: (kind, most times the floor at ×100); map layers also < 500 KB for a township view
GOALS = {"list": 3, "api": 3, "record": 3, "dashboard": 4, "map": 5}
TOWNSHIP_BYTES = 500_000


class Client:
    """One keep-alive connection with its cookies (a browser tab)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}

    def get(self, path: str, method: str = "GET", body: str | None = None) -> tuple[int, bytes]:
        """The answer's status and body (599 and no body when the connection failed)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Encoding": "identity"}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded"}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                # the server closes a keep-alive connection idle for 5 s (uvicorn's default); a browser
                # then simply asks again on a new one. Anything else is an error.
                idle_closed = isinstance(exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError)
                if attempt == 2 or not idle_closed:
                    return 599, b""
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def sign_in(self, username: str) -> None:
        self.get("/login/")
        status, _ = self.get("/login/", "POST", f"csrfmiddlewaretoken={self.cookies['csrftoken']}"
                             f"&username={username}&password={PASSWORD}")
        if status != 302:
            sys.exit(f"signing in as {username} answered {status}")


def measure(clients: list[Client], path: str, requests: int, seconds: float) -> dict:
    """Every client asks for ``path`` in a closed loop (next request when the last is answered) until
    ``requests`` answers in all or ``seconds`` have passed (at least 2 per client)."""
    times, sizes, errors = [], [], []
    lock, done = threading.Lock(), [0]
    deadline = time.perf_counter() + seconds

    def run(client: Client):
        n = 0
        while True:
            with lock:
                if done[0] >= requests or (n >= 2 and time.perf_counter() > deadline):
                    return
                done[0] += 1
            t0 = time.perf_counter()
            status, body = client.get(path)
            size = len(body)
            ms = (time.perf_counter() - t0) * 1000
            n += 1
            with lock:
                times.append(ms)
                sizes.append(size)
                if status != 200:
                    errors.append(status)

    warm = [threading.Thread(target=c.get, args=(path,)) for c in clients]  # templates, pools, caches
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, math.ceil(len(times) * 0.95) - 1)],
            "n": len(times), "errors": len(errors), "statuses": sorted(set(errors)), "bytes": max(sizes)}


class Sampler(threading.Thread):
    """The server's PostgreSQL connections and its processes' RSS, every 50 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop, self.connections, self.rss_mib = pid, threading.Event(), 0, 0.0

    def run(self):
        import psycopg
        from django.db import connection

        from tests.servers import descendants

        db = connection.settings_dict
        with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                             password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as conn:
            while not self.stop.is_set():
                n = conn.execute("select count(*) from pg_stat_activity where application_name = %s",
                                 [APP_NAME]).fetchone()[0]
                self.connections = max(self.connections, n)
                for pid in descendants(self.pid) | {self.pid}:
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
                    self.rss_mib = max(self.rss_mib, kb / 1024)
                self.stop.wait(0.05)


def scenarios() -> list[tuple[str, str, str]]:
    """(name, kind, path) of what is measured; ids and bounding boxes from the demo county."""
    from django.db.models import Count

    from yingji.core.models import Organization, Region

    related = Count("hazards", distinct=True) + Count("risk_points", distinct=True)
    record = Organization.objects.filter(kind="enterprise").annotate(n=related).order_by("-n", "pk").first()
    town = Region.objects.filter(level="township").exclude(min_lon=None).order_by("code").first()
    county = Region.objects.filter(level="county").first()
    box = f"west={town.min_lon}&south={town.min_lat}&east={town.max_lon}&north={town.max_lat}"
    cbox = f"west={county.min_lon}&south={county.min_lat}&east={county.max_lon}&north={county.max_lat}"
    return [
        ("login page (floor)", "floor", "/login/"),
        ("list: organizations", "list", "/registry/organizations/"),
        ("list: hazards", "list", "/registry/hazards/"),
        ("list: risk points", "list", "/registry/risk-points/"),
        ("API: organizations", "api", "/api/organizations/"),
        ("API: hazards", "api", "/api/hazards/"),
        ("API: risk points", "api", "/api/risk-points/"),
        (f"record: enterprise {record.pk}", "record", f"/registry/organizations/{record.pk}/"),
        ("hazard dashboard", "dashboard", "/hazards/dashboard/"),
        # what the record page's map asks for once the page is shown (its largest parts layer)
        ("map: the record's risk points", "map", f"/api/map/risk-points.geojson?organization={record.credit_code}"),
        ("map: organizations, county", "map", f"/api/map/organizations.geojson?{cbox}&zoom=10"),
        ("map: organizations, township", "map-town", f"/api/map/organizations.geojson?{box}&zoom=13"),
        ("map: risk points, county", "map", f"/api/map/risk-points.geojson?{cbox}&zoom=10"),
        ("map: risk points, township", "map-town", f"/api/map/risk-points.geojson?{box}&zoom=13"),
    ]


def serve(port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PGAPPNAME": APP_NAME, "YINGJI_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("YINGJI_WEB_WORKERS", None)  # the default: what a bureau gets without tuning
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from yingji.cli import main; main()", "serve", "--port",
                                 str(port), "--no-scheduler", "--no-ingest"], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"yingji serve exited:\n{log.read_text()}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/login/")
            if c.getresponse().status == 200:
                return proc
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit("yingji serve did not answer in 120 s")


def run_scale(scale: int, args, log) -> dict:
    from benchmarks.scale import scale_to
    from tests.servers import free_port

    counts = scale_to(scale, log)
    log(f"×{scale}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    port, server_log = free_port(), Path(args.log_dir) / f"serve-x{scale}.log"
    proc = serve(port, server_log)
    sampler = Sampler(proc.pid)
    sampler.start()
    results = {}
    try:
        anonymous = [Client(port) for _ in range(args.clients)]
        signed_in = [Client(port) for _ in range(args.clients)]
        for c in signed_in:
            c.sign_in(args.user)
        floors = []
        for name, kind, path in scenarios():
            # The floor is measured again right before each page (the machine's load drifts on a
            # shared machine): a page's ratio is to the floor next to it.
            floor = measure(anonymous, "/login/", max(8, args.requests // 3), args.seconds)
            floors.append(floor["p50"])
            clients = anonymous if kind == "floor" else signed_in
            results[name] = {"kind": kind, "floor": floor["p50"], **measure(clients, path, args.requests, args.seconds)}
            r = results[name]
            log(f"  {name:34s} p50 {r['p50']:8.1f} ms  p95 {r['p95']:8.1f} ms  {r['bytes']:>10,} B  n={r['n']}"
                f"  (floor {floor['p50']:.1f} ms)" + (f"  errors {r['errors']} {r['statuses']}" if r["errors"] else ""))
    finally:
        sampler.stop.set()
        sampler.join(5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    started = re.search(r"（(\d+) 个 Web 进程", server_log.read_text())
    workers = started.group(1) if started else "?"
    return {"results": results, "connections": sampler.connections, "rss_mib": sampler.rss_mib, "workers": workers}


def report(runs: dict[int, dict]) -> bool:
    scales = sorted(runs)
    first, last = scales[0], scales[-1]
    names = list(runs[first]["results"])
    head = "".join(f" {'×' + str(s) + ' ratio':>10s}" for s in scales)
    print(f"\n{'page':34s}{head} {'exponent':>9s} {'p50 ms':>8s} {'p95 ms':>8s} {'bytes':>10s} {'errors':>6s}  goal at ×100")
    ok = True
    for name in names:
        ratios = {s: runs[s]["results"][name]["p50"] / runs[s]["results"][name]["floor"] for s in scales}
        r = runs[last]["results"][name]
        kind = r["kind"]
        exponent = math.log(ratios[last] / ratios[first]) / math.log(last / first) if last > first else float("nan")
        verdict = ""
        if kind != "floor":
            limit = GOALS["map" if kind.startswith("map") else kind]
            passed = ratios[last] <= limit and r["errors"] == 0
            text = f"≤ {limit}×, 0 errors"
            if kind == "map-town":
                passed = passed and r["bytes"] < TOWNSHIP_BYTES
                text += ", < 500 KB"
            verdict = (f"{'PASS' if passed else 'FAIL'} ({text})" if last == 100
                       else f"(at ×{last}: {'ok' if passed else 'over'}; {text})")
            ok = ok and passed
        cells = "".join(f" {ratios[s]:9.2f}×" for s in scales)
        growth = "–" if math.isnan(exponent) else f"{exponent:.2f}"
        print(f"{name:34s}{cells} {growth:>9s} {r['p50']:8.1f} {r['p95']:8.1f} {r['bytes']:>10,} {r['errors']:>6d}  {verdict}")
    for s in scales:
        print(f"×{s}: {runs[s]['workers']} web processes, at most {runs[s]['connections']} PostgreSQL connections, "
              f"largest process RSS {runs[s]['rss_mib']:.0f} MiB")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated, ascending, e.g. 1,10")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=40, help="answers per page (all clients together)")
    parser.add_argument("--seconds", type=float, default=45, help="at most this long per page (≥ 2 answers per client)")
    parser.add_argument("--user", default="duty", help="a demo account with the county in scope")
    parser.add_argument("--log-dir", default=os.environ.get("TMPDIR", "/tmp"))
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.servers
    from benchmarks.registry import ensure_database, machine

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from yingji.core.framework import demo
    from yingji.core.models import User

    call_command("migrate", interactive=False, verbosity=0)
    demo.load(seed=2026, log=print)
    user = User.objects.get(username=args.user)
    user.set_password(PASSWORD)  # a known password, not the demo's one-time one
    user.save()
    print(f"machine: {machine()}")
    print(f"{args.clients} concurrent clients, closed loop; {args.requests} answers per page (or {args.seconds:g} s); "
          f"user {args.user!r}")
    t0 = time.perf_counter()
    runs = {}
    for scale in sorted(int(s) for s in args.scales.split(",")):
        runs[scale] = run_scale(scale, args, print)
    ok = report(runs)
    print(f"total {time.perf_counter() - t0:.0f} s; {'all goals met' if ok else 'goals not met'}")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it comes, also into a file
    main()
