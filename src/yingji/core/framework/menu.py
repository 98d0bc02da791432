"""The left navigation, by business area (UI guide). Each app declares its entries (``menu`` on its
AppConfig, with who sees them); this module orders them by area and shows each user the entries
their role allows and their scope holds data for (a list they cannot add to and that holds nothing
in their scope is left out). Areas still to be built show their planned items as 建设中 until an app
contributes entries to them."""

from __future__ import annotations

import functools

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from yingji.core.framework.contributions import MenuEntry, apps
from yingji.core.framework.readviews import for_url_name
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


MENU_CACHE = "_yingji_menu"
MENU_CACHE_S = 300  # how long a session keeps which lists hold records for it


def _scope_key(user) -> str:
    from yingji.core.framework.roles import holds

    return f"{user.pk}:{user.scope_region_id}:{user.scope_organization_id}:{','.join(sorted(holds(user)))}"


def lists_with_records(user, slugs: list[str]) -> set[str]:
    """Which of these registries hold any record in ``user``'s scope: one query (an EXISTS per
    registry, each stopping at its first row on the scope's indexes)."""
    from django.db.models import Exists

    if not slugs:
        return set()
    checks = {f"r{i}": Exists(get_registry(slug).model.objects.for_user(user)) for i, slug in enumerate(slugs)}
    from django.contrib.auth import get_user_model

    row = get_user_model().objects.filter(pk=user.pk).annotate(**checks).values(*checks).first() or {}
    return {slug for i, slug in enumerate(slugs) if row.get(f"r{i}")}


def _empty_lists(user, candidates: list[str], session) -> set[str]:
    """The candidates that hold nothing for ``user``: worked out once per session every few minutes
    (kept in the session), so a page costs no query for it."""
    import time

    key = _scope_key(user)
    cached = session.get(MENU_CACHE) if session is not None else None
    now = time.time()
    if cached and cached.get("key") == key and now - cached.get("at", 0) < MENU_CACHE_S \
            and set(cached.get("checked", ())) >= set(candidates):
        return set(cached["empty"]) & set(candidates)
    empty = set(candidates) - lists_with_records(user, candidates)
    if session is not None:
        session[MENU_CACHE] = {"key": key, "at": now, "checked": sorted(candidates), "empty": sorted(empty)}
    return empty


def _reverse(name: str, *args) -> str:
    """reverse(), remembered: the menu reverses ~100 fixed addresses on every page (issue 16)."""
    return _reverse_for(name, args, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=1024)
def _reverse_for(name, args, prefix, urlconf) -> str:
    return reverse(name, args=args or None, urlconf=urlconf)


def menu_for(user, current_path: str, session=None) -> list[dict]:
    """The entries ``user`` may use, by area. A registry's list shows to those whose role may view it,
    but not when it holds nothing in their scope and they may not add to it: a village officer is not
    shown thirty empty county lists (which lists hold records is checked once per session every few
    minutes, in one query)."""
    from yingji.core.framework.access import has_global_scope

    declared = entries()
    candidates = []
    if not has_global_scope(user):
        for _, items in declared:
            for item in items:
                reg = get_registry(item.registry) if item.registry else None
                if reg is not None and user.has_perm(reg.perm("view")) and not (
                        reg.allow_create and user.has_perm(reg.perm("add"))):
                    candidates.append(item.registry)
    empty = _empty_lists(user, list(dict.fromkeys(candidates)), session)
    groups = []
    for title, items in declared:
        shown = []
        for item in items:
            url, enabled = "", True
            if item.registry:
                reg = get_registry(item.registry)
                if reg is None or not user.has_perm(reg.perm("view")) or item.registry in empty:
                    continue
                if item.perm and not user.has_perm(item.perm):
                    continue
                url = _reverse("registry_list", item.registry)
            elif item.url_name:
                if item.admin_only and not (user.is_superuser or user.is_staff):
                    continue
                if item.perm and not user.has_perm(item.perm):
                    continue
                declared = for_url_name(item.url_name)  # a declared read view: shown to whom it admits
                if declared is not None and declared.refused(user):
                    continue
                try:
                    url = _reverse(item.url_name)
                except NoReverseMatch:
                    enabled = False
            else:
                enabled = False
            active = bool(url) and (current_path == url or (url != "/" and current_path.startswith(url)))
            shown.append({"label": item.label, "url": url, "enabled": enabled, "active": active})
        if shown:
            groups.append({"title": title, "items": shown, "open": any(e["active"] for e in shown)})
    return groups
