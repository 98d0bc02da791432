"""The hours target: from the event's 获悉时间 (or the response's activation) until every household needing
emergency relief has food, water, clothing, shelter and medical help; per township, late ones named."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.relief.conftest import shelter_rows
from yingji.disasters.models import DisasterEvent
from yingji.relief import services
from yingji.relief.models import Beneficiary, ReliefRule

ALL = ["food", "water", "clothing", "shelter", "medical"]


def _setup(tree, users, event):
    services.beneficiaries_from_households(event, shelter_rows(tree, 3), users["staff"])
    return {b.household_ref: b for b in Beneficiary.objects.filter(event=event)}


def test_needs_met_through_the_operation_and_the_board_as_time_moves(api, tree, users, event):
    homes = _setup(tree, users, event)  # H001, H003 in 大瑶村 (大瑶镇), H002 in 金刚村 (金刚镇)
    start = event.learned_at  # three hours ago
    at = (start + datetime.timedelta(hours=2)).isoformat()
    response = api("village_a").post(f"/api/relief-beneficiaries/{homes['H001'].pk}/meet-needs/",
                                     {"needs": ALL, "at": at}, format="json")
    assert response.status_code == 200, response.json()
    assert api("village_a").post(f"/api/relief-beneficiaries/{homes['H003'].pk}/meet-needs/",
                                 {"needs": ["food", "water"]}, format="json").status_code == 200
    assert api("village_a").post(f"/api/relief-beneficiaries/{homes['H001'].pk}/meet-needs/",
                                 {"needs": []}, format="json").status_code == 400
    board = api("staff").get(f"/api/relief/hours/?event={event.pk}").json()
    assert (board["households"], board["met"], board["on_time"], board["late"]) == (3, 1, 1, 0)
    assert board["target_hours"] == "10" and not board["overdue"] and board["started_by"] == "获悉灾情"
    # eleven hours later (the clock moved back by as much): the two still short are late, with what they miss
    DisasterEvent.objects.filter(pk=event.pk).update(learned_at=start - datetime.timedelta(hours=11))
    Beneficiary.objects.filter(pk=homes["H001"].pk).update(**{f"{n}_at": start - datetime.timedelta(hours=9) for n in ALL})
    board = api("staff").get(f"/api/relief/hours/?event={event.pk}").json()
    towns = {t["name"]: t for t in board["townships"]}
    assert board["overdue"] and board["late"] == 2 and board["on_time"] == 1
    assert towns["大瑶镇"]["late"][0]["missing"] == ["衣被", "临时住所", "医疗"]
    assert towns["金刚镇"]["late"][0]["hours"] is None
    # the township sees its own township only; the page shows the same
    own = api("township_b").get(f"/api/relief/hours/?event={event.pk}").json()
    assert [t["name"] for t in own["townships"]] == ["金刚镇"]


def test_the_target_is_the_jurisdictions_setting(api, tree, users, event):
    homes = _setup(tree, users, event)
    met = event.learned_at + datetime.timedelta(hours=11)
    Beneficiary.objects.filter(pk__in=[b.pk for b in homes.values()]).update(**{f"{n}_at": met for n in ALL})
    board = services.hours_board(users["staff"], event, now=event.learned_at + datetime.timedelta(hours=13))
    assert board["late"] == 3
    ReliefRule.objects.create(region=tree["county"], key="target_hours", value=12,
                              source="《国家自然灾害救助应急预案》（2016年版）：12小时之内（示例：本县按12小时考核）")
    board = services.hours_board(users["staff"], event, now=event.learned_at + datetime.timedelta(hours=13))
    assert board["late"] == 0 and board["on_time"] == 3 and "2016" in board["rule"].source


def test_the_clock_starts_at_the_response_when_there_is_one(tree, users, event):
    from yingji.incidents.models import Incident, Plan, Response

    now = timezone.now()
    incident = Incident.objects.create(title="大瑶镇山洪", event_type="11200", occurred_at=now - datetime.timedelta(hours=4),
                                       received_at=now - datetime.timedelta(hours=4), address="大瑶村", region=tree["va"],
                                       description="山洪")
    plan = Plan.objects.create(name="防汛抗旱应急预案", kind="special", event_types="11200", region=tree["county"],
                               approved_on=datetime.date(2024, 1, 10))
    activated = now - datetime.timedelta(hours=1)
    Response.objects.create(incident=incident, plan=plan, level="IV", started_at=activated)
    assert services.clock_start(event) == (event.learned_at, "获悉灾情")
    event.incident = incident
    event.save()
    assert services.clock_start(event) == (activated, "应急响应启动")


def test_the_hours_page_and_its_refusals(web, api, tree, users, event):
    _setup(tree, users, event)
    page = web("staff").get(f"/relief/hours/?event={event.pk}").content.decode()
    assert "灾后基本生活救助时限" in page and "大瑶镇" in page and "未对照原文核实" in page
    assert api("staff").get("/api/relief/hours/").status_code == 400
    assert api("staff").get("/api/relief/hours/?event=x").status_code == 400
    assert api("staff").get("/api/relief/hours/?event=999999").status_code == 404
    assert api("enterprise_a").get(f"/api/relief/hours/?event={event.pk}").status_code == 403  # not theirs
    assert api("enterprise_a").get("/api/relief-beneficiaries/").status_code == 403
