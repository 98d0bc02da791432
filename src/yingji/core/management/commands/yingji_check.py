import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from yingji import config


class Command(BaseCommand):
    help = "检查配置、数据库与消息代理，用通俗语言报告问题（生产模式下同时运行 Django 部署检查）"

    def handle(self, *args, **options):
        problems = config.problems()
        try:
            connection.ensure_connection()
            db = f"{connection.vendor} 连接正常"
        except Exception as exc:
            problems.append(f"数据库无法连接（{config.database_url().split('@')[-1]}）：{exc}")
            db = "连接失败"
        if settings.CELERY_BROKER_URL:
            from yingji.celery import app

            try:
                with app.connection_for_write() as conn:
                    conn.ensure_connection(max_retries=1, timeout=3)
            except Exception as exc:
                problems.append(f"消息代理无法连接（{settings.CELERY_BROKER_URL}）：{exc}")
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write(f"数据库：{db}")
        self.stdout.write(f"后台任务：{'消息代理 ' + settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL else '进程内运行'}")
        self.stdout.write(f"底图：{settings.MAP_TILE_URL or '未配置（仅显示矢量图层）'}")
        if not settings.DEBUG and not config.env("YINGJI_SECRET_KEY"):
            self.stdout.write("提示：未设置 YINGJI_SECRET_KEY，正在使用数据目录中自动生成的密钥；多台服务器部署时须统一设置")
        try:
            call_command("check", deploy=not settings.DEBUG, fail_level="ERROR", stdout=self.stdout)
        except Exception as exc:
            problems.append(f"Django 检查未通过：{exc}")
        if not settings.DEBUG and not settings.SECURE:
            self.stdout.write("提示：以上 HTTPS 相关的警告（security.W004/W008/W012/W016），在经 HTTPS 对外服务时设置 "
                              "YINGJI_SECURE=true 即可消除；仅在内网以 HTTP 使用时可以忽略")
        if problems:
            self.stdout.write(self.style.ERROR("发现以下问题："))
            for p in problems:
                self.stdout.write(f"  - {p}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("配置检查通过"))
