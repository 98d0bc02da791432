"""Periodic job of the closed loop: overdue marking with escalation (督办)."""

from celery import shared_task
from django.utils import timezone

from yingji.core.framework import notify, workflow
from yingji.core.framework.choices import NotificationLevel
from yingji.hazards.choices import State
from yingji.hazards.models import Hazard

DUE_SOON_DAYS = 3


@shared_task(name="yingji.hazards.tasks.mark_overdue")
def mark_overdue() -> int:
    """整改中 hazards whose deadline has passed become 逾期 and are escalated (督办): the supervising
    department (业务科室) and the township are told, with the 督办单 to download; returns how many."""
    today = timezone.localdate()
    n = 0
    for hazard in Hazard.objects.filter(state=State.RECTIFYING, deadline__lt=today).select_related("region"):
        workflow.apply(None, hazard, "mark_overdue", comment=f"整改期限 {hazard.deadline} 已过，系统自动督办", system=True)
        notify.notify(notify.users_responsible_for(hazard, ("staff", "township", "enterprise")),
                      f"隐患逾期督办：{hazard.title}", level=NotificationLevel.URGENT, key=f"hazard-overdue-{hazard.pk}",
                      body=f"{hazard.organization or hazard.place} 的隐患整改期限 {hazard.deadline} 已过，已挂牌督办。",
                      url=f"/registry/hazards/{hazard.pk}/")
        n += 1
    return n


@shared_task(name="yingji.hazards.tasks.remind_due_soon")
def remind_due_soon() -> int:
    """Remind the enterprise and the township of hazards due within three days (once a day each)."""
    today = timezone.localdate()
    sent = 0
    soon = Hazard.objects.filter(state=State.RECTIFYING, deadline__gte=today,
                                 deadline__lte=today + timezone.timedelta(days=DUE_SOON_DAYS)).select_related("region")
    for hazard in soon:
        days = (hazard.deadline - today).days
        sent += notify.notify(notify.users_responsible_for(hazard, ("township", "enterprise")),
                              f"隐患整改即将到期：{hazard.title}", level=NotificationLevel.WARNING,
                              key=f"hazard-due-{hazard.pk}-{today.isoformat()}",
                              body=f"整改期限 {hazard.deadline}，还剩 {days} 天。", url=f"/registry/hazards/{hazard.pk}/")
    return sent
