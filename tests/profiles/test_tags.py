"""The profile's rule tags over hand-made facts: each default (demo) rule tags an enterprise or not, at
the edges of its window with the clock moved; the job adds, keeps, updates and removes tags; a rule over a
field no app provides is skipped, and runs once an app declares it; manual tags with who and why; the
``?tag=`` filter of lists and map layers; rules that are not safe data are refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yingji.core.framework import contributions
from yingji.core.framework.contributions import EnterpriseFact
from yingji.credit.models import Listing
from yingji.hazards.models import Hazard
from yingji.incidents.models import Incident
from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor
from yingji.profiles import services
from yingji.profiles.models import EnterpriseTag, TagRule
from yingji.risk.models import HazardSource, RiskPoint

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 0))
DAY = datetime.timedelta(days=1)


@pytest.fixture
def rules(tree):
    return {r.code: r for r in services.seed_rules(tree["county"])}


def tagged(code, now=NOW):
    services.recompute(now=now)
    return set(EnterpriseTag.objects.filter(code=code).values_list("organization__name", flat=True))


def major_source(org):
    source = HazardSource.objects.create(name="液氯库", organization=org, region=org.region, unit_kind="storage")
    HazardSource.objects.filter(pk=source.pk).update(is_major=True, grade="三级")
    return source


def hazard(org, deadline, state="rectifying", grade="general", closed_at=None):
    h = Hazard.objects.create(title=f"隐患{state}", organization=org, region=org.region, description="d", grade=grade,
                              major_basis="判定标准第二条" if grade == "major" else "",
                              channel="self_inspection", finder="f", deadline=deadline)
    Hazard.objects.filter(pk=h.pk).update(state=state, closed_at=closed_at)
    return h


def accident(org, when, deaths=3):
    return Incident.objects.create(title=f"{org.name}爆炸事故", event_type="21500", occurred_at=when, received_at=when,
                                   address="厂区", region=org.region, organization=org, deaths=deaths, description="爆炸")


def test_major_source_with_an_overdue_hazard_in_12_months(rules, orgs):
    a, b = orgs["a"], orgs["b"]
    major_source(a)
    hazard(a, NOW.date() - DAY, state="overdue")
    hazard(b, NOW.date() - DAY, state="overdue")  # overdue, but no major hazard source
    assert tagged("major-source-overdue") == {a.name}
    tag = EnterpriseTag.objects.get(code="major-source-overdue")
    assert {"label": "构成重大危险源的单元", "value": 1, "need": "构成重大危险源的单元 ≥1"} in tag.facts
    assert {"label": "近12个月超期隐患", "value": 1, "need": "近12个月超期隐患 ≥1"} in tag.facts


def test_a_hazard_closed_late_or_still_open_past_its_deadline_counts_and_the_window_is_12_months(rules, orgs):
    a = orgs["a"]
    major_source(a)
    deadline = datetime.date(2025, 6, 15)  # 12 calendar months before NOW's day
    hazard(a, deadline, state="closed", closed_at=timezone.make_aware(datetime.datetime(2025, 6, 20, 9)))
    assert tagged("major-source-overdue") == {a.name}
    assert tagged("major-source-overdue", now=NOW + DAY) == set()  # the deadline is now 12 months and a day back
    Hazard.objects.update(closed_at=timezone.make_aware(datetime.datetime(2025, 6, 15, 9)))  # closed in time
    assert tagged("major-source-overdue") == set()
    hazard(a, NOW.date(), state="rectifying")  # due today: not overdue yet
    assert tagged("major-source-overdue") == set()
    assert tagged("major-source-overdue", now=NOW + DAY) == {a.name}  # the next day it is


def test_a_larger_accident_within_12_months(rules, orgs):
    a, b = orgs["a"], orgs["b"]
    edge = timezone.make_aware(datetime.datetime(2025, 6, 15, 10, 0))  # exactly 12 months before NOW
    accident(a, edge)
    accident(b, edge + DAY, deaths=1)  # a general accident: not larger
    assert Incident.objects.get(organization=a).grade == "larger"
    assert tagged("larger-accident-12m") == {a.name}
    assert tagged("larger-accident-12m", now=NOW + datetime.timedelta(seconds=1)) == set()


def test_credit_listed_while_in_force(rules, orgs):
    a = orgs["a"]
    listing = Listing.objects.create(number="XY-1", organization=a, region=a.region, rule_code="accident-larger-twice",
                                     rule_title="两起较大事故", article="第六条", basis_key="k1")
    assert tagged("credit-listed") == set()  # a proposal is no listing
    for state, expected in (("published", {a.name}), ("objection", {a.name}), ("expired", set())):
        Listing.objects.filter(pk=listing.pk).update(state=state)
        assert tagged("credit-listed") == expected


def test_major_risk_point_and_open_major_hazard(rules, orgs):
    a, b = orgs["a"], orgs["b"]
    RiskPoint.objects.create(name="药物混合工房", organization=a, region=a.region, kind="site", hazard_factor="physical",
                             level="major")
    RiskPoint.objects.create(name="仓库", organization=b, region=b.region, kind="site", hazard_factor="physical",
                             level="high")
    assert tagged("major-risk-point") == {a.name}
    h = hazard(b, NOW.date() + DAY, grade="major")
    assert tagged("major-hazard-open") == {b.name}
    Hazard.objects.filter(pk=h.pk).update(state="closed")
    assert tagged("major-hazard-open") == set()


def test_alarms_in_30_days_without_false_ones(rules, orgs, tree):
    a = orgs["a"]
    point = MonitoringPoint.objects.create(name="甲醇储罐区", kind="hazard_source", organization=a, region=tree["va"])
    sensor = Sensor.objects.create(device_id="GAS-9", name="可燃气体9号", point=point, quantity="combustible_gas",
                                   level1=20, level2=40)
    edge = NOW - datetime.timedelta(days=30)
    for i, cause in enumerate(["", "real", "false"]):
        Alarm.objects.create(sensor=sensor, kind=["threshold", "rate", "offline"][i], opened_at=edge, last_at=edge,
                             cause=cause)
    assert tagged("alarms-30d") == set()  # 2 real ones: the false alarm does not count
    Alarm.objects.filter(cause="false").update(cause="device_fault")
    assert tagged("alarms-30d") == {a.name}
    assert tagged("alarms-30d", now=NOW + datetime.timedelta(seconds=1)) == set()  # out of the 30 days


def test_a_rule_over_a_field_no_app_provides_is_skipped_until_one_does(rules, orgs, monkeypatch):
    monkeypatch.setattr(contributions, "enterprise_facts", lambda: {})  # as without the compliance app
    services.recompute(now=NOW)
    rule = TagRule.objects.get(code="high-risk-uninsured")
    assert "compliance_insured" in rule.skipped and not rule.tags.exists()
    declared = {"compliance.insured": EnterpriseFact("compliance.insured", "已投保安责险",
                                                     "tests.profiles.test_tags:insured_facts")}
    monkeypatch.setattr(contributions, "enterprise_facts", lambda: declared)
    assert tagged("high-risk-uninsured") == {orgs["a"].name}  # 花炮厂 C2672 uninsured; 化工 C2614 insured
    rule.refresh_from_db()
    assert rule.skipped == "" and rule.matched == 1


def insured_facts(org_ids):
    from yingji.core.models import Organization

    return {pk: name != "大瑶花炮厂" for pk, name in Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")}


def test_the_job_keeps_updates_and_removes_tags_and_leaves_manual_ones(rules, orgs, users, monkeypatch):
    monkeypatch.setattr(contributions, "enterprise_facts", lambda: {})  # no 安责险 facts: one rule matches
    a = orgs["a"]
    RiskPoint.objects.create(name="工房", organization=a, region=a.region, kind="site", hazard_factor="physical",
                             level="major")
    manual = EnterpriseTag.objects.create(organization=a, label="节前重点关注", reason="旺季", tagged_by=users["staff"])
    first = services.recompute(now=NOW)
    assert first["added"] == 1 and first["removed"] == 0
    tag = EnterpriseTag.objects.get(code="major-risk-point")
    assert tag.since == NOW and tag.region == a.region
    RiskPoint.objects.create(name="工房2", organization=a, region=a.region, kind="site", hazard_factor="physical",
                             level="major")
    again = services.recompute(now=NOW + DAY)
    assert (again["added"], again["updated"]) == (0, 1)
    tag.refresh_from_db()
    assert tag.since == NOW and tag.facts[0]["value"] == 2  # it held since then; the facts are today's
    TagRule.objects.filter(code="major-risk-point").update(enabled=False)
    assert services.recompute(now=NOW + DAY)["removed"] == 1
    assert TagRule.objects.get(code="major-risk-point").skipped == "规则未启用"
    assert list(EnterpriseTag.objects.values_list("pk", flat=True)) == [manual.pk]
    assert manual.code == "m-节前重点关注"


def test_the_periodic_job_is_declared_and_runs(rules, orgs, monkeypatch):
    from yingji.profiles import tasks

    monkeypatch.setattr(contributions, "enterprise_facts", lambda: {})  # no 安责险 facts: one rule matches

    assert contributions.beat_schedule()["profile-tags"]["task"] == "yingji.profiles.tasks.recompute_tags"
    RiskPoint.objects.create(name="工房", organization=orgs["b"], region=orgs["b"].region, kind="site",
                             hazard_factor="physical", level="major")
    assert tasks.recompute_tags.apply().get()["tagged"] == 1


@pytest.mark.parametrize("expression, message", [
    ({"count": "nonesuch"}, "没有登记簿"),
    ({"count": "hazards", "via": "region"}, "不是指向单位的外键"),
    ({"count": "hazards", "where": {"password": "x"}}, "没有字段 password"),
    ({"count": "hazards", "where": {"organization__users__password__startswith": "x"}}, "没有字段 users"),
    ({"count": "hazards", "where": {"deadline__lt": {"field": "secret"}}}, "没有字段 secret"),
    ({"any": "x"}, "非空的条件列表"),
])
def test_a_rule_that_is_not_safe_data_is_refused_on_its_field(tree, expression, message):
    rule = TagRule(code="x", label="x", region=tree["county"], expression=expression)
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert message in str(caught.value.message_dict["expression"])


def test_manual_tags_say_who_and_why_and_rule_tags_are_not_edited_by_hand(rules, orgs, api, users):
    response = api("township_a").post("/api/enterprise-tags/", {"organization": orgs["a"].credit_code,
                                                                "label": "重点关注", "reason": "群众多次举报"},
                                      format="json")
    assert response.status_code == 201, response.json()
    tag = EnterpriseTag.objects.get(pk=response.json()["id"])
    assert (tag.kind, tag.tagged_by, tag.code, tag.region) == ("manual", users["township_a"], "m-重点关注", orgs["a"].region)
    refused = api("township_a").post("/api/enterprise-tags/", {"organization": orgs["a"].credit_code, "label": "无理由"},
                                     format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    outside = api("township_a").post("/api/enterprise-tags/", {"organization": orgs["b"].credit_code, "label": "x",
                                                               "reason": "y"}, format="json")
    assert outside.status_code == 400 and "organization" in outside.json()
    RiskPoint.objects.create(name="工房", organization=orgs["a"], region=orgs["a"].region, kind="site",
                             hazard_factor="physical", level="major")
    services.recompute(now=NOW)
    rule_tag = EnterpriseTag.objects.get(code="major-risk-point")
    assert api("staff").delete(f"/api/enterprise-tags/{rule_tag.pk}/").status_code == 403
    assert api("township_a").post("/api/tag-rules/", {"code": "y", "label": "y", "region": "430181",
                                                      "expression": {"count": "hazards"}}, format="json").status_code == 403


def test_lists_and_map_layers_filter_by_tag(rules, orgs, web):
    a, b = orgs["a"], orgs["b"]
    RiskPoint.objects.create(name="甲工房", organization=a, region=a.region, kind="site", hazard_factor="physical",
                             level="major", lon=113.78, lat=27.98)
    RiskPoint.objects.create(name="乙工房", organization=b, region=b.region, kind="site", hazard_factor="physical",
                             level="low", lon=113.86, lat=28.03)
    services.recompute(now=NOW)
    client = web("staff")
    page = client.get("/registry/organizations/?tag=major-risk-point").content.decode()
    assert a.name in page and b.name not in page and "仅显示标签为 major-risk-point" in page
    points = client.get("/registry/risk-points/?tag=major-risk-point").content.decode()
    assert "甲工房" in points and "乙工房" not in points
    layer = client.get("/api/map/risk-points.geojson?tag=major-risk-point&bbox=113,27,115,29&zoom=16").json()
    assert [f["properties"]["name"] for f in layer["features"]] == ["甲工房"]
    assert "乙工房" in client.get("/registry/risk-points/?tag=").content.decode()  # empty: no filter
