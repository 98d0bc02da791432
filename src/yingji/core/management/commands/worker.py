from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Celery 工作进程（需配置 YINGJI_BROKER_URL）"

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, concurrency, **options):
        from yingji.celery import app

        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}"])
