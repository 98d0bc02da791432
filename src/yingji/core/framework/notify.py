"""Notifications: who should hear about a record, and telling them — in-app always, and with
``channels=True`` also through the channels configured in YINGJI_NOTIFY_CHANNELS that apps
contribute (``notification_channels`` on their AppConfig: the warnings app's SMS and e-mail), sent
once the transaction commits."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

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


log = logging.getLogger("yingji.notify")


def notify(users, title: str, *, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
           key: str = "", channels: bool = False) -> int:
    """Send one in-app notification per user; with ``key``, never the same key twice to one user.
    With ``channels``, the users told are also sent it through the configured channels (after commit).

    ``level`` is one of ``NotificationLevel`` (提示, 提醒, 紧急); anything else is a ValueError before
    anything is sent, so a caller's typo cannot store a level the page does not know how to show."""
    if level not in NotificationLevel.values:
        raise ValueError(f"unknown notification level {level!r}; one of {', '.join(NotificationLevel.values)}")
    users = list(dict.fromkeys(users))
    if key and users:
        told = set(Notification.objects.filter(user__in=users, key=key[:120]).values_list("user_id", flat=True))
        users = [u for u in users if u.pk not in told]
    Notification.objects.bulk_create([Notification(user=user, title=title[:120], body=body, url=url, level=level,
                                                   key=key[:120]) for user in users])
    if channels and users:
        send_through_channels(users, title, body, url)
    return len(users)


def send_through_channels(users, title: str, body: str, url: str) -> None:
    """The channels named in YINGJI_NOTIFY_CHANNELS, each an app's ``NotificationChannel``, once the
    transaction commits (a rolled-back change sends nothing); a failing channel is logged."""
    from yingji import config
    from yingji.core.framework.contributions import notification_channels, resolve

    declared = notification_channels()
    users = list(users)
    for name in config.env_list("YINGJI_NOTIFY_CHANNELS"):
        channel = declared.get(name)
        if channel is None:
            log.warning("YINGJI_NOTIFY_CHANNELS names %r, which no app contributes", name)
            continue

        def send(channel=channel):
            try:
                resolve(channel.send)(users, title, body, url)
            except Exception:  # a gateway down must not undo what was done
                log.exception("notification channel %s failed", channel.name)

        transaction.on_commit(send)


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


__all__ = ["NotificationLevel", "notify", "send_through_channels", "unread", "users_responsible_for"]
