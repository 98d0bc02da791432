from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Celery 定时调度（需配置 YINGJI_BROKER_URL；全集群只运行一个）"

    def handle(self, *args, **options):
        from django.conf import settings

        from yingji.celery import app

        app.start(["beat", "--loglevel=INFO", f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}"])
