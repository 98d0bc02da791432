"""Roles as permission sets, declared once and synced into Django groups after migrate.

A grant maps a model ("app.model", or "*" for every registry model) to actions:
v = view, a = add, c = change, d = delete. Import needs add and change; export needs view.

core declares the platform's roles and what each may do by default ("*") and on core's own
models; every app adds grants on its own models to those roles (``role_grants`` and
``role_permissions`` on its AppConfig), or declares a role of its own (``roles``). ``all_roles()``
is the merge, in app order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ADMIN = "admin"


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    description: str
    grants: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # custom permissions, as "app_label.model.codename"
    # The roles a holder of this role may give to accounts inside their own scope ("*": every role).
    # Nobody else grants roles: an account administrator needs both this and the right on accounts.
    may_grant: tuple[str, ...] = ()


TOWNSHIP_ADMIN = "township_admin"
# Accounts (core.user) are no ordinary registry: whoever holds "*" write rights on records may still
# only look at the accounts in their scope. Writing accounts is the two administrators' alone.
ACCOUNTS = "core.user"

CORE_ROLES = (
    Role(ADMIN, "系统管理员", "管理全部数据、用户与权限", {"*": "vacd"}, may_grant=("*",)),
    Role("leader", "局领导", "查看全局数据，审批与指挥（审核发布预警）", {"*": "v"}),
    Role("duty", "值班员", "值班值守、接报，维护通讯录，处置报警", {"*": "v", "core.person": "vac"}),
    Role("staff", "业务科室", "维护本业务的登记簿", {"*": "vacd", "core.region": "v", ACCOUNTS: "v"}),
    Role("township", "乡镇用户", "维护本乡镇街道范围内的数据", {"*": "vac", "core.region": "vc", ACCOUNTS: "v"}),
    Role(TOWNSHIP_ADMIN, "乡镇管理员", "管理本乡镇街道范围内的用户：新建村、企业、社会力量等账号，重置密码，停用与解锁",
         {"*": "v", ACCOUNTS: "vac"}, may_grant=("township", "village", "enterprise", "social_force", "readonly")),
    Role("village", "村/网格员", "上报与维护本村社区数据", {"*": "v", "core.person": "vac"}),
    Role("enterprise", "企业用户", "维护本企业信息与人员，自查上报并整改隐患",
         {"*": "v", "core.organization": "vc", "core.person": "vacd"}),
    Role("social_force", "社会力量", "维护本队伍信息，接收并反馈处置任务",
         {"*": "v", "core.organization": "vc", "core.person": "vac"}),
    Role("readonly", "只读", "只能查看", {"*": "v"}),
)

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def all_roles() -> dict[str, Role]:
    """core's roles and the apps' roles, each with every app's grants on its own models merged in."""
    from yingji.core.framework.contributions import apps

    out = {role.name: role for role in CORE_ROLES}
    configs = apps()
    for config in configs:
        for role in config.roles:
            if role.name in out:
                raise ValueError(f"{config.name} declares role {role.name}, which already exists")
            _check_own(config, role.name, role.grants, role.extra, allow_default=True)
            out[role.name] = role
    for config in configs:
        for name, grants in config.role_grants.items():
            if name not in out:
                raise ValueError(f"{config.name} grants to role {name}, which no app declares")
            _check_own(config, name, grants, ())
            out[name] = replace(out[name], grants={**out[name].grants, **grants})
        for name, extra in config.role_permissions.items():
            if name not in out:
                raise ValueError(f"{config.name} grants to role {name}, which no app declares")
            _check_own(config, name, {}, extra)
            out[name] = replace(out[name], extra=out[name].extra + tuple(extra))
    return out


def label(name: str) -> str:
    """A role's Chinese name ("township" → 乡镇用户); an unknown group keeps its name."""
    role = all_roles().get(name)
    return role.label if role else name


def holds(user) -> set[str]:
    """The roles ``user`` holds (superusers hold 系统管理员)."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_yingji_roles", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")  # a list of accounts
        names = {g.name for g in prefetched} if prefetched is not None else set(user.groups.values_list("name", flat=True))
        cached = names | ({ADMIN} if user.is_superuser else set())
        user._yingji_roles = cached
    return cached


def grantable(user) -> list[str]:
    """The roles ``user`` may give to accounts (in declaration order): every role for an administrator,
    those its roles' ``may_grant`` name for others (a 乡镇管理员: 乡镇用户, 村/网格员 …), none otherwise."""
    roles = all_roles()
    names: set[str] = set()
    for held in holds(user):
        role = roles.get(held)
        if role is not None:
            names |= set(roles) if "*" in role.may_grant else set(role.may_grant)
    return [name for name in roles if name in names]


def _check_own(config, role: str, grants: dict, extra, allow_default: bool = False):
    """An app grants only on its own models (and only core, or a role's own declaration, says "*")."""
    for key in [*grants, *extra]:
        if key == "*" and allow_default:
            continue
        if key.split(".")[0] != config.label:
            raise ValueError(f"{config.name} grants {key!r} to role {role}: apps grant only on their own models")
        letters = grants.get(key, "")
        if set(letters) - set(ACTIONS):
            raise ValueError(f"{config.name}: {key!r} for role {role}: unknown actions {letters!r} (v, a, c, d)")


def permission_codenames(role: Role, models) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds over the given registry models."""
    pairs = set()
    for model in models:
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        letters = role.grants.get(key, role.grants.get("*", ""))
        for letter in letters:
            pairs.add((model._meta.app_label, f"{ACTIONS[letter]}_{model._meta.model_name}"))
    return pairs


def effective_permissions() -> dict[str, set[str]]:
    """What each role holds, as "app_label.codename" (registry models' permissions and the extras),
    computed from the declarations; ``sync_roles`` writes exactly this into the groups."""
    from yingji.core.framework.registry import registries

    models = [r.model for r in registries()]
    out = {}
    for role in all_roles().values():
        perms = {f"{app_label}.{codename}" for app_label, codename in permission_codenames(role, models)}
        perms |= {f"{name.split('.')[0]}.{name.split('.')[2]}" for name in role.extra}
        out[role.name] = perms
    return out


def sync_roles(using="default"):
    from django.contrib.auth.models import Group, Permission

    from yingji.core.framework.registry import registries

    models = [r.model for r in registries()]
    # Every permission at once (one query, not one per grant: this runs after every migrate and flush).
    known = {(p.content_type.app_label, p.content_type.model, p.codename): p
             for p in Permission.objects.using(using).select_related("content_type")}

    def permission(app_label, model_name, codename):
        try:
            return known[app_label, model_name, codename]
        except KeyError:
            raise Permission.DoesNotExist(f"permission {app_label}.{model_name}.{codename} does not exist") from None

    for role in all_roles().values():
        group, _ = Group.objects.using(using).get_or_create(name=role.name)
        perms = [permission(app_label, codename.split("_", 1)[1], codename)
                 for app_label, codename in sorted(permission_codenames(role, models))]
        perms += [permission(*name.split(".")) for name in role.extra]
        group.permissions.set(perms)


def sync_roles_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions of apps migrated in this run
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using)
