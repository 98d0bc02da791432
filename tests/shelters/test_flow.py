"""Shelter operations through the API as the desk uses them: 应急启用 → check-in → 运行日志 → transfer →
check-out → 安置运行结束 (refused while anyone is in), capacity (409 naming the nearest shelter with
room, colours), ID numbers checked and people without one flagged, masking, scope, duplicates, the
figures for the 灾情 report, what relief reads, the public 寻亲 page and anonymisation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yingji.core.directory.codes import id_number_check_char
from yingji.disasters.models import DisasterEvent
from yingji.resources.models import Shelter
from yingji.shelters import services
from yingji.shelters.models import Activation, Evacuee, Household, Stay


def idn(body17: str) -> str:
    return body17 + id_number_check_char(body17)


HEAD = idn("43018119600101001")  # born 1960
CHILD = idn("43018120180505002")


@pytest.fixture
def event(tree, users):
    e = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                     learned_at=timezone.now(), region=tree["county"])
    e.townships.set([tree["a"], tree["b"]])
    return e


@pytest.fixture
def shelters(tree):
    a = Shelter.objects.create(name="大瑶中学应急避难场所", duration_class="short", region=tree["a"], effective_area_m2=10,
                               lon=113.78, lat=27.98)  # 5 people at 2 m² each
    b = Shelter.objects.create(name="金刚中学应急避难场所", duration_class="medium", region=tree["b"],
                               effective_area_m2=300, lon=113.86, lat=28.03)  # 100 people at 3 m²
    return a, b


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def activate(api, shelter, event, who="staff"):
    response = post(api(who), f"/api/shelters/{shelter.pk}/activate/", {"event": event.pk, "commander": "李站长"})
    assert response.status_code == 200, response.json()
    return Activation.objects.get(pk=response.json()["activation"])


def check_in(api, activation, who="staff", **data):
    body = {"head_name": "刘建国", "head_id_number": HEAD, "phone": "13800000001", "village": data.pop("village", None),
            "head_flags": ["老"], "members": f"王秀兰，，配偶，病\n刘小宇，{CHILD}，子女，幼", "zone": "A区", "room": "101"}
    body.update(data)
    return post(api(who), f"/api/shelter-activations/{activation.pk}/check-in/", body)


def test_a_shelter_runs_from_activation_to_close(api, tree, event, shelters):
    a, b = shelters
    site = activate(api, a, event)
    assert (site.state, site.capacity_people, site.region_id, site.lon) == ("activated", 5, tree["a"].pk, 113.78)
    a.refresh_from_db()
    assert a.status == "open"
    assert post(api("staff"), f"/api/shelters/{a.pk}/activate/", {"event": event.pk}).status_code == 409  # running
    response = check_in(api, site, village=tree["va"].pk)
    assert response.status_code == 200, response.json()
    household = Household.objects.get(pk=response.json()["household"])
    assert household.card_number.startswith("AZ") and response.json()["members"] == 3
    people = {p.name: p for p in household.members.all()}
    assert people["王秀兰"].no_id and not people["刘建国"].no_id
    assert (people["刘建国"].birth_year, people["刘建国"].gender, people["刘建国"].relation) == (1960, "male", "head")
    assert people["刘小宇"].flags == "幼" and people["王秀兰"].flags == "病"
    site.refresh_from_db()
    assert (site.state, site.occupants, site.households_in, site.total_people, site.occupancy) == (
        "running", 3, 1, 3, "green")
    log = post(api("township_a"), f"/api/shelter-activations/{site.pk}/add-log/",
               {"kind": "duty", "staff_on_duty": "张三、李四", "content": "夜间巡查两次"})
    assert log.status_code == 200, log.json()
    assert site.log.get().recorded_by.username == "township_a"
    closing = post(api("staff"), f"/api/shelter-activations/{site.pk}/close/", {"comment": "水退"})
    assert closing.status_code == 409 and "还有 1 户在住" in closing.json()["detail"]
    # transfer to the other township's shelter: one history, scope follows the household
    other = activate(api, b, event)
    moved = post(api("staff"), f"/api/shelter-households/{household.pk}/transfer/", {"target": other.pk, "zone": "B区"})
    assert moved.status_code == 200, moved.json()
    household.refresh_from_db()
    assert household.activation == other and household.region_id == tree["b"].pk
    assert set(household.members.values_list("region", flat=True)) == {tree["b"].pk}
    stays = list(Stay.objects.filter(household=household).order_by("arrived_at"))
    assert [(s.activation_id, s.ended) for s in stays] == [(site.pk, "transfer"), (other.pk, "")]
    site.refresh_from_db()
    other.refresh_from_db()
    assert (site.occupants, site.total_people, other.occupants, other.state) == (0, 3, 3, "running")
    gone = post(api("township_b"), f"/api/shelter-households/{household.pk}/check-out/", {"destination": "返回原住址"})
    assert gone.status_code == 200, gone.json()
    assert post(api("township_b"), f"/api/shelter-households/{household.pk}/check-out/",
                {"destination": "再次"}).status_code == 409
    assert Stay.objects.get(household=household, activation=other).destination == "返回原住址"
    assert post(api("staff"), f"/api/shelter-activations/{site.pk}/close/", {}).status_code == 400  # a closing note
    assert post(api("staff"), f"/api/shelter-activations/{site.pk}/close/", {"comment": "水退"}).status_code == 200
    site.refresh_from_db()
    a.refresh_from_db()
    assert site.state == "closed" and site.closed_at and a.status == "idle"
    assert check_in(api, site, village=tree["va"].pk).status_code == 409  # closed


def test_capacity_refuses_and_points_to_the_nearest_with_room(api, tree, event, shelters):
    a, b = shelters
    small, big = activate(api, a, event), activate(api, b, event)
    assert check_in(api, small, village=tree["va"].pk).status_code == 200  # 3 of 5
    amber = check_in(api, small, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="")
    assert amber.status_code == 200
    small.refresh_from_db()
    assert (small.occupants, small.occupancy) == (4, "amber")
    full = check_in(api, small, village=tree["va"].pk, head_name="黄美玲", head_id_number="", members="周小雨")
    assert full.status_code == 409
    assert "最近有空位的安置点：金刚中学应急避难场所" in full.json()["detail"] and "空位 100 人" in full.json()["detail"]
    assert check_in(api, small, village=tree["va"].pk, head_name="赵德明", head_id_number="", members="").status_code == 200
    small.refresh_from_db()
    a.refresh_from_db()
    assert (small.occupancy, a.status) == ("red", "full")
    assert big.occupancy == "green"


def test_bad_input_is_located_and_changes_nothing(api, tree, event, shelters):
    site = activate(api, shelters[0], event)
    wrong = check_in(api, site, village=tree["va"].pk, head_id_number=HEAD[:17] + ("0" if HEAD[17] != "0" else "1"))
    assert wrong.status_code == 400 and "校验码应为" in str(wrong.json()["head_id_number"])
    member = check_in(api, site, village=tree["va"].pk, members="王秀兰，110105194912310021，配偶")
    assert member.status_code == 400 and "第 1 行王秀兰：身份证号码校验码应为" in str(member.json())
    relation = check_in(api, site, village=tree["va"].pk, members="王秀兰，，表亲")
    assert relation.status_code == 400 and "第 1 行：关系“表亲”" in str(relation.json()["members"])
    town = check_in(api, site, village=tree["a"].pk)  # a township, not a village
    assert town.status_code == 400 and "village" in town.json()
    assert not Household.objects.exists() and not Evacuee.objects.exists()


def test_personal_data_is_masked_and_scope_holds(api, web, tree, event, shelters):
    site = activate(api, shelters[0], event)
    household = Household.objects.get(pk=check_in(api, site, village=tree["va"].pk).json()["household"])
    seen = api("township_a").get(f"/api/shelter-households/{household.pk}/").json()
    assert seen["head_name"] == "刘建国" and seen["head_id_number"] == HEAD
    masked = api("readonly").get(f"/api/shelter-households/{household.pk}/").json()
    assert masked["head_name"] == "***" and masked["head_id_number"] == "***" and masked["phone"] == "***"
    people = api("leader").get("/api/shelter-evacuees/").json()
    rows = people["results"] if isinstance(people, dict) else people
    assert rows and {r["name"] for r in rows} == {"***"}
    assert api("township_b").get(f"/api/shelter-households/{household.pk}/").status_code == 404
    assert api("township_b").get(f"/api/shelter-activations/{site.pk}/").status_code == 404
    assert post(api("township_b"), f"/api/shelter-activations/{site.pk}/check-in/", {}).status_code == 404
    assert post(api("readonly"), f"/api/shelter-activations/{site.pk}/check-in/", {}).status_code == 403
    # duplicates listed for the desk, across shelters, never merged
    other = activate(api, shelters[1], event)
    again = check_in(api, other, village=tree["va"].pk, members="")
    assert again.status_code == 200
    assert again.json()["duplicates"][0]["reason"] == "身份证号码相同"
    listed = api("staff").get("/api/shelters/duplicates/", {"event": event.pk}).json()["candidates"]
    assert len(listed) == 1 and {listed[0]["first"]["shelter"], listed[0]["second"]["shelter"]} == {
        "大瑶中学应急避难场所", "金刚中学应急避难场所"}
    assert Household.objects.count() == 2
    masked = api("readonly").get("/api/shelters/duplicates/", {"event": event.pk}).json()["candidates"]
    assert masked[0]["first"]["name"] == "***"
    assert api("staff").get("/api/shelters/duplicates/").status_code == 400
    page = web("staff").get("/shelters/duplicates/", {"event": event.pk}).content.decode()
    assert "身份证号码相同" in page and HEAD in page


def test_figures_for_the_report_and_what_relief_reads(api, tree, event, shelters):
    a, b = shelters
    site, other = activate(api, a, event), activate(api, b, event)
    first = check_in(api, site, village=tree["va"].pk).json()["household"]
    second = check_in(api, other, village=tree["vb"].pk, head_name="陈志强", head_id_number="", members="",
                      head_flags=["三无", "残"]).json()["household"]
    post(api("staff"), f"/api/shelter-households/{first}/transfer/", {"target": other.pk})
    post(api("staff"), f"/api/shelter-households/{second}/check-out/", {"destination": "投亲靠友"})
    figures = api("staff").get(f"/api/shelters/report-figures/{event.pk}/").json()["townships"]
    assert figures[""] == {"relocated_concentrated": 4, "relocated_concentrated_current": 3, "shelter_sites": 2}
    assert figures[tree["a"].code] == {"relocated_concentrated": 3, "relocated_concentrated_current": 3, "shelter_sites": 1}
    assert figures[tree["b"].code] == {"relocated_concentrated": 1, "relocated_concentrated_current": 0, "shelter_sites": 1}
    relief = {h["head_name"]: h for h in services.households_for_relief(event)}
    assert relief["刘建国"] == {"household_id": first, "head_name": "刘建国", "head_id_number": HEAD,
                               "phone": "13800000001", "village_id": tree["va"].pk, "members": 3,
                               "flags": {"老", "病", "幼"}, "shelter_id": b.pk}
    assert relief["陈志强"]["flags"] == {"三无", "残"} and relief["陈志强"]["head_id_number"] == ""


def test_public_family_search_answers_only_the_shelter(client, api, tree, event, shelters, settings):
    site = activate(api, shelters[0], event)
    check_in(api, site, village=tree["va"].pk)
    data = {"event": event.pk, "name": "刘小宇", "tail": CHILD[-4:]}
    assert client.post("/public/family-search/", data).status_code == 400  # not switched on for the event
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/open-family-search/").status_code == 200
    page = client.post("/public/family-search/", data)
    text = page.content.decode()
    assert page.status_code == 200 and "大瑶中学应急避难场所" in text
    assert CHILD not in text and "13800000001" not in text and "101" not in text.split("results")[-1]
    by_phone = client.post("/public/family-search/", {**data, "name": "王秀兰", "tail": "0001"}).content.decode()
    assert "大瑶中学应急避难场所" in by_phone  # the household's phone
    assert "没有找到" in client.post("/public/family-search/", {**data, "tail": "9999"}).content.decode()
    assert client.post("/public/family-search/", {**data, "tail": "12"}).status_code == 400  # too short
    for _ in range(10):
        client.post("/public/family-search/", data, REMOTE_ADDR="10.9.9.9")
    limited = client.post("/public/family-search/", data, REMOTE_ADDR="10.9.9.9")
    assert limited.status_code == 429 and "查询次数过多" in limited.content.decode()  # throttled: try again later
    assert client.post("/public/family-search/", data, REMOTE_ADDR="10.9.9.8").status_code == 200  # another client
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/close-family-search/").status_code == 200
    assert client.post("/public/family-search/", data, REMOTE_ADDR="10.9.9.7").status_code == 400


def test_personal_data_is_anonymised_after_the_retention_period(api, tree, event, shelters):
    from auditlog.models import LogEntry as History

    from yingji.shelters.models import ShelterRule
    from yingji.shelters.tasks import anonymise_expired

    site = activate(api, shelters[0], event)
    hid = check_in(api, site, village=tree["va"].pk).json()["household"]
    post(api("staff"), f"/api/shelter-households/{hid}/check-out/", {"destination": "返回原住址"})
    assert post(api("staff"), f"/api/shelter-activations/{site.pk}/close/", {"comment": "结束"}).status_code == 200
    ShelterRule.objects.create(region=tree["county"], key="retention_days", value=30, source="本县规定")
    site.refresh_from_db()
    assert anonymise_expired(site.closed_at + datetime.timedelta(days=29)).startswith("0 ")
    assert Household.objects.get(pk=hid).head_name == "刘建国"
    assert anonymise_expired(site.closed_at + datetime.timedelta(days=31)).startswith("1 ")
    household = Household.objects.get(pk=hid)
    assert (household.head_name, household.head_id_number, household.phone, household.destination) == (
        "（已匿名）", "", "", "")
    assert set(household.members.values_list("name", flat=True)) == {"（已匿名）"}
    assert not household.members.exclude(id_number="").exists()
    assert household.members.count() == 3 and household.members.get(relation="head").birth_year == 1960
    histories = " ".join(f"{h.changes!r}{h.changes_text}{h.serialized_data}" for h in History.objects.all())
    assert "刘建国" not in histories and HEAD not in histories
    assert services.report_figures(event)[""]["relocated_concentrated"] == 3  # the statistics stay
    assert anonymise_expired(site.closed_at + datetime.timedelta(days=60)).startswith("0 ")  # once


def test_relief_lists_the_shelters_households_once_and_within_scope(api, tree, event, shelters):
    """救助对象 from the shelters' registrations (relief's 从安置登记生成): a township sees only its
    villages' households; run again, households are updated, never doubled."""
    from yingji.relief.models import Beneficiary

    a, b = shelters
    site, other = activate(api, a, event), activate(api, b, event)
    check_in(api, site, village=tree["va"].pk)
    second = check_in(api, other, village=tree["vb"].pk, head_name="陈志强", head_id_number="", members="",
                      head_flags=["三无", "残"]).json()["household"]
    url = "/api/relief-beneficiaries/from-shelters/"
    own = post(api("township_a"), url, {"event": event.pk})
    assert own.status_code == 200, own.content
    assert (own.json()["created"], own.json()["updated"], own.json()["skipped"]) == (1, 0, [])  # vb is not theirs
    assert set(Beneficiary.objects.filter(event=event).values_list("head_name", flat=True)) == {"刘建国"}
    whole = post(api("staff"), url, {"event": event.pk})
    assert whole.status_code == 200, whole.content
    assert (whole.json()["created"], whole.json()["updated"]) == (0, 1)
    assert whole.json()["skipped"] == [{"row": f"陈志强户（安置登记户 {second}）",
                                        "reason": "户主未登记身份证号码，请核实后人工登记"}]
    listed = {x.head_name: x for x in Beneficiary.objects.filter(event=event)}
    assert set(listed) == {"刘建国"} and listed["刘建国"].members == 3  # 陈志强 has no ID number: skipped, with why
    assert post(api("staff"), url, {"event": event.pk}).status_code == 200
    assert Beneficiary.objects.filter(event=event).count() == 1
