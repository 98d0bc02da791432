"""``yingji adduser``: create an account from a script, with the same form, checks and history as the
用户与权限 page (core/directory/accounts.py), acting as an administrator named by ``--by``."""

import sys

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from yingji.core.framework import services
from yingji.core.framework.registry import get_registry


class Command(BaseCommand):
    help = ("新建用户（与“用户与权限”页面相同的校验与变更历史）：角色、管辖区划或所属单位；"
            "默认生成一次性密码并只显示这一次")

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名（登录名），如 dayao_village01")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--role", action="append", default=[],
                            help="角色，可写名称或代码，可重复或用顿号分隔：--role 村/网格员 --role readonly")
        parser.add_argument("--region", default="", help="管辖区划代码，如 430181110（大瑶镇，含其下全部村社区）")
        parser.add_argument("--org", default="", help="所属单位的统一社会信用代码（企业用户、社会力量）")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--person", default="", help="人员通讯录中的人员编号（选填）")
        parser.add_argument("--by", default="admin", help="以哪个管理员的权限和范围创建（记入变更历史），默认 admin")
        parser.add_argument("--password-stdin", action="store_true",
                            help="从标准输入读一行作为密码（须符合密码规则），不生成一次性密码")

    def handle(self, *args, username, name, role, region, org, phone, email, person, by, password_stdin, **options):
        User = get_user_model()
        try:
            actor = User.objects.get(username=by, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"管理员 {by} 不存在或已停用：先运行 yingji createsuperuser，或用 --by 指定管理员") from exc
        reg = get_registry("users")
        data = QueryDict(mutable=True)
        for key, value in (("username", username), ("first_name", name), ("phone", phone), ("email", email),
                           ("scope_region", region), ("scope_organization", org), ("person", person)):
            data[key] = value
        data.setlist("groups", [part for value in role for part in value.replace("，", ",").replace("、", ",").split(",")
                                if part.strip()])
        form = reg.form_class(actor, for_import=True)(data)
        if not form.is_valid():
            raise CommandError(self._errors(reg, form.errors))
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            try:
                password_validation.validate_password(password, form.instance)
            except ValidationError as exc:
                raise CommandError("密码：" + "；".join(exc.messages)) from exc
        try:
            account = services.save_form(actor, form)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if password is not None:
            account.set_password(password)
            account.must_change_password = False
            account.save(update_fields=["password", "must_change_password"])
        roles = "、".join(account.role_names) or "无"
        self.stdout.write(f"已创建用户 {account.username}（角色：{roles}）")
        if password is None:
            for secret in services.shown_once(account) or ():
                self.stdout.write(f"{secret.label}：{secret.value}    （只显示这一次；首次登录后须设置自己的密码）")

    @staticmethod
    def _errors(reg, errors) -> str:
        lines = [f"{reg.field_label(name) if name != '__all__' else '整体'}: {message}"
                 for name, messages in errors.items() for message in messages]
        return "未创建用户：\n" + "\n".join(lines)
