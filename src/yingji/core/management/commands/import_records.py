from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yingji.core.framework import services
from yingji.core.framework.registry import get_registry, registries


class Command(BaseCommand):
    help = "从 .xlsx/.csv 导入登记簿（全部行校验通过才写入；按自然键幂等）"

    def add_arguments(self, parser):
        parser.add_argument("registry", help="登记簿：" + "、".join(r.slug for r in registries()))
        parser.add_argument("file")
        parser.add_argument("--user", default="admin", help="以哪个用户的权限和范围导入（记入变更历史）")

    def handle(self, *args, registry, file, user, **options):
        reg = get_registry(registry)
        if reg is None:
            raise CommandError(f"没有登记簿 {registry}；可选：{'、'.join(r.slug for r in registries())}")
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {user} 不存在") from exc
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        result = services.import_file(actor, reg, path.name, path.read_bytes())
        if not result.ok:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"导入失败：{len(result.errors)} 处错误，未写入任何数据")
        for line in result.warnings:
            self.stdout.write(f"提示：{line}")
        self.stdout.write(f"导入完成：新增 {result.created}，更新 {result.updated}，未变化 {result.unchanged}")
