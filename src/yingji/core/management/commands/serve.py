import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from yingji import config
from yingji.core.framework.contributions import apps, resolve

SHUTDOWN_S = 10  # at most this long for open requests after SIGTERM/SIGINT


def embedded_services():
    """The apps' in-process services (``embedded`` on their AppConfig), e.g. monitoring's MQTT ingest."""
    return [service for app in apps() for service in app.embedded]


class Command(BaseCommand):
    help = "以 uvicorn（ASGI，生产级）启动平台；未配置消息代理时在本进程内运行定时任务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None,
                            help="Web 进程数（默认 YINGJI_WEB_WORKERS；auto 为 PostgreSQL 下 CPU 核数、最多 4，SQLite 下 1）")
        parser.add_argument("--no-scheduler", action="store_true", help="不在本进程运行定时任务")
        for service in embedded_services():
            parser.add_argument(f"--no-{service.name}", action="store_true", help=service.help)

    def handle(self, *args, host, port, workers, no_scheduler, **options):
        import os

        from django.core.management.base import CommandError
        from django.db import connection, connections
        from django.db.migrations.executor import MigrationExecutor

        workers = workers or config.web_workers()
        # 叫应 links in SMS and e-mail follow the port served here unless YINGJI_PUBLIC_URL says otherwise
        # (config.public_url); set before the scheduler and the web processes start, which inherit it.
        os.environ[config.SERVED_URL] = config.served_url(host, port)
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"数据库还有 {len(pending)} 个升级步骤未执行，请先运行 yingji migrate")
        if workers > 1:
            # The web processes are spawned and open pools of their own; this supervising process
            # keeps no connection it does not use (the scheduler's thread opens a pool when it runs).
            # Closed before any thread of it starts, so none loses a connection it holds.
            connections.close_all()
            if hasattr(connection, "close_pool"):
                connection.close_pool()
        if settings.CELERY_EMBEDDED and not no_scheduler:
            from yingji.celery import app
            from yingji.core.framework.scheduler import EmbeddedScheduler

            EmbeddedScheduler(app.conf.beat_schedule, app).start()
            self.stdout.write("定时任务：进程内运行（未配置 YINGJI_BROKER_URL）")
        if settings.CELERY_EMBEDDED:
            for service in embedded_services():
                if not options.get(f"no_{service.name.replace('-', '_')}"):
                    resolve(service.start)(self.stdout.write)
        self.stdout.write(f"yingji 已启动：http://{host}:{port}/  （{workers} 个 Web 进程，Ctrl+C 停止）")
        # SIGTERM / SIGINT: uvicorn's supervisor stops and joins every web process; each finishes its
        # requests but waits at most SHUTDOWN_S for long ones (an open page's live stream lasts up to
        # 5 min), so a stop never hangs on them. The scheduler and ingest threads are daemons.
        uvicorn.run("yingji.asgi:application", host=host, port=port, workers=workers, log_level="warning",
                    proxy_headers=True, forwarded_allow_ips="127.0.0.1", lifespan="off",
                    timeout_graceful_shutdown=SHUTDOWN_S)
