"""Periodic jobs of the response module: reporting clocks (remind before, escalate after) every
minute, and plan revision reminders once a day."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.notify import notify, users_responsible_for
from yingji.incidents.deadlines import REMIND_BEFORE
from yingji.incidents.models import Plan, ReportingDeadline

REMIND_ROLES = ("duty", "admin")
ESCALATE_ROLES = ("leader", "duty", "admin")
PLAN_REMIND_DAYS = 90  # revision reminders start this long before a plan is due


@shared_task(name="yingji.incidents.tasks.reporting_clocks")
def reporting_clocks(now=None) -> dict:
    """Remind the duty desk 15 minutes before a report is due; escalate to the leaders once it is late.
    Each deadline is reminded and escalated at most once; both land on the incident's timeline."""
    from yingji.incidents import services

    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    open_ = ReportingDeadline.objects.filter(done_at__isnull=True, incident__state__in=("received", "responding"))
    for d in open_.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + REMIND_BEFORE
                          ).select_related("incident__region"):
        minutes = int((d.due_at - now).total_seconds() // 60)
        services.log(d.incident, "deadline", f"提醒：{d.label}还剩 {minutes} 分钟", at=now)
        notify(users_responsible_for(d.incident, REMIND_ROLES), f"报告即将到期：{d.incident.title}",
               body=f"{d.label}，{timezone.localtime(d.due_at):%H:%M} 前报送", url=services.incident_url(d.incident),
               level=NotificationLevel.WARNING, key=f"deadline-{d.pk}-remind")
        ReportingDeadline.objects.filter(pk=d.pk).update(reminded_at=now)
        counts["reminded"] += 1
    for d in open_.filter(escalated_at__isnull=True, due_at__lte=now).select_related("incident__region"):
        services.log(d.incident, "deadline", f"超时：{d.label}已超过应报时间 "
                                              f"{timezone.localtime(d.due_at):%m-%d %H:%M}，已提请局领导督办", at=now)
        notify(users_responsible_for(d.incident, ESCALATE_ROLES), f"报告超时：{d.incident.title}",
               body=f"{d.label}应于 {timezone.localtime(d.due_at):%m-%d %H:%M} 前报送，现已超时",
               url=services.incident_url(d.incident), level=NotificationLevel.URGENT, key=f"deadline-{d.pk}-escalate")
        ReportingDeadline.objects.filter(pk=d.pk).update(escalated_at=now, reminded_at=d.reminded_at or now)
        counts["escalated"] += 1
    return counts


@shared_task(name="yingji.incidents.tasks.plan_revisions")
def plan_revisions(today=None) -> int:
    """Once a month per plan: plans due for revision within 90 days, or overdue, to the staff owning them."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=PLAN_REMIND_DAYS)
    sent = 0
    for plan in Plan.objects.filter(abolished=False, revision_due__lte=soon).select_related("region"):
        late = plan.revision_due < today
        title = f"预案{'已超过' if late else '即将到达'}修订期限：{plan.name}"
        sent += notify(users_responsible_for(plan, ("staff", "admin")), title,
                       body=f"应于 {plan.revision_due} 前完成评估修订（至少每 3 年一次）",
                       url=f"/registry/plans/{plan.pk}/", level=NotificationLevel.URGENT if late else NotificationLevel.WARNING,
                       key=f"plan-{plan.pk}-revision-{today:%Y%m}")
    return sent
