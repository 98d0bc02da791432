"""Notifications: who should hear about a record, and telling them (in-app now)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.models import Notification


def users_responsible_for(record, roles: tuple[str, ...]) -> list:
    """Active users holding one of ``roles`` whose scope covers ``record`` (its region or organization)."""
    region = getattr(record, "region", None)
    org_id = getattr(record, "organization_id", None)
    users = get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct()
    chosen = []
    for user in users.select_related("scope_region", "scope_organization"):
        if user.scope_organization_id:
            if org_id and user.scope_organization_id == org_id:
                chosen.append(user)
        elif user.scope_region_id and region is not None and region.path.startswith(user.scope_region.path):
            chosen.append(user)
    return chosen


def notify(users, title: str, *, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
           key: str = "") -> int:
    """Send one in-app notification per user; with ``key``, never the same key twice to one user.

    ``level`` is one of ``NotificationLevel`` (提示, 提醒, 紧急); anything else is a ValueError before
    anything is sent, so a caller's typo cannot store a level the page does not know how to show."""
    if level not in NotificationLevel.values:
        raise ValueError(f"unknown notification level {level!r}; one of {', '.join(NotificationLevel.values)}")
    created = 0
    for user in users:
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        Notification.objects.create(user=user, title=title[:120], body=body, url=url, level=level, key=key[:120])
        created += 1
    return created


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


__all__ = ["NotificationLevel", "notify", "unread", "users_responsible_for"]
