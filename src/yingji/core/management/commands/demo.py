from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from yingji.core.framework import passwords


class Command(BaseCommand):
    help = "一条命令体验平台：建库、加载演示县、创建管理员（密码只显示一次）、启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args, host, port, no_serve, **options):
        self.stdout.write("1/4 建立数据库 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 加载演示县 …")
        call_command("loaddemo", stdout=self.stdout)
        self.stdout.write("3/4 管理员账户 …")
        users = get_user_model().objects
        if users.filter(username="admin").exists():
            self.stdout.write("  管理员 admin 已存在（密码见首次运行的输出；忘记可运行 yingji changepassword admin）")
        else:
            password = passwords.generate()  # meets the platform's password rules
            users.create_superuser("admin", "", password, first_name="系统管理员")
            self.stdout.write(self.style.SUCCESS(f"  管理员账号：admin    密码：{password}    （只显示这一次，请记下）"))
        if no_serve:
            return
        self.stdout.write("4/4 启动服务 …")
        call_command("serve", host=host, port=port, workers=1)
