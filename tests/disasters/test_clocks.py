"""The event's clocks through the platform's deadline mechanism, with time moved: kept from clocks.py
and the rule data, reminded before due, escalated to the duty desk when overdue (once each), 越级 at
10 deaths + missing (not at 9), the daily 零报告 of a major disaster, the 核报 clock after 灾情稳定."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import make_user
from yingji.core.framework.models import Notification
from yingji.disasters import services
from yingji.disasters.models import CasualtyRow, DisasterEvent, DisasterReport

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def event(tree, users):
    e = DisasterEvent.objects.create(name="大瑶镇山体滑坡", disaster_type="landslide", onset_date=datetime.date(2026, 6, 20),
                                     learned_at=timezone.now() - HOUR * 1.8, region=tree["county"])
    e.townships.set([tree["a"]])
    return e


def keys(event):
    return dict(event.deadlines.values_list("key", "due_at"))


def test_clocks_come_from_the_rules(event):
    due = keys(event)
    assert due["initial:county"] == event.learned_at + 2 * HOUR
    assert due["township:大瑶镇"] == event.learned_at + HOUR


def test_reminded_before_due_and_escalated_to_the_duty_desk_once(event, users, tree):
    duty = make_user("duty_county", "duty", region=tree["county"])
    now = timezone.now()
    counts = services.run_clocks(now)  # the township's hour has passed; the county's 初报 is due in 12 minutes
    assert counts == {"reminded": 1, "escalated": 1}
    notices = Notification.objects.filter(user=duty)
    assert notices.filter(key__endswith="-escalate", title__contains="超时").count() == 1
    assert notices.filter(key__endswith="-remind").count() == 1
    assert services.run_clocks(now) == {"reminded": 0, "escalated": 0}  # each once
    later = services.run_clocks(now + 20 * datetime.timedelta(minutes=1))
    assert later == {"reminded": 0, "escalated": 1}  # the county's 初报 is now late too


def test_countdowns_on_the_event_page(event, web):
    html = web("staff").get(f"/registry/disaster-events/{event.pk}/").content.decode()
    assert re.search(r"县级灾情初报：还剩 1[12]分", html), html
    assert "大瑶镇向县级报送灾情：已超时" in html


def _county_with(event, tree, deaths_missing: int):
    report = services.open_report(None, event, "initial")
    for n in range(deaths_missing):
        CasualtyRow.objects.create(event=event, region=tree["va"], name=f"某{n}", status="missing")
    report.figures = {"missing": deaths_missing}
    report.save()
    return report


@pytest.mark.parametrize("count, skips", [(9, False), (10, True)])
def test_skip_level_at_ten_deaths_and_missing(event, tree, count, skips):
    _county_with(event, tree, count)
    services.sync_clocks(event.pk)
    assert ("skip:province" in keys(event)) is skips and ("skip:ministry" in keys(event)) is skips


def test_zero_report_daily_while_major(event):
    DisasterEvent.objects.filter(pk=event.pk).update(major=True)
    services.sync_clocks(event.pk)
    zero = [k for k in keys(event) if k.startswith("zero:county:")]
    assert zero, keys(event)
    day = datetime.date.fromisoformat(zero[0].rsplit(":", 1)[1])
    due = timezone.localtime(keys(event)[zero[0]])
    assert (due.date(), due.hour, due.minute) == (day, 9, 0)


def test_final_clock_after_stable(event, tree, users):
    from yingji.core.framework import workflow

    report = _county_with(event, tree, 0)
    DisasterReport.objects.filter(pk=report.pk).update(state="submitted", submitted_at=timezone.now())
    services.mark_sent(event, ["initial:county"])
    assert "final:county" not in keys(event) and "followup-1" in keys(event)
    workflow.apply(users["staff"], event, "declare_stable", comment="险情排除")
    services.sync_clocks(event.pk)
    due = keys(event)
    assert "final:county" in due
    event.refresh_from_db()
    assert due["final:county"] > event.stable_at
    assert not [k for k in due if k.startswith("followup-")]  # once stable, no 续报 is owed, only the 核报


def test_the_home_page_lists_the_running_clocks(event, web):
    html = web("staff").get("/").content.decode()
    assert 'data-testid="disaster-clocks"' in html and "县级灾情初报" in html and "已超时" in html
    assert 'data-testid="disaster-clocks"' not in web("enterprise_a").get("/").content.decode()  # not its business
