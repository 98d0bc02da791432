"""Notification levels are one declared set (core.choices.NotificationLevel), issue 14 point 2c:
the overdue-report escalation is 紧急 and shows so; notify refuses a level outside the set."""

import datetime

import pytest

from yingji.core.framework.choices import NotificationLevel
from yingji.core.framework.notify import notify
from yingji.core.models import Notification
from yingji.incidents.tasks import reporting_clocks

URGENT_BADGE = '<span class="badge text-bg-danger me-1" data-testid="level">紧急</span>'


def test_an_overdue_report_escalates_with_the_urgent_level_and_the_page_badges_it(make_incident, users, web):
    incident = make_incident()
    county = incident.deadlines.get(key="county")
    assert reporting_clocks(now=county.due_at + datetime.timedelta(minutes=1))["escalated"] == 1
    note = Notification.objects.get(user=users["leader"], title__startswith="报告超时")
    assert note.level == NotificationLevel.URGENT == "urgent"
    page = web("leader").get("/notifications/").content.decode()
    assert f"{URGENT_BADGE}报告超时：{incident.title}" in page


def test_the_page_badges_each_level_by_its_declared_label(users, web):
    for level in NotificationLevel:
        notify([users["leader"]], f"{level.label}的通知", level=level)
    page = web("leader").get("/notifications/").content.decode()
    assert f"{URGENT_BADGE}紧急的通知" in page
    assert '<span class="badge text-bg-warning me-1" data-testid="level">提醒</span>提醒的通知' in page
    assert 'data-testid="level">提示' not in page  # plain information carries no badge
    assert page.count('data-testid="level"') == 2


@pytest.mark.parametrize("level", ["danger", "URGENT", "", "紧急"])
def test_notify_refuses_a_level_outside_the_declared_set_and_sends_nothing(users, level):
    with pytest.raises(ValueError, match="unknown notification level"):
        notify([users["leader"], users["staff"]], "报告超时", level=level)
    assert not Notification.objects.exists()
