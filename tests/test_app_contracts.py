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
    from yingji.core.roles import sync_roles

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
