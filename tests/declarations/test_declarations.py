"""Online declarations end to end below the browser: the public form (no login, flood limits, a bad
location refused on its field, nothing stored), extraction and region resolution on a real text,
duplicate grouping, the two conversions (scope 404, role 403, state 409) and a status page that shows
what became of it and nobody's personal data."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.declarations.conftest import PNG, declare, real_text
from yingji.core.models import Attachment, Region
from yingji.declarations import public, services
from yingji.declarations.models import Declaration


def test_anyone_declares_from_a_phone_and_gets_a_tracking_code(client, village_shape):
    assert client.get("/public/declare/").status_code == 200  # no login
    response = declare(client, photos=[SimpleUploadedFile("倒塌.png", PNG, "image/png")])
    assert response.status_code == 200
    d = Declaration.objects.get()
    assert d.tracking_code in response.content.decode()
    assert (d.region, d.region_source, d.accuracy_m, d.kind, d.state) == (village_shape["va"], "location", 20, "loss", "new")
    assert d.client_hash and "10.0.0.1" not in d.client_hash  # a salted hash, never the IP
    assert Attachment.objects.get().record == d
    # the engine read the text: type, figures with their spans
    assert d.event_type == "暴雨洪涝"
    houses = d.extracted["figures"]["houses_collapsed"]
    assert (houses["value"], houses["unit"]) == (2, "间") and d.text[houses["start"]:houses["end"]] == houses["text"]
    status = client.get("/public/declare/status/", {"code": d.tracking_code.lower()})
    assert status.status_code == 200 and "已收到，等待乡镇（街道）核实处理" in status.content.decode()
    assert client.get("/public/declare/status/", {"code": "NOPE"}).status_code == 404


@pytest.mark.parametrize("fields, field, message", [
    ({"lon": "abc"}, "location", "位置坐标不是数字"),
    ({"lat": ""}, "location", "只有经度或只有纬度"),
    ({"lon": "200", "lat": "27.95"}, "location", "超出范围"),
    ({"lon": "120.5", "lat": "30.1"}, "location", "所选位置不在本辖区内"),
    ({"text": "房子倒了"}, "text", "请至少用 10 个字"),
    ({"kind": "lottery"}, "kind", "请选择申报类别"),
    ({"contact_phone": "call me"}, "contact_phone", "电话号码只能包含"),
    ({"photos": [SimpleUploadedFile("x.exe", b"MZ")]}, "photos", "不支持的文件类型 .exe"),
    ({"website": "http://spam"}, "", "提交失败"),
    ({"token": "forged"}, "", "页面已过期"),
])
def test_bad_declarations_are_refused_on_their_field_and_store_nothing(client, village_shape, fields, field, message):
    response = declare(client, **fields)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    if field == "location":  # located: next to the position, and the typed text kept
        assert 'data-testid="error-location"' in page and "我家2间房屋倒塌" in page
    assert not Declaration.objects.exists() and not Attachment.objects.exists()


def test_too_fast_and_too_often_are_refused(client, village_shape, monkeypatch):
    assert "提交过快" in declare(client, token=public.form_token()).content.decode()
    for n in range(public.PER_CLIENT_PER_HOUR):
        assert declare(client, text=f"第{n}次：大瑶村3组山洪冲毁道路，车辆无法通行").status_code == 200
    refused = declare(client)
    assert refused.status_code == 429 and "太频繁" in refused.content.decode()
    assert Declaration.objects.count() == public.PER_CLIENT_PER_HOUR
    assert declare(client, ip="10.0.0.2").status_code == 200  # another client is not held back
    monkeypatch.setattr(public, "ALL_CLIENTS_PER_HOUR", Declaration.objects.count())
    assert declare(client, ip="10.0.0.3").status_code == 429  # the global hourly cap: throttled, not bad input
    assert Declaration.objects.count() == public.PER_CLIENT_PER_HOUR + 1


@pytest.fixture
def liuyang(tree):
    """The township and village the real text names, in the platform's region table (the county is
    the fixtures' 浏阳市)."""
    town = Region.objects.create(code="430181121", name="澄潭江镇", level="township", parent=tree["county"])
    village = Region.objects.create(code="430181121217", name="达坪村", level="village", parent=town)
    return {"town": town, "village": village}


def test_a_real_text_is_extracted_and_placed_by_the_village_it_names(tree, liuyang):
    sample = real_text("liuyang-2019-12-04-bixi-fireworks-trad")  # traditional characters, a real report
    d = services.declare(text=sample["text"], kind="disaster", client="t")  # no position: the text's place
    assert (d.region, d.region_source) == (liuyang["village"], "text")
    assert d.event_type == sample["labels"]["event_type"]
    figures = d.extracted["figures"]
    assert (figures["deaths"]["value"], figures["injured"]["value"]) == (sample["labels"]["deaths"],
                                                                         sample["labels"]["injured"])
    assert [p["code"] for p in d.extracted["places"]] == [p["code"] for p in sample["labels"]["places"]]
    assert services.incident_type(d) == "21500"  # 烟花爆竹事故, from the subtype
    # a place the platform does not hold (another county's) falls back to the county
    other = services.declare(text=real_text("people-2024-07-yongxing-flash-flood-three-dead")["text"], kind="disaster",
                             client="t")
    assert (other.region, other.region_source) == (tree["county"], "default")


def test_the_typed_place_places_a_declaration_without_a_position(tree):
    d = services.declare(text="山洪冲毁道路，车辆无法通行，有人被困", kind="help", place="金刚镇金刚村", client="t")
    assert (d.region, d.region_source) == (tree["vb"], "place")


def test_duplicates_are_grouped_and_converted_once(client, village_shape, api, users):
    declare(client)
    declare(client, ip="10.0.0.2", text="大瑶村3组被暴雨山洪冲了，邻居家2间房屋倒塌，4口人要转移安置", lon="113.751",
            lat="27.951", contact_name="李某", contact_phone="13700002222")
    declare(client, ip="10.0.0.3", text="金刚村一辆货车侧翻在路边，司机受伤被困", lon="", lat="", place="金刚镇金刚村")
    first, second, other = Declaration.objects.order_by("created_at", "pk")
    assert second.duplicate_of == first and second.similarity >= 0.3 and other.duplicate_of is None
    assert {m.pk for m in services.group(second)} == {first.pk, second.pk}
    # an earlier declaration of the window, far away and unlike, never joins
    assert other.region == village_shape["vb"]
    response = api("township_a").post(f"/api/declarations/{second.pk}/to-incident/", {"include_group": True},
                                      format="json")
    assert response.status_code == 200, response.content
    from yingji.incidents.models import Incident

    incident = Incident.objects.get(pk=response.json()["incident"])
    assert (incident.source, incident.region, incident.event_type, incident.houses_collapsed) == (
        "public", village_shape["va"], "11300", 2)  # 山洪; the group's 2 rooms counted once, not 4
    assert first.tracking_code in incident.description and second.tracking_code in incident.description
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == "incident" and first.incident == second.incident == incident
    again = api("township_a").post(f"/api/declarations/{first.pk}/to-incident/", {}, format="json")
    assert again.status_code == 409
    page = client.get("/public/declare/status/", {"code": first.tracking_code}).content.decode()
    assert incident.number in page and "与其他 1 条反映同一情况的申报一并处理" in page
    # nobody's personal data, nor the other declaration's words
    for secret in ("王某某", "13900001111", "李某", "13700002222", "邻居家", second.tracking_code):
        assert secret not in page


@pytest.fixture
def flood(tree, users):
    from yingji.disasters import services as disasters
    from yingji.disasters.models import DisasterEvent

    event = DisasterEvent.objects.create(name="6月浏阳市暴雨洪涝", disaster_type="flood",
                                         onset_date=timezone.localdate(), region=tree["county"],
                                         learned_at=timezone.now() - datetime.timedelta(hours=1))
    event.townships.set([tree["a"]])
    disasters.open_report(users["staff"], event, "initial")
    return event


def test_a_declaration_becomes_the_townships_disaster_entry(client, village_shape, flood, api, users):
    from yingji.disasters import services as disasters
    from yingji.disasters.models import DisasterReport

    declare(client)
    d = Declaration.objects.get()
    url = f"/api/declarations/{d.pk}/to-disaster/"
    assert api("township_b").post(url, {"event": flood.pk}, format="json").status_code == 404  # not in B's scope
    assert api("staff").post(url, {"event": flood.pk}, format="json").status_code == 403  # the township enters it
    assert api("village_a").post(url, {"event": flood.pk}, format="json").status_code == 403
    bad = api("township_a").post(url, {}, format="json")
    assert bad.status_code == 400 and "event" in bad.json()
    done = api("township_a").post(url, {"event": flood.pk, "include_group": True}, format="json")
    assert done.status_code == 200, done.content
    entry = DisasterReport.objects.get(pk=done.json()["report"])
    assert (entry.region, entry.state) == (village_shape["a"], "draft")
    assert disasters.to_numbers(entry.figures)["houses_collapsed_rooms"] == 2
    assert d.tracking_code in entry.course
    d.refresh_from_db()
    assert (d.state, d.disaster_report, d.handled_by) == ("disaster", entry, users["township_a"])
    assert api("township_a").post(url, {"event": flood.pk}, format="json").status_code == 409  # already converted
    page = client.get("/public/declare/status/", {"code": d.tracking_code}).content.decode()
    assert "已纳入灾情统计" in page and "大瑶镇" in page and "13900001111" not in page


def test_a_submitted_entry_takes_no_declaration(client, village_shape, flood, api, users):
    from yingji.disasters.models import DisasterReport

    declare(client)
    d = Declaration.objects.get()
    DisasterReport.objects.filter(event=flood, region=village_shape["a"]).update(state="submitted")
    response = api("township_a").post(f"/api/declarations/{d.pk}/to-disaster/", {"event": flood.pk}, format="json")
    assert response.status_code == 409
    d.refresh_from_db()
    assert d.state == "new"


def test_dismissal_tells_the_declarant_why(client, village_shape, api):
    declare(client)
    d = Declaration.objects.get()
    url = f"/api/declarations/{d.pk}/dismiss/"
    assert api("township_a").post(url, {}, format="json").status_code == 400  # the reason is required
    assert api("township_a").post(url, {"reason": "经现场核实，房屋为旧损，非本次灾害造成"}, format="json").status_code == 200
    page = client.get("/public/declare/status/", {"code": d.tracking_code}).content.decode()
    assert "经核实，不予采纳" in page and "房屋为旧损" in page


def test_officers_see_their_scope_and_contacts_by_role(client, village_shape, api, users):
    declare(client)
    d = Declaration.objects.get()
    assert api("township_a").get(f"/api/declarations/{d.pk}/").json()["contact_phone"] == "13900001111"
    assert api("township_b").get(f"/api/declarations/{d.pk}/").status_code == 404
    assert api("readonly").get(f"/api/declarations/{d.pk}/").json()["contact_phone"] != "13900001111"  # masked
    assert api("enterprise_a").get("/api/declarations/").status_code == 403
    layer = api("township_a").get("/api/map/declarations.geojson").json()
    assert len(layer["features"]) == 1
    assert api("township_b").get("/api/map/declarations.geojson").json()["features"] == []
    client.force_login(users["township_a"])
    assert client.get("/declarations/map/").status_code == 200
    client.force_login(users["enterprise_a"])
    assert client.get("/declarations/map/").status_code == 403
