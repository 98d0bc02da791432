from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yingji.core.framework import tabular
from yingji.core.framework.registry import get_registry, registries


class Command(BaseCommand):
    help = "把登记簿导出为 .xlsx（列名与导入模板一致，可修改后再导入）"

    def add_arguments(self, parser):
        parser.add_argument("registry", help="登记簿：" + "、".join(r.slug for r in registries()))
        parser.add_argument("file")
        parser.add_argument("--user", default="admin", help="按哪个用户的范围导出")
        parser.add_argument("--template", action="store_true", help="只导出空白导入模板")

    def handle(self, *args, registry, file, user, template, **options):
        reg = get_registry(registry)
        if reg is None:
            raise CommandError(f"没有登记簿 {registry}；可选：{'、'.join(r.slug for r in registries())}")
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {user} 不存在") from exc
        qs = reg.queryset(actor)
        fields = tabular.tabular_fields(reg)
        rows = [] if template else tabular.export_rows(reg, qs, fields)
        Path(file).write_bytes(tabular.write_xlsx(reg, rows, fields, with_help=template))
        self.stdout.write(f"已导出到 {file}" + ("" if template else f"（{qs.count()} 条）"))
