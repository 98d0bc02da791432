"""Periodic job: climb unacknowledged alarms up the escalation chain."""

from celery import shared_task

from yingji.monitoring import alarms


@shared_task(name="yingji.monitoring.tasks.escalate_alarms")
def escalate_alarms() -> int:
    return alarms.escalate_unacknowledged()
