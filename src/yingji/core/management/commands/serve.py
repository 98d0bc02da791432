import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from yingji import config


class Command(BaseCommand):
    help = "以 uvicorn（ASGI，生产级）启动平台；未配置消息代理时在本进程内运行定时任务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(config.env("YINGJI_WEB_WORKERS")))
        parser.add_argument("--no-scheduler", action="store_true", help="不在本进程运行定时任务")
        parser.add_argument("--no-ingest", action="store_true",
                            help="不在本进程接入 MQTT 监测数据（生产环境用独立的 yingji ingest 进程）")

    def handle(self, *args, host, port, workers, no_scheduler, no_ingest, **options):
        from django.core.management.base import CommandError
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"数据库还有 {len(pending)} 个升级步骤未执行，请先运行 yingji migrate")
        if settings.CELERY_EMBEDDED and not no_scheduler:
            from yingji.celery import app
            from yingji.core.scheduler import EmbeddedScheduler

            EmbeddedScheduler(app.conf.beat_schedule, app).start()
            self.stdout.write("定时任务：进程内运行（未配置 YINGJI_BROKER_URL）")
        if settings.CELERY_EMBEDDED and not no_ingest:
            self._embedded_ingest()
        self.stdout.write(f"yingji 已启动：http://{host}:{port}/  （{workers} 个 Web 进程，Ctrl+C 停止）")
        uvicorn.run("yingji.asgi:application", host=host, port=port, workers=workers, log_level="warning",
                    proxy_headers=True, forwarded_allow_ips="127.0.0.1", lifespan="off")

    def _embedded_ingest(self):
        """In the embedded default, also take MQTT readings in-process when a broker answers."""
        import socket
        import threading
        from urllib.parse import urlsplit

        url = config.env("YINGJI_MQTT_URL")
        parts = urlsplit(url)
        try:
            socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), timeout=1).close()
        except OSError:
            self.stdout.write(f"监测数据接入：未连上 MQTT 代理 {url}，仅接收 HTTP 上报")
            return
        from yingji.monitoring.mqtt import Worker

        worker = Worker(url, group=config.env("YINGJI_MQTT_GROUP"), client_id=f"yingji-serve-{socket.gethostname()}")
        threading.Thread(target=worker.run, name="yingji-ingest", daemon=True).start()
        self.stdout.write(f"监测数据接入：进程内订阅 {url}（yingji simulate 可发送演示数据）")
