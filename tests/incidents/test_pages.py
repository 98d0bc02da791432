"""接报登记, 指挥台 and 态势图 pages and their API, as a duty officer and as users outside scope."""

import datetime

from django.utils import timezone

from tests.conftest import make_user
from tests.roads import LAT
from yingji.incidents.models import Incident


def intake_post(**kw):
    data = {"event_type": "21500", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "address": "大瑶村三组", "source": "phone", "deaths": "0", "missing": "0", "injured": "1", "trapped": "0",
            "description": "工房起火", "lon": "113.77", "lat": f"{LAT}"}
    data.update(kw)
    return data


def test_intake_locates_the_village_from_the_map_point_and_names_the_incident(client, duty, places, tree):
    client.force_login(duty)
    page = client.get("/incidents/intake/")
    assert page.status_code == 200 and "GB/T 35561" in page.content.decode()
    response = client.post("/incidents/intake/", intake_post())
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.region == tree["va"] and incident.title == "大瑶村三组烟花爆竹事故"
    assert incident.grade_label == "一般事故"


def test_intake_errors_are_located_and_nothing_is_lost(client, duty, places):
    client.force_login(duty)
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page = client.post("/incidents/intake/", intake_post(event_type="99999", occurred_at=later, deaths="-1",
                                                          lon="", lat="", description="仓库冒烟"))
    html = page.content.decode()
    assert page.status_code == 400 and not Incident.objects.exists()
    assert 'data-field="event_type"' in html and 'data-field="deaths"' in html
    assert "仓库冒烟" in html and "大瑶村三组" in html  # what was typed stays
    # With a valid type and time but no place the platform knows, the place is asked for.
    page = client.post("/incidents/intake/", intake_post(lon="", lat="", address="后山塘坝"))
    assert "地址中没有识别出乡镇或村社区名称：请在地图上点选事发地点，或填写所在区划" in page.content.decode()
    # A point outside the county is refused by name.
    page = client.post("/incidents/intake/", intake_post(lon="100.0", lat="30.0"))
    assert "所选位置不在本辖区内" in page.content.decode()
    assert not Incident.objects.exists()


def test_intake_without_a_map_point_takes_the_region_the_address_names(client, duty, tree):
    from yingji.core.models import Region

    client.force_login(duty)
    client.post("/incidents/intake/", intake_post(lon="", lat="", address="金刚镇金刚村五组 李家屋场"))
    assert Incident.objects.get().region == tree["vb"]
    # The page asks the same API while the officer types, and shows what it found.
    found = client.get("/api/map/locate-address/", {"address": "金刚村五组"}).json()
    assert found["region"]["code"] == tree["vb"].code and found["region"]["path_name"] == "金刚镇金刚村"
    # A village name two townships share is not guessed: the choices are named.
    Region.objects.create(code="430181111002", name="大瑶村", level="village", parent=tree["b"])
    page = client.post("/incidents/intake/", intake_post(lon="", lat="", address="大瑶村三组"))
    assert "地址中的地名对应多个区划（大瑶镇大瑶村、金刚镇大瑶村），请在地图上点选或填写所在区划" in page.content.decode()
    assert client.get("/api/map/locate-address/", {"address": "大瑶村"}).json()["region"] is None
    # Outside the user's scope nothing is found.
    client.force_login(make_user("tw", "township", region=tree["a"]))
    assert client.get("/api/map/locate-address/", {"address": "金刚镇金刚村"}).json()["region"] is None


def test_intake_from_an_alarm_is_prefilled(client, duty, tree):
    from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor

    point = MonitoringPoint.objects.create(name="储罐区", region=tree["va"], lon=113.77, lat=LAT)
    sensor = Sensor.objects.create(point=point, device_id="GAS-9", name="可燃气体探测器", quantity="combustible_gas",
                                   level1=20)
    alarm = Alarm.objects.create(sensor=sensor, kind="threshold", level=3, opened_at=timezone.now(),
                                 last_at=timezone.now(), last_value=45, peak_value=52)
    client.force_login(duty)
    html = client.get(f"/incidents/intake/?alarm={alarm.pk}").content.decode()
    assert 'value="21400" selected' in html and "储罐区可燃气体探测器超限报警" in html
    assert f'name="alarm" value="{alarm.pk}"' in html


def test_desk_shows_grade_clocks_matches_and_timeline(client, duty, make_incident, plan):
    incident = make_incident()
    client.force_login(duty)
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    for part in ("一般事故", "报告县级应急管理部门", "data-countdown=", "危化品事故应急预案", "Ⅳ级响应", "被困 1人 ≥ 1人",
                 f'data-testid="activate-{plan.pk}"', "接报：电话"):
        assert part in html, part
    response = client.post(f"/incidents/{incident.pk}/activate/", {"plan": plan.pk, "level": "IV"}, follow=True)
    assert "已启动《危化品事故应急预案》Ⅳ级响应，生成任务 2 项" in response.content.decode()


def test_pages_and_api_refuse_incidents_outside_scope(client, users, make_incident, tree):
    incident = make_incident()
    client.force_login(users["township_b"])
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404
    assert client.get(f"/api/incidents/{incident.pk}/situation/").status_code == 404
    assert client.post(f"/incidents/{incident.pk}/timeline/", {"text": "x"}).status_code == 404


def test_situation_api_lists_what_is_near_and_what_can_reach_it(client, duty, make_incident, road, places, tree):
    from yingji.incidents import services
    from yingji.resources.models import Team
    from yingji.risk.models import VulnerableTarget

    Team.objects.create(name="大瑶消防站", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT, members=20)
    busy = Team.objects.create(name="出动中的队伍", kind="fire_rescue", region=tree["va"], lon=113.76, lat=LAT)
    services.dispatch_team(duty, make_incident(title="另一起事件"), busy)
    VulnerableTarget.objects.create(name="大瑶小学", kind="school", region=tree["va"], lon=113.78, lat=LAT, people=600)
    VulnerableTarget.objects.create(name="远处医院", kind="hospital", region=tree["vb"], lon=113.90, lat=LAT)
    incident = make_incident(lon=113.77, lat=LAT)
    client.force_login(duty)
    data = client.get(f"/api/incidents/{incident.pk}/situation/?radius_km=5").json()
    assert [t["name"] for t in data["vulnerable_targets"]] == ["大瑶小学"]  # 远处医院 is 13 km away
    assert data["vulnerable_targets"][0]["km"] == 0.98
    assert [t["name"] for t in data["teams"]] == ["大瑶消防站"]  # deployed teams are not offered
    assert data["teams"][0]["method"] == "road" and data["teams"][0]["minutes"] == 3.3  # 2 km at 36 km/h
    assert data["incident"]["number"] == incident.number
    assert client.get(f"/api/incidents/{incident.pk}/situation/?radius_km=x").status_code == 400


def test_the_situation_map_names_risk_levels_in_chinese(client, duty, make_incident, tree, orgs):
    """The map said "(low)", "(major)": the label travels with the code (issue 15)."""
    from yingji.risk.choices import Level
    from yingji.risk.models import RiskPoint

    RiskPoint.objects.create(name="烘干房", organization=orgs["a"], region=tree["va"], lon=113.77, lat=LAT,
                             kind="area", hazard_factor="environment", accident_types="火灾", responsible_person="张三",
                             level="major")
    client.force_login(duty)
    incident = make_incident(lon=113.77, lat=LAT)
    data = client.get(f"/api/incidents/{incident.pk}/situation/").json()
    point = next(r for r in data["risk_points"] if r["name"] == "烘干房")
    assert point["level"] == "major" and point["level_label"] == Level.MAJOR.label == "重大风险"


def test_home_shows_who_is_on_duty_now(client, duty, tree):
    from yingji.core.models import Person
    from yingji.incidents.models import DutyShift

    lead = Person.objects.create(name="赵局长", mobile="13900000001", region=tree["county"], title="局长")
    officer = Person.objects.create(name="钱值班", mobile="13900000002", region=tree["county"])
    now = timezone.now()
    DutyShift.objects.create(region=tree["county"], date=now.date(), starts_at=now - datetime.timedelta(hours=2),
                             ends_at=now + datetime.timedelta(hours=22), leader=lead, officer=officer,
                             phone="0731-83612345")
    DutyShift.objects.create(region=tree["county"], date=now.date(), starts_at=now - datetime.timedelta(days=1, hours=2),
                             ends_at=now - datetime.timedelta(hours=2), leader=officer, officer=lead, phone="0731-1")
    client.force_login(duty)
    html = client.get("/").content.decode()
    assert "带班领导 <strong>赵局长</strong>" in html and "值班员 <strong>钱值班</strong>" in html
    assert "0731-1<" not in html


def test_alarm_and_warning_pages_link_to_intake(client, duty):
    client.force_login(duty)
    assert client.get("/incidents/from-alarm/7/")["Location"] == "/incidents/intake/?alarm=7"
    assert client.get("/incidents/from-warning/3/")["Location"] == "/incidents/intake/?warning=3"


def test_every_warning_type_maps_to_a_known_event_type():
    from yingji.incidents import event_types
    from yingji.incidents.views import ALARM_EVENT, WARNING_EVENT
    from yingji.warnings.models import EVENT_TYPES

    assert set(WARNING_EVENT) == {code for code, *_ in EVENT_TYPES} - {"other"}
    for code in [*WARNING_EVENT.values(), *ALARM_EVENT.values()]:
        event_types.get(code)


def test_a_drawn_affected_area_is_what_the_situation_map_measures_from(client, duty, make_incident, tree):
    import json

    from yingji.risk.models import VulnerableTarget

    VulnerableTarget.objects.create(name="大瑶小学", kind="school", region=tree["va"], lon=113.78, lat=LAT, people=600)
    VulnerableTarget.objects.create(name="远处医院", kind="hospital", region=tree["vb"], lon=113.90, lat=LAT)
    incident = make_incident(lon=113.77, lat=LAT)
    client.force_login(duty)
    # A bad area is refused on its own field, and nothing else typed is lost.
    form = {f: getattr(incident, f) for f in ("title", "event_type", "address", "source", "description", "deaths",
                                               "missing", "injured", "trapped", "relocated", "houses_collapsed")}
    form.update(occurred_at=timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
                received_at=timezone.localtime(incident.received_at).strftime("%Y-%m-%dT%H:%M"),
                region=incident.region.code, organization=incident.organization.credit_code, lon="113.77", lat=str(LAT))
    bad = client.post(f"/registry/incidents/{incident.pk}/edit/", {**form, "affected_area": '{"circle": [113.8]}'})
    assert bad.status_code == 400 and "圆形范围应写作" in bad.content.decode() and "大瑶花炮厂爆炸" in bad.content.decode()
    # The spill drifted east: the area drawn covers 113.85–113.95.
    ring = [[113.85, LAT - 0.02], [113.95, LAT - 0.02], [113.95, LAT + 0.02], [113.85, LAT + 0.02], [113.85, LAT - 0.02]]
    area = json.dumps({"type": "Polygon", "coordinates": [ring]})
    saved = client.post(f"/registry/incidents/{incident.pk}/edit/", {**form, "affected_area": area})
    assert saved.status_code == 302
    data = client.get(f"/api/incidents/{incident.pk}/situation/?radius_km=2").json()
    assert data["incident"]["area"]["type"] == "Polygon" and data["incident"]["reach"]["type"] == "Polygon"
    # Inside the area counts as 0 km; the school by the incident point is about 6.9 km
    # from the area's edge.
    assert [(t["name"], t["km"]) for t in data["vulnerable_targets"]] == [("远处医院", 0.0)]
    wider = client.get(f"/api/incidents/{incident.pk}/situation/?radius_km=10").json()
    assert [t["name"] for t in wider["vulnerable_targets"]] == ["远处医院", "大瑶小学"]
    from yingji.logistics.network import haversine_m

    edge_km = haversine_m(113.85, LAT, [113.78], [LAT])[0] / 1000  # straight west of the area's edge
    assert abs(wider["vulnerable_targets"][1]["km"] - edge_km) < 0.02
    assert "data-edit=" in client.get(f"/incidents/{incident.pk}/map/").content.decode()


def test_a_team_is_dispatched_from_the_situation_map_once(client, duty, users, make_incident, tree):
    from yingji.resources.models import Team

    team = Team.objects.create(name="大瑶消防站", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT, members=20)
    incident = make_incident()
    client.force_login(users["staff"])
    api = f"/api/incidents/{incident.pk}/dispatch-team/"  # what the map's 派出 button posts to
    assert client.post(api, {"team": team.pk}).status_code == 403
    client.force_login(duty)
    assert f'data-dispatch="{api}"' in client.get(f"/incidents/{incident.pk}/map/").content.decode()
    ok = client.post(api, {"team": team.pk, "minutes": "6.4"})
    assert ok.json()["text"] == "调派大瑶消防站"
    team.refresh_from_db()
    assert team.readiness == "deployed"
    assert incident.timeline.get(kind="dispatch").text == "调派大瑶消防站（综合性消防救援，20 人）赶赴现场，预计 6 分钟到达"
    again = client.post(api, {"team": team.pk})
    assert again.status_code == 409 and again.json()["detail"] == "大瑶消防站已出动，不能重复调派"


def test_dispatched_teams_show_on_the_map_with_their_status(client, duty, users, make_incident, tree):
    from yingji.incidents import services
    from yingji.incidents.models import TeamDispatch
    from yingji.resources.models import Team

    team = Team.objects.create(name="大瑶消防站", kind="fire_rescue", region=tree["va"], lon=113.75, lat=LAT, members=20)
    incident = make_incident(lon=113.80, lat=LAT)
    sent = services.dispatch_team(duty, incident, team, minutes=12)
    client.force_login(duty)
    situation = lambda: client.get(f"/api/incidents/{incident.pk}/situation/").json()["dispatched"]  # noqa: E731
    [row] = situation()
    # En route: drawn at its base, with the expected arrival.
    assert (row["name"], row["state"], row["state_label"], row["lon"], row["late"]) == (
        "大瑶消防站", "en_route", "已派出（途中）", 113.75, False)
    assert row["expected_at"] == (sent.dispatched_at + datetime.timedelta(minutes=12)).isoformat()
    assert "大瑶消防站" in client.get(f"/incidents/{incident.pk}/").content.decode()  # the desk lists it
    # Only a commander moves it on, through the generic transitions API.
    client.force_login(users["staff"])
    refused = client.post(f"/api/team-dispatches/{sent.pk}/transitions/", {"name": "arrive"},
                          content_type="application/json")
    assert refused.status_code == 403 and TeamDispatch.objects.get(pk=sent.pk).state == "en_route"
    client.force_login(duty)
    arrived = client.post(f"/api/team-dispatches/{sent.pk}/transitions/", {"name": "arrive"},
                          content_type="application/json")
    assert arrived.status_code == 200 and arrived.json()["state_label"] == "已到达现场"
    [row] = situation()
    assert (row["state"], row["lon"], row["lat"]) == ("on_scene", 113.80, LAT)  # at the scene now
    assert incident.timeline.filter(kind="dispatch", text__startswith="大瑶消防站到达现场（用时").exists()
    # The incident cannot be closed while a team is still out.
    refused = client.post(f"/api/incidents/{incident.pk}/transitions/", {"name": "close", "comment": "处置完毕"},
                          content_type="application/json")
    assert refused.status_code == 409 and "还有 1 支调派队伍未撤离" in refused.content.decode()
    client.post(f"/api/team-dispatches/{sent.pk}/transitions/", {"name": "withdraw"}, content_type="application/json")
    team.refresh_from_db()
    assert team.readiness == "resting" and situation()[0]["state"] == "withdrawn"
    # Withdrawn, it can be sent again (to this or another incident).
    services.dispatch_team(duty, incident, team)
    assert incident.dispatches.count() == 2


def test_open_incidents_api_gives_each_next_clock_within_scope(client, duty, users, make_incident, tree):
    mine = make_incident()
    make_incident(region=tree["vb"], organization=None, title="金刚村火灾", event_type="24100")
    client.force_login(users["township_a"])
    data = client.get("/api/incidents/open/").json()["incidents"]
    assert [(i["number"], i["next_deadline"]) for i in data] == [(mine.number, "报告县级应急管理部门")]
    assert data[0]["due_at"] == mine.deadlines.get(key="county").due_at.isoformat()
