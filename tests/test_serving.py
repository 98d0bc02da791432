"""The real server (`yingji serve`, uvicorn with several web processes) and `yingji worker`: 50
signed-in users at once get no server error while PostgreSQL connections stay within the pools,
and SIGTERM / SIGINT stop every child process (docs/decisions/0013-serving.md)."""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

from tests import servers

USERS = 50
WORKERS = 2
POOL_MAX = 4  # small, so that 50 users at once would exceed it many times over without a pool
STREAMS = 10  # users that also keep a page's live stream open (every page has one in a browser)


class Browser:
    """One user's keep-alive connection with their session cookie."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/login/"}
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # uvicorn closes a keep-alive connection idle for 5 s; a browser asks again on a new one
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, response.read()

    def sign_in(self, username: str, password: str) -> int:
        self.request("GET", "/login/")
        body = f"csrfmiddlewaretoken={self.cookies['csrftoken']}&username={username}&password={password}"
        return self.request("POST", "/login/", body)[0]


def _pg_connections(stop: threading.Event, seen: list[int]) -> None:
    """Samples how many connections the server's processes hold, every 50 ms until ``stop``."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as conn:
        while not stop.is_set():
            seen.append(conn.execute("select count(*) from pg_stat_activity where application_name = %s",
                                     [servers.APP_NAME]).fetchone()[0])
            stop.wait(0.05)


@pytest.mark.django_db(transaction=True)
def test_fifty_users_get_no_server_error_and_connections_stay_in_the_pools(users, tree, orgs, tmp_path):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from yingji.core.models import User

    # The server checks passwords with the production hashers; one hash serves every account.
    password = "Load-test-pw-2026"
    encoded = PBKDF2PasswordHasher().encode(password, "loadtestsalt")
    staff = Group.objects.get(name="staff")
    people = [User.objects.create(username=f"load{i:02d}", password=encoded, scope_region=tree["county"])
              for i in range(USERS)]
    for person in people:
        person.groups.add(staff)
    postgres = connection.vendor == "postgresql"
    port, log = servers.free_port(), tmp_path / "serve.log"
    env = servers.environment(YINGJI_DB_POOL_MAX_SIZE=POOL_MAX, YINGJI_DB_POOL_MIN_SIZE=1,
                              YINGJI_DB_POOL_TIMEOUT=120)  # waits are fine; a loaded CI machine is slow
    proc = servers.start(["serve", "--port", str(port), "--workers", str(WORKERS), "--no-scheduler", "--no-ingest"],
                         env, log)
    stop, seen = threading.Event(), []
    try:
        servers.wait_http(proc, port, log)
        browsers = []
        for i, person in enumerate(people):  # a few sign in through the form, the others by session
            if i < 3:
                browser = Browser(port)
                assert browser.sign_in(person.username, password) == 302, log.read_text()
            else:
                client = Client()
                client.force_login(person)
                browser = Browser(port, {"sessionid": client.cookies["sessionid"].value})
            browsers.append(browser)
        org = orgs["a"]
        pages = ["/registry/organizations/", f"/registry/organizations/{org.pk}/", "/api/organizations/",
                 "/api/map/organizations.geojson", "/registry/hazards/", "/api/hazards/", "/"]
        if postgres:
            threading.Thread(target=_pg_connections, args=(stop, seen), daemon=True).start()
        answers: list[tuple[str, int]] = []
        go = threading.Barrier(USERS)

        def user(i: int, browser: Browser):
            go.wait()
            for k in range(len(pages)):
                path = pages[(i + k) % len(pages)]
                try:
                    answers.append((path, browser.request("GET", path)[0]))
                except OSError as exc:  # no answer at all: counted, not lost with the thread
                    answers.append((path, repr(exc)))

        def stream(browser: Browser):
            status, body = Browser(port, browser.cookies).request("GET", "/live/stream?channels=alarms&max_s=4")
            answers.append(("/live/stream", status))
            assert b"retry:" in body

        threads = [threading.Thread(target=user, args=(i, b)) for i, b in enumerate(browsers)]
        threads += [threading.Thread(target=stream, args=(b,)) for b in browsers[:STREAMS]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert not any(t.is_alive() for t in threads), "requests still running after 300 s"
    finally:
        stop.set()
        _, left = servers.stop(proc)
    errors = [a for a in answers if not isinstance(a[1], int) or a[1] >= 500]
    print(f"\n{USERS} users, {WORKERS} web processes: {len(answers)} requests, {len(errors)} server errors, "
          f"max PostgreSQL connections {max(seen, default='-')}")
    assert len(answers) == USERS * len(pages) + STREAMS
    assert not errors, f"{len(errors)} server errors, e.g. {errors[:5]}\n{log.read_text()[-3000:]}"
    assert all(status == 200 for _, status in answers), sorted({a for a in answers if a[1] != 200})
    assert not left
    if postgres:
        assert seen and max(seen) >= 1, "the sampler never saw the server's connections"
        assert max(seen) <= WORKERS * POOL_MAX, f"up to {max(seen)} connections for {WORKERS} × pool {POOL_MAX}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.django_db(transaction=True)
def test_serve_stops_every_child_process_on_a_signal(sig, users, tmp_path):
    """Two web processes, the in-process scheduler and the MQTT ingest thread (a private broker), and
    an open live stream, which would keep a web process waiting for minutes without the shutdown limit."""
    from django.test import Client

    from tests.monitoring.test_mqtt import Broker
    from yingji.core.management.commands.serve import SHUTDOWN_S

    broker = Broker(tmp_path)
    broker.start()
    port, log = servers.free_port(), tmp_path / "serve.log"
    proc = servers.start(["serve", "--port", str(port), "--workers", "2"], servers.environment(YINGJI_MQTT_URL=broker.url),
                         log)
    try:
        servers.wait_http(proc, port, log)
        client = Client()
        client.force_login(users["staff"])
        streaming = Browser(port, {"sessionid": client.cookies["sessionid"].value})
        streaming.conn.request("GET", "/live/stream?channels=alarms", headers={
            "Cookie": f"sessionid={streaming.cookies['sessionid']}"})
        assert streaming.conn.getresponse().status == 200
        text = log.read_text()
        assert "定时任务：进程内运行" in text and "进程内订阅" in text, text
        assert len(servers.descendants(proc.pid)) >= 2  # the web processes (and multiprocessing's tracker)
        t0 = time.monotonic()
        tree, left = servers.stop(proc, sig, timeout=SHUTDOWN_S + 20)
    finally:
        if proc.poll() is None:
            servers.stop(proc, signal.SIGKILL)
        broker.proc.terminate()
        broker.proc.wait(10)
    assert len(tree) >= 2
    assert not left, f"still running after {time.monotonic() - t0:.0f} s: {sorted(left)}"
    assert proc.returncode is not None


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed (the worker needs a broker)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.django_db(transaction=True)
def test_worker_runs_jobs_and_stops_every_child_process_on_a_signal(sig, tmp_path):
    port = servers.free_port()
    redis = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    log = tmp_path / "worker.log"
    proc = servers.start(["worker", "--concurrency", "2"],
                         servers.environment(YINGJI_BROKER_URL=f"redis://127.0.0.1:{port}/0"), log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not re.search(r"ready", log.read_text()):
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert len(servers.descendants(proc.pid)) >= 2, log.read_text()  # the two pool processes
        # Jobs run in the forked pool processes, each with a database connection of its own (Celery
        # closes the pool a child inherits).
        from celery import Celery

        from yingji.core.framework.models import JobRun

        # Not the current app: tasks the later tests queue must not go to this broker once it is gone.
        sender = Celery(broker=f"redis://127.0.0.1:{port}/0", set_as_current=False)
        for _ in range(4):
            sender.send_task("yingji.core.directory.tasks.heartbeat")
        while time.monotonic() < deadline and JobRun.objects.filter(name="heartbeat", ok=True).count() < 4:
            time.sleep(0.2)
        assert JobRun.objects.filter(name="heartbeat", ok=True).count() == 4, log.read_text()
        tree, left = servers.stop(proc, sig, timeout=60)
    finally:
        if proc.poll() is None:
            servers.stop(proc, signal.SIGKILL)
        redis.terminate()
        redis.wait(10)
    assert len(tree) >= 2
    assert not left, f"still running: {sorted(left)}"
