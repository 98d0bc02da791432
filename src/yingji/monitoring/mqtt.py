"""MQTT ingest worker: subscribe (QoS 1), batch, store, then acknowledge.

A message is acknowledged (PUBACK) only after the batch holding it has committed, so a worker that
dies or loses the broker mid-batch leaves those messages with the broker, which sends them again;
storage is idempotent on (sensor, ts), so a redelivery is harmless. A batch that fails for its
data is bisected by the ingest service and its poison messages go to the dead letters, so the
batch is acknowledged and never retried for ever; only failures of the database are retried.
The session is persistent (clean session off, fixed client id): while a worker is away, and across
a restart of a broker with persistence on, the broker keeps its messages. paho's network thread
reconnects by itself (1 s, doubling to 30 s) after a broker restart.

Subscription: a plain one by default, one per worker. Each worker owns a partition of the sensors
(monitoring.ownership), skips the readings of the others and keeps its sensors' rule state in
memory; ``yingji ingest --workers N`` gives process k partition k/N. With a group (``YINGJI_MQTT_GROUP``) the worker subscribes
through ``$share/<group>/…`` so several workers split the messages — but Mosquitto (2.0) does not
keep shared subscriptions in its persistence file: after a broker restart the restored session has
no subscription until the worker reconnects and subscribes again, and the broker drops (after
acknowledging them to the publisher) whatever devices send in between. That was the loss across
broker restarts; see docs/monitoring.md for when a group is worth it. Workers in a group own no
sensors: rule state then lives on the sensor rows, locked per batch.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from yingji.monitoring.ownership import Partition

log = logging.getLogger(__name__)

TOPICS = ("yingji/v1/readings/+", "yingji/v1/gateways/+/readings")


def make_client(url: str, client_id: str, *, persistent: bool = True) -> mqtt.Client:
    parts = urlsplit(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=not persistent,
                         protocol=mqtt.MQTTv311)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    if parts.scheme == "mqtts":
        client.tls_set()
    client.reconnect_delay_set(1, 30)
    client.max_inflight_messages_set(1000)  # publishers: keep QoS 1 messages flowing
    client.max_queued_messages_set(0)
    client._yingji_address = (parts.hostname or "127.0.0.1", parts.port or (8883 if parts.scheme == "mqtts" else 1883))
    return client


def _topic(message) -> str:
    """The message's topic; one that is not valid UTF-8 (paho raises on it) is shown escaped."""
    try:
        return message.topic
    except UnicodeDecodeError:
        return message._topic.decode("utf-8", "backslashreplace")


class Worker:
    def __init__(self, url: str, *, group: str = "", client_id: str = "yingji-ingest-1", shared: bool | None = None,
                 max_messages: int = 500, linger_s: float = 0.1, per_row: bool = False,
                 partition: Partition | None = None, checkpoint_s: float = 1.0):
        """``shared``: subscribe through ``$share/<group>/…``; by default when a group is given. Without
        it the worker owns the sensors of ``partition`` (all by default) and keeps their rule state in
        memory, written back every ``checkpoint_s`` and when it stops (monitoring.ownership)."""
        from yingji.monitoring.ingest import Ingestor

        shared = bool(group) if shared is None else shared
        self.partition = None if shared else (partition or Partition())
        self.ingestor = Ingestor(per_row=per_row, partition=self.partition)
        self.checkpoint_s = checkpoint_s
        self.inbox: queue.Queue = queue.Queue()
        self.max_messages, self.linger_s = max_messages, linger_s
        self.topics = [f"$share/{group or 'yingji'}/{t}" if shared else t for t in TOPICS]
        self.stop = threading.Event()
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.totals = Counter()
        self.stored_at = None  # time.time() of the last batch stored and acknowledged
        self.on_subscribed = None  # called on paho's thread once the broker confirms the subscription
        self.client = make_client(url, client_id)
        self.client.manual_ack_set(True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        # Message ids belong to one connection: after a reconnect the broker resends what was not
        # acknowledged, and an old id must not acknowledge a different message on the new one. The
        # lock makes "still the same connection?" and the PUBACK one step, so a disconnect (on paho's
        # thread) cannot slip in between.
        self.generation = 0
        self.ack_lock = threading.Lock()
        self.client.on_message = lambda client, userdata, message: self.inbox.put((self.generation, message))

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT 连接被拒绝：%s", reason_code)
            return
        client.subscribe([(t, 1) for t in self.topics])
        log.info("MQTT 已连接，订阅 %s", ", ".join(self.topics))

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        if any(rc.is_failure for rc in reason_codes):
            log.error("MQTT 订阅被拒绝：%s", reason_codes)
            return
        self.connected.set()  # ready only once the broker has confirmed the subscription
        if self.on_subscribed:
            self.on_subscribed()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        with self.ack_lock:
            self.generation += 1
        self.disconnected.set()
        if not self.stop.is_set():
            log.warning("MQTT 连接断开（%s），自动重连中", reason_code)

    def _take_batch(self) -> list:
        try:
            batch = [self.inbox.get(timeout=0.5)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.linger_s
        while len(batch) < self.max_messages:
            try:
                batch.append(self.inbox.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _process(self, batch: list) -> None:
        from django.db import close_old_connections

        delay = 1.0
        messages = [(_topic(m), m.payload) for _, m in batch]
        while not self.stop.is_set():
            try:  # poison messages come back as dead letters, not as exceptions (ingest.is_poison)
                outcome = self.ingestor.handle(messages)
                break
            except Exception:  # the database itself failed: keep the batch unacknowledged and retry
                log.exception("写入失败，%.0f 秒后重试（消息未确认，不会丢失）", delay)
                close_old_connections()
                self.stop.wait(delay)
                delay = min(delay * 2, 30.0)
        else:
            return
        with self.ack_lock:
            for generation, message in batch:
                if generation == self.generation:
                    self.client.ack(message.mid, message.qos)
        self.totals.update(messages=len(batch), received=outcome.received, stored=outcome.stored,
                           duplicates=outcome.duplicates, **{f"rejected_{k}": v for k, v in outcome.rejected.items()})
        self.stored_at = time.time()

    def _preload(self) -> None:
        from django.db import close_old_connections

        delay = 1.0
        while not self.stop.is_set():
            try:
                log.info("接入进程接管 %d 个传感器", self.ingestor.preload())
                return
            except Exception:  # database not there yet: the first batch would load them anyway
                log.exception("读取传感器状态失败，%.0f 秒后重试", delay)
                close_old_connections()
                self.stop.wait(delay)
                delay = min(delay * 2, 30.0)

    def _checkpoint(self) -> None:
        """Write the owned sensors' state back now (at stop); a failure (database away) is logged."""
        from django.db import close_old_connections

        try:
            self.totals["checkpointed"] += self.ingestor.checkpoint()
        except Exception:
            log.exception("传感器状态写回失败（重启后由已存读数重放恢复）")
            close_old_connections()

    def _write_checkpoints(self) -> None:
        """The periodic checkpoints, on a thread of their own: writing thousands of sensor rows must
        not hold up the next batch (alarm latency). Taken in the batch loop, written here in order."""
        from django.db import close_old_connections, connections

        while True:
            taken = self.checkpoints.get()
            if taken is None:
                break
            try:
                self.ingestor.owned.write(taken)
                self.totals["checkpointed"] += len(taken[0])
            except Exception:
                log.exception("传感器状态写回失败，稍后重试")
                close_old_connections()
        connections.close_all()

    def run(self, max_seconds: float | None = None, report_every: float = 10.0, on_report=None) -> Counter:
        if self.partition is not None:  # its sensors' state first: checkpoint + replay after a crash
            self._preload()
        host, port = self.client._yingji_address
        self.client.connect_async(host, port, keepalive=30)
        self.client.loop_start()
        started = last_report = last_checkpoint = time.monotonic()
        writer = None
        if self.ingestor.owned is not None:
            self.checkpoints: queue.Queue = queue.Queue()
            writer = threading.Thread(target=self._write_checkpoints, name="yingji-checkpoints", daemon=True)
            writer.start()
        try:
            while not self.stop.is_set():
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                batch = self._take_batch()
                if batch:
                    self._process(batch)
                if writer is not None and time.monotonic() - last_checkpoint >= self.checkpoint_s:
                    last_checkpoint = time.monotonic()
                    if self.checkpoints.empty() and (taken := self.ingestor.owned.take_dirty()) is not None:
                        self.checkpoints.put(taken)
                if on_report and time.monotonic() - last_report >= report_every:
                    last_report = time.monotonic()
                    on_report(self.totals)
        finally:
            self.stop.set()
            if writer is not None:
                self.checkpoints.put(None)
                writer.join(30)
                self._checkpoint()  # the hand-over: the next owner starts from here
            self.disconnected.clear()
            if self.client.disconnect() == mqtt.MQTT_ERR_SUCCESS:
                # The last batch's PUBACKs are queued ahead of DISCONNECT: let paho's thread send
                # them before it is stopped, else the broker sends that batch again next time.
                self.disconnected.wait(5)
            self.client.loop_stop()
            from django.db import connections

            connections.close_all()  # this thread's connections, so none outlives the worker
        return self.totals
