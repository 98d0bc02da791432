"""App contracts: what apps declare reaches the central files unchanged (issue 14.3).

The snapshots in tests/data were taken from the central files before the apps declared their own
contributions: the effective permissions of every role, and every URL with its name."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def effective_grants() -> dict[str, list[str]]:
    """What each role's group holds after migrate (the roles are synced then), as app_label.codename."""
    from django.contrib.auth.models import Group

    return {group.name: sorted(f"{p.content_type.app_label}.{p.codename}"
                               for p in group.permissions.select_related("content_type"))
            for group in Group.objects.all()}


def test_every_role_keeps_exactly_its_grants(db):
    from yingji.core.framework.roles import sync_roles

    sync_roles()
    assert effective_grants() == json.loads((DATA / "role_grants.json").read_text(encoding="utf-8"))


def url_names() -> set[tuple[str, str]]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.name

    return {(route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith("admin/")}


def test_every_url_keeps_its_route_and_name():
    """New URLs may join; none of those the templates and tests rely on moved or lost its name."""
    before = {tuple(pair) for pair in json.loads((DATA / "urls.json").read_text(encoding="utf-8"))}
    assert sorted(before - url_names()) == []


def test_every_menu_entry_keeps_its_area_target_and_audience():
    """The entries the central menu listed, now declared by their apps: same areas in the same order,
    same targets and the same rule for who sees them. (Within 监测预警 the apps' order puts monitoring's
    admin-only 拒收数据 before warnings' 预警发布.)"""
    from yingji.core.framework.menu import entries

    before = [tuple(item) for item in json.loads((DATA / "menu.json").read_text(encoding="utf-8"))]
    now = [(area, e.label, e.registry, e.url_name, e.perm, e.admin_only) for area, items in entries() for e in items]
    assert set(before) - set(now) == set()
    areas = list(dict.fromkeys(item[0] for item in now))
    assert [a for a in areas if a in {item[0] for item in before}] == list(dict.fromkeys(item[0] for item in before))


def test_a_new_app_is_added_by_its_own_folder_alone(tmp_path):
    """tests/example_app — a model, its registry, one operation, a menu entry in a new area, a page, a grant, a periodic
    job and a home panel, declared in its apps.py — installed by discovery with no central file edited:
    tests/example_app/checks.py runs in a process of its own with those settings, on its own SQLite
    database (never the suite's PostgreSQL test database)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("YINGJI_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["YINGJI_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ds",
                             "tests.example_app.settings", "tests/example_app/checks.py"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "6 passed" in result.stdout
