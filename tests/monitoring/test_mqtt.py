"""End to end through a real Mosquitto broker (a private instance per test, so it can be restarted):
QoS 1 delivery into the database, alarms, and no loss across a broker restart."""

import json
import shutil
import socket
import subprocess
import threading
import time

import pytest

from yingji.monitoring.models import Alarm, DeadLetter, Reading
from yingji.monitoring.mqtt import Worker, make_client

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
T0 = 1_795_000_020.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.conf = tmp_path / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                             f"persistence_location {tmp_path}/\nmax_inflight_messages 0\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
        self.proc.wait(10)

    @property
    def url(self):
        return f"mqtt://127.0.0.1:{self.port}"


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    b.start()
    yield b
    if b.proc.poll() is None:
        b.stop()


def publish(url, messages):
    """Publish (topic, dict) at QoS 1 and wait until the broker has acknowledged every one."""
    client = make_client(url, f"test-pub-{time.monotonic_ns()}", persistent=False)
    host, port = client._yingji_address
    client.connect(host, port)
    client.loop_start()
    infos = [client.publish(topic, json.dumps(body), qos=1) for topic, body in messages]
    for info in infos:
        info.wait_for_publish(10)
    client.disconnect()
    client.loop_stop()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker(broker, transactional_db):
    w = Worker(broker.url, client_id="test-ingest-1", linger_s=0.05)
    thread = threading.Thread(target=w.run, daemon=True)
    thread.start()
    assert w.connected.wait(10)
    yield w
    w.stop.set()
    thread.join(10)


def test_readings_over_mqtt_become_rows_and_alarms(sensor, worker, broker):
    publish(broker.url, [
        ("yingji/v1/readings/GAS-1", {"ts": T0, "value": 5.0}),  # device from the topic
        ("yingji/v1/gateways/gw1/readings", {"readings": [{"device": "GAS-1", "ts": T0 + 10, "value": 45.0},
                                                           {"device": "GHOST", "ts": T0, "value": 1.0}]}),
    ])
    assert wait_for(lambda: Reading.objects.count() == 2 and DeadLetter.objects.count() == 1)
    assert wait_for(lambda: Alarm.objects.filter(level=2).exists())
    assert DeadLetter.objects.get().reason == "unknown_device"
    # The worker counts a batch after acknowledging it, a moment after its rows are committed.
    assert wait_for(lambda: worker.totals["stored"] == 2)


def test_no_acknowledged_message_is_lost_across_a_broker_restart(sensor, worker, broker):
    first = [("yingji/v1/readings/GAS-1", {"ts": T0 + i, "value": 1.0}) for i in range(200)]
    publish(broker.url, first)
    assert wait_for(lambda: Reading.objects.count() == 200)
    broker.stop()
    assert wait_for(lambda: not worker.connected.is_set(), 10)
    broker.start()
    assert worker.connected.wait(40), "the worker did not reconnect by itself"
    second = [("yingji/v1/readings/GAS-1", {"ts": T0 + 1000 + i, "value": 2.0}) for i in range(300)]
    publish(broker.url, second)
    assert wait_for(lambda: Reading.objects.count() == 500)
    assert Reading.objects.filter(value=2.0).count() == 300


def test_messages_sent_while_the_worker_is_away_wait_for_it(sensor, broker, transactional_db):
    w = Worker(broker.url, client_id="test-ingest-away", linger_s=0.05)
    thread = threading.Thread(target=w.run, daemon=True)
    thread.start()
    assert w.connected.wait(10)
    w.stop.set()
    thread.join(10)  # the persistent session stays with the broker
    publish(broker.url, [("yingji/v1/readings/GAS-1", {"ts": T0 + i, "value": 3.0}) for i in range(50)])
    again = Worker(broker.url, client_id="test-ingest-away", linger_s=0.05)
    thread = threading.Thread(target=again.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: Reading.objects.count() == 50)
    finally:
        again.stop.set()
        thread.join(10)

