"""The left navigation, by business area (UI guide). Each app declares its entries (``menu`` on its
AppConfig, with who sees them); this module orders them by area and shows each user the entries
their role allows. Areas still to be built show their planned items as 建设中 until an app
contributes entries to them."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from yingji.core.framework.contributions import MenuEntry, apps
from yingji.core.framework.registry import get_registry

# Business areas in their order, each with the items planned for it while no app contributes any.
# An app's entry under an area not listed here opens a new area just before 系统管理.
AREAS = [
    ("首页", ()),
    ("风险防控", ()),
    ("隐患治理", ()),
    ("监测预警", ()),
    ("应急指挥", ()),
    ("应急资源", ()),
    ("灾情救助", ("灾情报送",)),
    ("监管执法", ("检查与执法",)),
    ("统计分析", ("指标与指数",)),
    ("系统管理", ()),
]


def entries() -> list[tuple[str, list[MenuEntry]]]:
    """Every declared entry by area: areas in AREAS order (new ones before the last), entries in app
    order and then in each app's own order."""
    by_area: dict[str, list[MenuEntry]] = {}
    for config in apps():
        for entry in config.menu:
            by_area.setdefault(entry.area, []).append(entry)
    known = [title for title, _ in AREAS]
    extra = [title for title in by_area if title not in known]
    order = known[:-1] + extra + known[-1:]
    planned = dict(AREAS)
    out = []
    for title in order:
        items = by_area.get(title) or [MenuEntry(title, label) for label in planned.get(title, ())]
        if items:
            out.append((title, items))
    return out


def menu_for(user, current_path: str) -> list[dict]:
    groups = []
    for title, items in entries():
        shown = []
        for item in items:
            url, enabled = "", True
            if item.registry:
                reg = get_registry(item.registry)
                if reg is None or not user.has_perm(reg.perm("view")):
                    continue
                url = reverse("registry_list", args=[item.registry])
            elif item.url_name:
                if item.admin_only and not (user.is_superuser or user.is_staff):
                    continue
                if item.perm and not user.has_perm(item.perm):
                    continue
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    enabled = False
            else:
                enabled = False
            active = bool(url) and (current_path == url or (url != "/" and current_path.startswith(url)))
            shown.append({"label": item.label, "url": url, "enabled": enabled, "active": active})
        if shown:
            groups.append({"title": title, "items": shown, "open": any(e["active"] for e in shown)})
    return groups
