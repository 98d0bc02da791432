"""A jurisdiction's own clocks and checks (DisasterRule, registry disaster-rules): the nearest region's
value wins over the city's and the national default; the event's clocks and its submission checks read
the value in force for its county; a county sets only its own, townships read them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.disasters.test_flow import entry, open_report, send_county, submit
from yingji.core.models import Region
from yingji.disasters import services
from yingji.disasters.models import DisasterEvent, DisasterRule

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def event(tree, users):
    e = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                     learned_at=timezone.now(), region=tree["county"])
    e.townships.set([tree["a"]])
    return e


def rule(region, key, value, source="某地自然灾害救助应急预案", **extra):
    return DisasterRule.objects.create(region=region, key=key, value=value, source=source, **extra)


def test_the_nearest_jurisdiction_wins_with_its_source(tree):
    rule(tree["city"], "followup_days", "5", source="长沙市自然灾害救助应急预案", article="5.3.2",
         effective=datetime.date(2024, 5, 1), confirmed=True)
    rule(tree["city"], "zero_report_times.county", "08:30")
    rule(tree["county"], "followup_days", "3", source="浏阳市自然灾害救助应急预案")
    county = services.rules_for(tree["a"]).clocks  # a township runs on its county's rules
    assert county.followup_days == 3 and county.sources["followup_days"].document == "浏阳市自然灾害救助应急预案"
    assert county.zero_report_times == {"county": "08:30", "city": "10:00", "province": "12:00"}
    assert county.county_initial_hours == 2  # untouched: the national default
    city = services.rules_for(tree["city"]).clocks
    assert city.followup_days == 5 and city.sources["followup_days"].article == "5.3.2"
    assert city.sources["followup_days"].date == "2024-05-01" and city.sources["followup_days"].confirmed
    assert services.rules_for(tree["province"]).clocks.followup_days == 7  # the national (unconfirmed) default


def test_an_override_moves_the_event_clocks(event, tree, django_capture_on_commit_callbacks):
    due = dict(event.deadlines.values_list("key", "due_at"))
    assert due["initial:county"] == event.learned_at + 2 * HOUR
    with django_capture_on_commit_callbacks(execute=True):
        rule(tree["city"], "county_initial_hours", "1.5")
    assert event.deadlines.get(key="initial:county").due_at == event.learned_at + 1.5 * HOUR
    with django_capture_on_commit_callbacks(execute=True):
        county_rule = rule(tree["county"], "county_initial_hours", "1")
        rule(tree["county"], "township_to_county_hours", "0.5")
    due = dict(event.deadlines.values_list("key", "due_at"))
    assert due["initial:county"] == event.learned_at + HOUR  # the county's own over the city's
    assert due["township:大瑶镇"] == event.learned_at + 0.5 * HOUR
    with django_capture_on_commit_callbacks(execute=True):
        county_rule.delete()
    assert event.deadlines.get(key="initial:county").due_at == event.learned_at + 1.5 * HOUR  # the city's again


def test_the_skip_level_threshold_is_the_county_s(event, tree):
    rule(tree["county"], "skip_level_threshold", "3")
    open_report_for = services.open_report(None, event, "initial")
    open_report_for.figures = {"deaths": 2, "missing": 1}
    open_report_for.save()
    services.sync_clocks(event.pk)
    assert {"skip:province", "skip:ministry"} <= set(event.deadlines.values_list("key", flat=True))


def test_a_stricter_jump_ratio_asks_for_an_explanation(event, api, tree):
    rule(tree["county"], "jump_ratio", "1.2")
    open_report(api, event, "initial")
    submit(api, entry(api, event), "village_a", f_affected_population=120)
    send_county(api, event)
    open_report(api, event, "followup")
    second = entry(api, event)
    response = submit(api, second, "village_a", f_affected_population=150)  # 1.25× (the national 2× lets it pass)
    assert response.status_code == 400
    assert "explain_affected_population__大瑶村" in response.json()


def test_a_county_sets_its_own_rules_only(tree, api, users):
    other = Region.objects.create(code="430182", name="宁乡市", level="county", parent=tree["city"])
    city_rule = rule(tree["city"], "followup_days", "5")
    staff = api("staff")  # 业务科室 of 浏阳市
    mine = staff.post("/api/disaster-rules/", {"key": "followup_days", "value": "3", "region": tree["county"].code,
                                               "source": "浏阳市自然灾害救助应急预案"}, format="json")
    assert mine.status_code == 201, mine.json()
    theirs = staff.post("/api/disaster-rules/", {"key": "followup_days", "value": "3", "region": other.code,
                                                 "source": "浏阳市自然灾害救助应急预案"}, format="json")
    assert theirs.status_code == 400 and "region" in theirs.json()  # another county is outside its scope
    assert not DisasterRule.objects.filter(region=other).exists()
    seen = {row["id"] for row in staff.get("/api/disaster-rules/").json()["results"]}
    assert city_rule.pk in seen  # the city's value is shown to its counties ...
    changed = staff.patch(f"/api/disaster-rules/{city_rule.pk}/", {"value": "1"}, format="json")
    assert changed.status_code in (403, 404)  # ... but is the city's to change
    city_rule.refresh_from_db()
    assert city_rule.value == "5"


def test_townships_only_read_the_rules(tree, api):
    rule(tree["county"], "followup_days", "3")
    township = api("township_a")
    listed = township.get("/api/disaster-rules/")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    refused = township.post("/api/disaster-rules/", {"key": "followup_days", "value": "2", "region": tree["a"].code,
                                                      "source": "大瑶镇"}, format="json")
    assert refused.status_code == 403


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"key": "followup_days", "value": "7.5"}, "value", "「续报间隔（干旱以外）」应为整数（天），实际为“7.5”"),
    ({"key": "jump_ratio", "value": "1"}, "value", "应大于 1"),
    ({"key": "zero_report_times.county", "value": "9点"}, "value", "应为“时:分”，如 09:00"),
    ({"key": "county_initial_hours", "value": "0"}, "value", "应大于 0"),
    ({"key": "followup_days", "value": "5", "region": "430181110"}, "region", "乡镇（街道）和村（社区）执行所在县的规则"),
])
def test_bad_values_are_refused_on_their_field(tree, api, data, field, message):
    body = {"region": tree["county"].code, "source": "浏阳市自然灾害救助应急预案", **data}
    response = api("staff").post("/api/disaster-rules/", body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])


def test_the_rule_reads_in_words(tree, web):
    row = rule(tree["county"], "final_report_working_days.county", "3")
    html = web("staff").get(f"/registry/disaster-rules/{row.pk}/").content.decode()
    assert "县级核报时限（灾情稳定后）（个工作日）" in html
