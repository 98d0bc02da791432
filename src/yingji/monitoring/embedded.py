"""In the embedded default, `yingji serve` also takes MQTT readings in-process when a broker answers
(declared as an embedded service in apps.py; production runs `yingji ingest` instead)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

from yingji import config


def start_ingest(write) -> None:
    url = config.env("YINGJI_MQTT_URL")
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), timeout=1).close()
    except OSError:
        write(f"监测数据接入：未连上 MQTT 代理 {url}，仅接收 HTTP 上报")
        return
    from yingji.monitoring.mqtt import Worker

    worker = Worker(url, group=config.env("YINGJI_MQTT_GROUP"), client_id=f"yingji-serve-{socket.gethostname()}")
    threading.Thread(target=worker.run, name="yingji-ingest", daemon=True).start()
    write(f"监测数据接入：进程内订阅 {url}（yingji simulate 可发送演示数据）")
