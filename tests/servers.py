"""Real server processes for tests: `yingji serve` / `yingji worker` started as the production
commands are, against the test database, and their process trees read from /proc."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

YINGJI = [sys.executable, "-c", "from yingji.cli import main; main()"]
APP_NAME = "yingji-test-server"  # application_name of the started processes' PostgreSQL connections


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database (not the configured one) as a YINGJI_DATABASE_URL for a child process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**extra) -> dict:
    from django.conf import settings

    env = {**os.environ, "YINGJI_DATABASE_URL": database_url(), "YINGJI_SECRET_KEY": settings.SECRET_KEY,
           "PGAPPNAME": APP_NAME, "PYTHONUNBUFFERED": "1"}
    env.pop("YINGJI_BROKER_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), fields[0]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children …), walking parent ids in /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))):
            parents[int(entry.name)] = st[0]
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[1] != "Z"  # a zombie holds nothing and waits only to be reaped


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([*YINGJI, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_http(proc: subprocess.Popen, port: int, log: Path, path: str = "/login/", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"server did not answer within {timeout} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[set[int], set[int]]:
    """Sends ``sig`` to the process alone (as systemd or a `kill` would) and waits up to ``timeout``
    for it and every process below it. Returns (the descendants it had, those still alive); kills
    whatever is left so that no test leaves processes behind."""
    tree = descendants(proc.pid)
    proc.send_signal(sig)
    deadline = time.monotonic() + timeout
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout)
    while time.monotonic() < deadline and any(alive(p) for p in tree):
        time.sleep(0.1)
    left = {p for p in tree if alive(p)}
    for p in left | ({proc.pid} if proc.poll() is None else set()):
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    proc.wait(10)
    return tree, left
