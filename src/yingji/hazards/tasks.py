"""Periodic job of the closed loop: overdue marking with escalation (督办)."""

from celery import shared_task
from django.utils import timezone

from yingji.core import workflow
from yingji.hazards.choices import State
from yingji.hazards.models import Hazard


@shared_task(name="yingji.hazards.tasks.mark_overdue")
def mark_overdue() -> int:
    """整改中 hazards whose deadline has passed become 逾期 and are escalated; returns how many."""
    today = timezone.localdate()
    n = 0
    for hazard in Hazard.objects.filter(state=State.RECTIFYING, deadline__lt=today):
        workflow.apply(None, hazard, "mark_overdue", comment=f"整改期限 {hazard.deadline} 已过，系统自动督办", system=True)
        n += 1
    return n
