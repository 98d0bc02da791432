"""In the embedded default, `yingji serve` also takes MQTT readings in-process when a broker answers
(declared as an embedded service in apps.py; production runs `yingji ingest` instead). The thread
owns every sensor (one partition, monitoring.ownership) and writes their rule state back at exit."""

from __future__ import annotations

import atexit
import socket
import threading
from urllib.parse import urlsplit

from yingji import config


def start_ingest(write):
    """Start the ingest thread; returns its worker (None without a broker)."""
    url = config.env("YINGJI_MQTT_URL")
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), timeout=1).close()
    except OSError:
        write(f"监测数据接入：未连上 MQTT 代理 {url}，仅接收 HTTP 上报")
        return None
    from yingji.monitoring.mqtt import Worker

    worker = Worker(url, group=config.env("YINGJI_MQTT_GROUP"), client_id=f"yingji-serve-{socket.gethostname()}")
    thread = threading.Thread(target=worker.run, name="yingji-ingest", daemon=True)
    thread.start()

    def stop():  # the worker owns every sensor's rule state: let it write the state back
        worker.stop.set()
        thread.join(10)

    atexit.register(stop)
    write(f"监测数据接入：进程内订阅 {url}（yingji simulate 可发送演示数据）")
    return worker
