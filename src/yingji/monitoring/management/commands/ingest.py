"""`yingji ingest`: MQTT ingest workers, each owning a partition of the sensors (monitoring.ownership).

With ``--workers N`` this process supervises N worker processes: one that dies is started again
(it reloads its sensors' state: checkpoint + replay), and SIGTERM or SIGINT stops them all — each
writes its state back and sends its last acknowledgements — before this process exits; one that
does not stop within ``STOP_WAIT_S`` is killed. A worker also dies with its supervisor (Linux
parent-death signal), so none is left behind when the supervisor itself is killed."""

import ctypes
import json
import logging
import multiprocessing
import os
import signal
import threading
import time

from django.core.management.base import BaseCommand

from yingji import config

STOP_WAIT_S = 30.0
RESTART_DELAY_S = 1.0


def _die_with_parent() -> None:
    try:  # PR_SET_PDEATHSIG = 1: SIGTERM when the supervisor goes, however it goes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _write_progress(path: str, worker, **extra) -> None:
    """Counts for a watcher (the benchmark) without querying the database: written, then renamed."""
    data = {"stored": worker.totals["stored"], "messages": worker.totals["messages"],
            "stored_at": worker.stored_at, "subscribed": worker.connected.is_set(), "pid": os.getpid(),
            "cpu_s": sum(os.times()[:2]), **extra}
    with open(path + ".tmp", "w") as f:
        json.dump(data, f)
    os.replace(path + ".tmp", path)


def _run_worker(url, group, client_id, shared, per_row, max_seconds, max_messages, partition=None,
                progress=None, report_every=10.0, checkpoint_s=1.0, child=False):
    import django

    if child:
        _die_with_parent()
    django.setup()
    from yingji.monitoring.mqtt import Worker
    from yingji.monitoring.ownership import Partition

    worker = Worker(url, group=group, client_id=client_id, shared=shared, per_row=per_row, max_messages=max_messages,
                    partition=Partition(*partition) if partition else None, checkpoint_s=checkpoint_s)
    for sig in (signal.SIGTERM, signal.SIGINT):  # stop between batches, write the state back
        signal.signal(sig, lambda *a: worker.stop.set())
    if progress:
        worker.on_subscribed = lambda: _write_progress(progress, worker)

    def report(totals):
        if progress:
            _write_progress(progress, worker)
            if report_every < 1:
                return
        rejected = {k.removeprefix("rejected_"): v for k, v in totals.items() if k.startswith("rejected_")}
        print(f"[{client_id}] 消息 {totals['messages']} 条，读数 {totals['received']}，入库 {totals['stored']}，"
              f"重复 {totals['duplicates']}，拒收 {rejected or 0}", flush=True)

    report(worker.run(max_seconds=max_seconds, on_report=report, report_every=report_every))
    if progress:
        _write_progress(progress, worker, stopped=True)


class Command(BaseCommand):
    help = "监测数据接入：订阅 MQTT（QoS 1），各进程分管一部分传感器，批量入库、报警判定；HTTP 接入见 /api/ingest/readings/"

    def add_arguments(self, parser):
        parser.add_argument("--url", default=config.env("YINGJI_MQTT_URL"), help="MQTT 代理地址")
        parser.add_argument("--group", default=config.env("YINGJI_MQTT_GROUP"),
                            help="共享订阅组名：多个接入进程分担消息（状态存于传感器表、逐批加锁）；为空（默认）时各进程分管传感器")
        parser.add_argument("--workers", type=int, default=1, help="本机启动的接入进程数（各管一个传感器分区）")
        parser.add_argument("--partition", default="",
                            help="K/N：本机只管第 K 个分区（共 N 个，多台机器分担时用）；"
                                 "与 --workers 同用时本机各进程分管其中的子分区")
        parser.add_argument("--client-id", default=f"yingji-ingest-{os.uname().nodename}",
                            help="客户端标识前缀（各进程追加分区号；固定标识使代理在断线期间保留消息）")
        parser.add_argument("--no-shared", action="store_true", help="不使用共享订阅（忽略 --group）")
        parser.add_argument("--max-messages", type=int, default=500, help="每批最多处理的 MQTT 消息数")
        parser.add_argument("--per-row", action="store_true", help="逐条 ORM 写入（仅供性能对比）")
        parser.add_argument("--max-seconds", type=float, default=None, help="运行指定秒数后退出（测试、压测用）")
        parser.add_argument("--progress-dir", default="", help="各进程把计数写入此目录（压测用，不查数据库）")
        parser.add_argument("--checkpoint-s", type=float, default=1.0,
                            help="各进程把所管传感器的报警状态写回数据库的间隔（秒）；停止时总会写回")
        parser.add_argument("--report-every", type=float, default=10.0, help="输出计数的间隔（秒）")

    def handle(self, *args, url, group, workers, partition, client_id, no_shared, max_messages, per_row,
               max_seconds, progress_dir, report_every, checkpoint_s, **options):
        logging.basicConfig(level=config.env("YINGJI_LOG_LEVEL"), format="%(asctime)s %(levelname)s %(message)s")
        shared = bool(group) and not no_shared
        base_k, base_n = (0, 1)
        if partition:
            from yingji.monitoring.ownership import Partition

            p = Partition.parse(partition)
            base_k, base_n = p.index, p.count
        total = base_n * workers
        mode = f"共享订阅组 {group}（状态存于传感器表）" if shared else f"各进程分管传感器（共 {total} 个分区）"
        self.stdout.write(f"监测数据接入：{url}，{workers} 个进程，{mode}")
        jobs = []
        for i in range(workers):
            k = base_k + i * base_n  # process i of host k/N takes partition k + i·N of N·workers
            part = None if shared else (k, total)
            progress = os.path.join(progress_dir, f"worker-{i + 1}.json") if progress_dir else None
            cid = f"{client_id}-{i + 1}" if shared or total == 1 else f"{client_id}-p{k + 1}of{total}"
            jobs.append((url, group, cid, shared, per_row, max_seconds, max_messages, part, progress, report_every,
                         checkpoint_s))
        if workers == 1:
            _run_worker(*jobs[0])
            return
        self._supervise(jobs, max_seconds)

    def _supervise(self, jobs, max_seconds):
        ctx = multiprocessing.get_context("spawn")
        stopping = threading.Event()
        procs = [None] * len(jobs)

        def start(i):
            procs[i] = ctx.Process(target=_run_worker, args=jobs[i], kwargs={"child": True}, name=jobs[i][2])
            procs[i].start()

        def stop(signum, frame):
            stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for i in range(len(jobs)):
                start(i)
            while not stopping.is_set():
                for i, p in enumerate(procs):
                    if p.exitcode is not None and not stopping.is_set():
                        if max_seconds is not None and p.exitcode == 0:
                            continue  # ran its time
                        self.stderr.write(f"接入进程 {p.name} 退出（{p.exitcode}），{RESTART_DELAY_S:g} 秒后重启")
                        stopping.wait(RESTART_DELAY_S)
                        if not stopping.is_set():
                            start(i)
                if max_seconds is not None and all(p.exitcode == 0 for p in procs):
                    return
                stopping.wait(0.2)
        finally:
            for p in procs:
                if p is not None and p.exitcode is None:
                    os.kill(p.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_WAIT_S
            for p in procs:
                if p is not None:
                    p.join(max(0.0, deadline - time.monotonic()))
                    if p.exitcode is None:
                        self.stderr.write(f"接入进程 {p.name} 未按时退出，强制结束")
                        p.kill()
                        p.join(5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
