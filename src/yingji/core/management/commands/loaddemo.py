from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "加载演示县（湖南省浏阳市）的区划、单位、通讯录与各角色用户；已加载则跳过"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        from yingji.core.framework import demo

        summary = demo.load(seed=seed, log=self.stdout.write)
        for line in summary:
            self.stdout.write(line)
