"""Roles as permission sets, declared once and synced into Django groups after migrate.

A grant maps a model ("app.model", or "*" for every registry model) to actions:
v = view, a = add, c = change, d = delete. Import needs add and change; export needs view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADMIN = "admin"


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    description: str
    grants: dict[str, str] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # custom permissions, as "app_label.model.codename"


ROLES = {r.name: r for r in [
    Role(ADMIN, "系统管理员", "管理全部数据、用户与权限", {"*": "vacd"}, extra=("monitoring.sensor.report_readings",)),
    Role("leader", "局领导", "查看全局数据，审批与指挥（审核发布预警）", {"*": "v", "warnings.warning": "vc",
                                                              "resources.transferorder": "vc",
                                                              "incidents.incident": "vc", "incidents.response": "vc",
                                                              "incidents.report": "vac", "incidents.task": "vac",
                                                              "incidents.timelineentry": "va",
                                                              "incidents.teamdispatch": "vc",
                                                              "resources.socialforceapplication": "v"}),
    Role("duty", "值班员", "值班值守、接报，维护通讯录，处置报警", {"*": "v", "core.person": "vac", "monitoring.alarm": "vc",
                                              "warnings.warning": "vac", "incidents.incident": "vac",
                                              "incidents.report": "vac", "incidents.response": "vc",
                                              "incidents.task": "vac", "incidents.dutylog": "vac",
                                              "incidents.dutyshift": "vc", "incidents.timelineentry": "va",
                                              "incidents.teamdispatch": "vc"}),
    Role("staff", "业务科室", "维护本业务的登记簿", {"*": "vacd", "core.region": "v"}),
    Role("township", "乡镇用户", "维护本乡镇街道范围内的数据", {"*": "vac", "core.region": "vc"}),
    Role("village", "村/网格员", "上报与维护本村社区数据", {"*": "v", "core.person": "vac", "hazards.hazard": "va",
                                       "resources.stockmovement": "va", "resources.transferorder": "vc",
                                       "incidents.report": "va", "incidents.task": "vc"}),
    Role("enterprise", "企业用户", "维护本企业信息与人员，自查上报并整改隐患",
         {"*": "v", "core.organization": "vc", "core.person": "vacd", "hazards.hazard": "vac",
          "monitoring.alarm": "vc", "incidents.task": "vc"}),
    Role("social_force", "社会力量", "维护本队伍信息，接收并反馈处置任务",
         {"*": "v", "core.organization": "vc", "core.person": "vac", "incidents.task": "vc"}),
    Role("readonly", "只读", "只能查看", {"*": "v"}),
    Role("gateway", "设备网关", "通过 HTTP 接口上报本范围内传感器的监测数据（不能登录页面修改数据）",
         {"monitoring.sensor": "v", "monitoring.monitoringpoint": "v"}, extra=("monitoring.sensor.report_readings",)),
]}

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def permission_codenames(role: Role, models) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds over the given registry models."""
    pairs = set()
    for model in models:
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        letters = role.grants.get(key, role.grants.get("*", ""))
        for letter in letters:
            pairs.add((model._meta.app_label, f"{ACTIONS[letter]}_{model._meta.model_name}"))
    return pairs


def sync_roles(using="default"):
    from django.contrib.auth.models import Group, Permission

    from yingji.core.registry import registries

    models = [r.model for r in registries()]
    # Every permission at once (one query, not one per grant: this runs after every migrate and flush).
    known = {(p.content_type.app_label, p.content_type.model, p.codename): p
             for p in Permission.objects.using(using).select_related("content_type")}

    def permission(app_label, model_name, codename):
        try:
            return known[app_label, model_name, codename]
        except KeyError:
            raise Permission.DoesNotExist(f"permission {app_label}.{model_name}.{codename} does not exist") from None

    for role in ROLES.values():
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
