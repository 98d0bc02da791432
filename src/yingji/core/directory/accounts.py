"""Accounts (用户与权限): who may manage which account, one-time passwords, disabling, unlocking, and
what an account can see and do, in plain words.

The accounts registry (registries.py) and its operations (operations.py) call these. The rules:

- An account lies in a user's scope when its own scope does (access.py); a user manages only the
  accounts in their scope, and only if they may grant every role the account holds — a 乡镇管理员
  never touches a 系统管理员's or a 业务科室's account, even one placed in its township.
- Which roles a user may grant is roles.grantable (系统管理员: every role; 乡镇管理员: 乡镇用户,
  村/网格员, 企业用户, 社会力量, 只读); the role field offers exactly those.
- A new account, and every password reset, gets a one-time password shown once to whoever set it;
  the account must set its own password at its first login (framework/sessions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed

from yingji.core.framework import passwords, roles
from yingji.core.framework.registry import Reference, register_reference, registries

ORGANIZATION_ROLES = ("enterprise", "social_force")  # roles that see one organization's data only


# ---- the roles as a reference: what a user may pick for an account ----------------------------------

def grantable_groups(user):
    """The roles ``user`` may grant, in the order they are declared (系统管理员 first)."""
    from django.db.models import Case, IntegerField, Value, When

    names = roles.grantable(user)
    order = Case(*[When(name=n, then=Value(i)) for i, n in enumerate(names)], default=Value(len(names)),
                 output_field=IntegerField())
    return Group.objects.filter(name__in=names).order_by(order, "name")


def _hint(name: str) -> str:
    role = roles.all_roles().get(name)
    return role.description if role else ""


ROLES = register_reference(Reference(
    Group, key="name", label=roles.label, choices=grantable_groups, hint=_hint,
    labels=lambda: {name: role.label for name, role in roles.all_roles().items()}))


# ---- who may manage an account ------------------------------------------------------------------------

def refusal(user, account) -> str | None:
    """Why ``user`` may not change ``account`` (its roles, scope, password, state), or None. Scope
    has been checked already (the account is among those the user sees)."""
    if account.pk is None:
        return None
    if account.pk == user.pk:
        return ("不能在这里修改自己的账号：修改密码请到右上角“我的账号”；角色和范围须由另一位管理员修改")
    if account.is_superuser and not user.is_superuser:
        return "超级管理员账号只能由超级管理员修改"
    held = set(account.groups.values_list("name", flat=True))
    foreign = [roles.label(name) for name in sorted(held - set(roles.grantable(user)))]
    if foreign:
        return (f"该用户拥有您不能授予的角色（{'、'.join(foreign)}），您不能修改这个账号；"
                "请联系能授予这些角色的管理员")
    return None


def clean_roles(account, values: dict) -> None:
    """An account's roles against its scope: an enterprise or social-force account sees one
    organization, so it needs one; any other role but 系统管理员 needs a region or an organization,
    or it sees nothing at all."""
    names = {g.name for g in values.get("groups", [])}
    if not names or _as_stored(account, names):
        return  # nothing to check, or nothing changed (an account made before these rules keeps as it is)
    labels = "、".join(roles.label(n) for n in sorted(names & set(ORGANIZATION_ROLES)))
    if labels and not account.scope_organization_id:
        raise ValidationError({"scope_organization": f"{labels}须指定所属单位（只能看到本单位的数据）"})
    if roles.ADMIN not in names and not account.scope_region_id and not account.scope_organization_id:
        raise ValidationError({"scope_region": "请指定管辖区划或所属单位：没有范围的用户看不到任何数据"})


def _as_stored(account, names: set) -> bool:
    if account.pk is None:
        return False
    stored = type(account).objects.filter(pk=account.pk).values_list("scope_region_id", "scope_organization_id").first()
    return stored == (account.scope_region_id, account.scope_organization_id) and names == set(
        account.groups.values_list("name", flat=True))


def _keep_staff_flag(sender, instance, action, **kwargs):
    """is_staff (the administrators' system pages) follows the 系统管理员 role, whichever way the
    roles were changed (page, import, API, command)."""
    if action not in ("post_add", "post_remove", "post_clear") or not hasattr(instance, "scope_region_id"):
        return  # another step, or a group's side of the relation
    model = type(instance)
    staff = instance.is_superuser or instance.groups.filter(name=roles.ADMIN).exists()
    if staff != instance.is_staff:
        model.objects.filter(pk=instance.pk).update(is_staff=staff)
        instance.is_staff = staff


def connect_signals(user_model):
    m2m_changed.connect(_keep_staff_flag, sender=user_model.groups.through, dispatch_uid="yingji-staff-flag")


# ---- passwords ------------------------------------------------------------------------------------

def issue_one_time_password(account) -> str:
    """A new random password for ``account`` (not saved here), which it must change at its next login."""
    secret = passwords.generate()
    account.password = passwords.one_time_hash(secret)
    account.must_change_password = True
    return secret


def initial_password(user, account) -> list:
    """on_create of the accounts registry: every new account gets a one-time password, shown once."""
    from yingji.core.framework.services import Secret

    return [Secret("password", "一次性密码", issue_one_time_password(account))]


@dataclass
class PasswordReset:
    account: object
    password: str


def reset_password(user, account) -> PasswordReset:
    """A one-time password in place of the old one (which stops working at once, with the account's
    sessions and API token); shown once to ``user``."""
    from rest_framework.authtoken.models import Token

    secret = issue_one_time_password(account)
    account.save(update_fields=["password", "must_change_password", "updated_at"])
    Token.objects.filter(user=account).delete()
    return PasswordReset(account, secret)


# ---- disable, enable, unlock ----------------------------------------------------------------------

def disable(user, account):
    from yingji.core.framework.operations import Conflict

    if account.pk == user.pk:
        raise Conflict("不能停用自己的账号")
    if not account.is_active:
        raise Conflict("该账号已经停用")
    account.is_active = False
    account.save(update_fields=["is_active", "updated_at"])
    return account


def enable(user, account):
    from yingji.core.framework.operations import Conflict

    if account.is_active:
        raise Conflict("该账号没有停用")
    account.is_active = True
    account.save(update_fields=["is_active", "updated_at"])
    return account


def unlock(user, account):
    from yingji.core.framework import logins
    from yingji.core.framework.operations import Conflict

    if not logins.paused(account.username):
        raise Conflict("该账号没有因输错密码而暂停登录")
    logins.unlock(account.username)
    return account


# ---- what an account can see and do, in plain words -----------------------------------------------

ACTION_WORDS = (("add", "新增"), ("change", "修改"), ("delete", "删除"))


def scope_words(account) -> str:
    from yingji.core.models import Region

    if account.is_superuser or (not account.scope_region_id and not account.scope_organization_id
                                and account.groups.filter(name=roles.ADMIN).exists()):
        return "全平台的全部数据（系统管理员，不限范围）"
    region, org = account.scope_region, account.scope_organization
    if region is None and org is None:
        return "看不到任何数据：尚未指定管辖区划或所属单位"
    if org is not None:
        where = f"，且限于{region.name}范围内" if region is not None else ""
        return f"只能看到“{org.name}”（位于{org.region.name}）这一家单位的数据{where}"
    below = Region.objects.filter(path__startswith=region.path).exclude(pk=region.pk)
    counts = {}
    for level in below.values_list("level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    from yingji.core.directory.choices import RegionLevel

    parts = [f"{n} 个{RegionLevel(level).label}" for level, n in counts.items()]
    under = f"及其下辖 {'、'.join(parts)}" if parts else ""
    return f"{region.name}（{region.get_level_display()}）{under}的数据；看不到其他地区的数据"


def rights(account) -> dict[str, list[str]]:
    """Registry labels by what the account may do there (新增/修改/删除/查看), from its roles' grants."""
    effective = roles.effective_permissions()
    if account.is_superuser:
        held = set().union(*effective.values())
    else:
        held = set().union(*(effective.get(n, set()) for n in account.groups.values_list("name", flat=True)))
    out: dict[str, list[str]] = {"新增": [], "修改": [], "删除": [], "只能查看": []}
    for reg in registries():
        meta = reg.model._meta
        has = {action for action in ("view", "add", "change", "delete")
               if f"{meta.app_label}.{action}_{meta.model_name}" in held}
        if "view" not in has:
            continue
        writes = [word for action, word in ACTION_WORDS if action in has and (action != "add" or reg.allow_create)]
        for word in writes:
            out[word].append(reg.label)
        if not writes:
            out["只能查看"].append(reg.label)
    return out


def summary(account) -> list[tuple[str, list[str]]]:
    """The account's page, first: what it can see and what it can do."""
    from yingji.core.framework import logins

    state = []
    if not account.is_active:
        state.append("账号已停用，不能登录。")
    if logins.paused(account.username):
        state.append("密码连续输错，登录已暂停；可点“解除登录锁定”立即恢复。")
    if account.must_change_password:
        state.append("正在使用一次性密码：下次登录时须先设置自己的密码。")
    if not account.has_usable_password():
        state.append("尚未设置密码，不能登录：请点“重置密码”生成一次性密码。")
    held = list(account.groups.values_list("name", flat=True)) + (["admin"] if account.is_superuser else [])
    declared = roles.all_roles()
    do = [f"{declared[n].label}：{declared[n].description}" for n in dict.fromkeys(held) if n in declared]
    if not do:
        do = ["还没有任何角色：登录后什么也不能做。"]
    can = rights(account)
    for word in ("新增", "修改", "删除"):
        if can[word]:
            do.append(f"可以{word}：{'、'.join(can[word])}")
    if can["只能查看"]:
        do.append(f"只能查看：{'、'.join(can['只能查看'])}")
    grant = [roles.label(n) for n in roles.grantable(account)]
    if grant:
        do.append(f"可以为本范围内的用户授予角色：{'、'.join(grant)}")
    out = [("能看到什么", [scope_words(account)]), ("能做什么", do)]
    if state:
        out.insert(0, ("账号状态", state))
    return out
