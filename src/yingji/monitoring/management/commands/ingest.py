import logging
import multiprocessing
import os
import signal

from django.core.management.base import BaseCommand

from yingji import config


def _run_worker(url, group, client_id, shared, per_row, max_seconds, max_messages):
    import django

    django.setup()
    from yingji.monitoring.mqtt import Worker

    worker = Worker(url, group=group, client_id=client_id, shared=shared, per_row=per_row, max_messages=max_messages)
    signal.signal(signal.SIGTERM, lambda *a: worker.stop.set())

    def report(totals):
        rejected = {k.removeprefix("rejected_"): v for k, v in totals.items() if k.startswith("rejected_")}
        print(f"[{client_id}] 消息 {totals['messages']} 条，读数 {totals['received']}，入库 {totals['stored']}，"
              f"重复 {totals['duplicates']}，拒收 {rejected or 0}", flush=True)

    try:
        report(worker.run(max_seconds=max_seconds, on_report=report))
    except KeyboardInterrupt:
        worker.stop.set()


class Command(BaseCommand):
    help = "监测数据接入：订阅 MQTT（QoS 1，共享订阅），批量入库、报警判定；HTTP 接入见 /api/ingest/readings/"

    def add_arguments(self, parser):
        parser.add_argument("--url", default=config.env("YINGJI_MQTT_URL"), help="MQTT 代理地址")
        parser.add_argument("--group", default=config.env("YINGJI_MQTT_GROUP"),
                            help="共享订阅组名：多个接入进程分担消息；为空（默认）时普通订阅，代理重启不丢数据")
        parser.add_argument("--workers", type=int, default=1, help="本机启动的接入进程数")
        parser.add_argument("--client-id", default=f"yingji-ingest-{os.uname().nodename}",
                            help="客户端标识前缀（各进程追加序号；固定标识使代理在断线期间保留消息）")
        parser.add_argument("--no-shared", action="store_true", help="不使用共享订阅（忽略 --group）")
        parser.add_argument("--max-messages", type=int, default=500, help="每批最多处理的 MQTT 消息数")
        parser.add_argument("--per-row", action="store_true", help="逐条 ORM 写入（仅供性能对比）")
        parser.add_argument("--max-seconds", type=float, default=None, help="运行指定秒数后退出（测试、压测用）")

    def handle(self, *args, url, group, workers, client_id, no_shared, max_messages, per_row, max_seconds, **options):
        logging.basicConfig(level=config.env("YINGJI_LOG_LEVEL"), format="%(asctime)s %(levelname)s %(message)s")
        if workers > 1 and not group and not no_shared:
            group = "yingji"  # several processes must split the messages, not each take them all
            self.stdout.write("多个接入进程：使用共享订阅组 yingji"
                              "（Mosquitto 重启后至重新订阅前的消息会丢失，见 docs/monitoring.md）")
        shared = bool(group) and not no_shared
        self.stdout.write(f"监测数据接入：{url}，{workers} 个进程，{f'共享订阅组 {group}' if shared else '普通订阅（不共享）'}")
        jobs = [(url, group, f"{client_id}-{i + 1}", shared, per_row, max_seconds, max_messages)
                for i in range(workers)]
        if workers == 1:
            _run_worker(*jobs[0])
            return
        ctx = multiprocessing.get_context("spawn")
        procs = [ctx.Process(target=_run_worker, args=job) for job in jobs]
        for p in procs:
            p.start()
        try:
            for p in procs:
                p.join()
        except KeyboardInterrupt:
            for p in procs:
                p.terminate()
