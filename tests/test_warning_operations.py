"""CAP in and out as declared actions: importing a CAP 1.2 message is the operation warnings/import-cap
(page /warnings/import-cap/, POST /api/warnings/import-cap/ multipart) with the same parsing and
located errors; exporting is the registry's declared document ``cap`` (page /warnings/<id>/cap.xml,
GET /api/warnings/<id>/documents/cap/) under the record's scope and role rules. The messages in
tests/data/cap/ are written in the shapes outside senders use (see its README)."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_user
from yingji.warnings import cap
from yingji.warnings.models import CapMessage, Warning

DATA = Path(__file__).parent / "data" / "cap"


def upload(name: str, content: bytes | None = None):
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes(), "application/xml")


@pytest.fixture
def warning(tree):
    now = timezone.now()
    return Warning.objects.create(
        event_type="rainstorm", level="orange", title="大瑶镇暴雨橙色预警", content="预计未来6小时降雨量将达100毫米以上。",
        measures="转移危险区域人员。", effective=now, expires=now + datetime.timedelta(hours=12), region=tree["county"],
        target_regions=tree["a"].code, area=json.dumps({"circle": [113.78, 27.98, 5]}))


# ---- 导入 CAP 预警 ----------------------------------------------------------------------------------

def test_an_outside_message_is_imported_through_the_api(tree, api):
    rest = api("staff")
    done = rest.post("/api/warnings/import-cap/", {"file": upload("rainstorm-orange.xml")}, format="multipart")
    assert done.status_code == 200, done.json()
    m = CapMessage.objects.get()
    assert done.json() == {"ok": True, "message": "已导入外部预警：浏阳市气象台发布暴雨橙色预警信号（正式，首发），请复核后转发",
                           "id": m.pk, "sender": "43018141600000", "identifier": "43018141600000_20260715060000",
                           "sent": "2026-07-15T06:00:00+08:00", "status": "Actual", "msg_type": "Alert",
                           "state": "active", "review": "pending", "level": "orange",
                           "url": f"/registry/cap-messages/{m.pk}/"}
    assert (m.region, m.outgoing) == (tree["county"], False) and not Warning.objects.exists()
    whole = m.message()
    assert [i.lang for i in whole.infos] == ["zh-CN", "en-US"]  # every <info>, not only the first
    assert whole.infos[0].description.startswith("预计未来3小时内大瑶镇") and whole.infos[0].areas[0].polygons
    assert cap.parse(m.xml.encode()) == whole
    # A prefixed namespace, a circle, no geocode and no times but <sent>: kept as the message says.
    gale = rest.post("/api/warnings/import-cap/", {"file": upload("gale-prefixed.xml")}, format="multipart")
    assert gale.status_code == 200, gale.json()
    g = CapMessage.objects.get(pk=gale.json()["id"])
    assert (g.level, g.message().infos[0].areas[0].circles) == ("blue", ["28.03,113.86 3"])  # as written
    again = rest.post("/api/warnings/import-cap/", {"file": upload("gale-prefixed.xml")}, format="multipart")
    assert again.status_code == 400 and again.json()["file"][0].startswith("该消息已导入过")  # sender+identifier+sent
    assert CapMessage.objects.count() == 2


def test_a_refused_message_is_located_and_changes_nothing(tree, api):
    rest = api("staff")
    url = "/api/warnings/import-cap/"
    assert rest.post(url, {}, format="multipart").json() == {"file": ["请选择 CAP 文件（.xml）"]}
    broken = (DATA / "rainstorm-orange.xml").read_bytes().replace(b"<severity>Severe</severity>",
                                                                  b"<severity>Huge</severity>", 1)
    bad = rest.post(url, {"file": upload("broken.xml", broken)}, format="multipart")
    assert bad.status_code == 400 and list(bad.json()) == ["file"]
    assert bad.json()["file"][0].startswith("不符合 CAP 1.2 规范（第 16 行）") and "severity" in bad.json()["file"][0]
    entity = rest.post(url, {"file": upload("xxe.xml")}, format="multipart")  # refused, never resolved (was a 500)
    assert entity.status_code == 400 and entity.json() == {"file": ["CAP 消息不能包含文档类型声明（<!DOCTYPE …>）或实体"]}
    garbage = rest.post(url, {"file": upload("x.xml", b"not xml")}, format="multipart")
    assert garbage.status_code == 400 and garbage.json()["file"][0].startswith("不是有效的 XML")
    backwards = (DATA / "rainstorm-orange.xml").read_bytes().replace(b"<expires>2026-07-15T18:00:00+08:00</expires>",
                                                                     b"<expires>2026-07-15T05:00:00+08:00</expires>", 1)
    odd = rest.post(url, {"file": upload("late.xml", backwards)}, format="multipart")
    assert odd.status_code == 200  # a message is kept as its sender wrote it; re-issue applies the warning's rules
    refused = api("readonly").post(url, {"file": upload("rainstorm-orange.xml")}, format="multipart")
    assert refused.status_code == 403 and refused.json()["detail"] == "您的角色不能导入 CAP 预警"
    assert not Warning.objects.exists() and CapMessage.objects.count() == 1


def test_the_import_page_as_a_user_meets_it(tree, web, users, client):
    staff = web("staff")
    listing = staff.get("/registry/warnings/").content.decode()
    assert "/warnings/import-cap/" in listing and "导入 CAP 预警" in listing  # reachable from the list
    page = staff.get("/warnings/import-cap/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    broken = (DATA / "rainstorm-orange.xml").read_bytes().replace(b"<severity>Severe</severity>",
                                                                  b"<severity>Huge</severity>", 1)
    bad = staff.post("/warnings/import-cap/", {"file": upload("broken.xml", broken)})
    html = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="file"' in html and "不符合 CAP 1.2 规范（第 16 行）" in html
    done = staff.post("/warnings/import-cap/", {"file": upload("rainstorm-orange.xml")})
    m = CapMessage.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/registry/cap-messages/{m.pk}/"
    page = staff.get(done["Location"]).content.decode()
    assert "已导入外部预警" in page and "信息块 2（英文）" in page  # the whole message on its page
    client.force_login(users["readonly"])
    assert client.get("/warnings/import-cap/").status_code == 403
    assert "导入 CAP 预警" not in client.get("/registry/warnings/").content.decode()


# ---- CAP 1.2 报文 (the declared document) ------------------------------------------------------------

def test_the_cap_message_through_the_api(warning, api, tree, client):
    rest = api("staff")
    url = f"/api/warnings/{warning.pk}/documents/cap/"
    response = rest.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert response["Content-Disposition"] == f"inline; filename*=UTF-8''{warning.code}.cap.xml"
    cap.schema().assertValid(cap.validate(response.content))
    assert cap.parse(response.content).infos[0].headline == "大瑶镇暴雨橙色预警"
    assert rest.get(url, HTTP_ACCEPT="application/cap+xml").status_code == 200  # asking for its type is no 406
    assert rest.get(f"/api/warnings/{warning.pk}/documents/nope/").json() == {"detail": "没有这份文书"}
    assert api("township_b").get(url).status_code == 404  # a county warning, outside 金刚镇's scope
    missing = api("township_b").get(url, HTTP_ACCEPT="application/cap+xml")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"  # errors stay JSON
    gateway = make_user("gw", "gateway", region=tree["county"])
    from rest_framework.test import APIClient

    device = APIClient()
    device.force_authenticate(gateway)
    assert device.get(url).status_code == 403  # a role that sees no warnings
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous["Content-Type"].startswith("application/json")
    schema = rest.get("/api/schema/?format=json").json()["paths"]["/api/warnings/{id}/documents/{name}/"]["get"]
    assert "application/cap+xml" in schema["responses"]["200"]["content"]
    assert [p["schema"].get("enum") for p in schema["parameters"] if p["name"] == "name"] == [["cap"]]


def test_the_cap_page_keeps_its_address_and_rules(warning, web, users, client, tree):
    staff = web("staff")
    record = staff.get(f"/registry/warnings/{warning.pk}/").content.decode()
    assert f"/warnings/{warning.pk}/cap.xml" in record and "CAP 1.2 报文（Word）" not in record
    page = staff.get(f"/warnings/{warning.pk}/cap.xml")
    assert page.status_code == 200 and page["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert cap.parse(page.content).status == "Draft"  # before release: a preview nobody acts on
    assert staff.get(f"/registry/warnings/{warning.pk}/documents/cap.docx").status_code == 404  # not a Word paper
    client.force_login(users["township_b"])
    assert client.get(f"/warnings/{warning.pk}/cap.xml").status_code == 404
    client.force_login(make_user("gw", "gateway", region=tree["county"]))
    assert client.get(f"/warnings/{warning.pk}/cap.xml").status_code == 403


def test_pages_that_stay_views_refuse_a_role_that_sees_none_of_it(warning, tree, orgs, web, client):
    from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor

    point = MonitoringPoint.objects.create(name="甲醇储罐区", kind="hazard_source", organization=orgs["a"],
                                           region=tree["va"], lon=113.78, lat=27.98)
    sensor = Sensor.objects.create(device_id="GAS-9", name="可燃气体9号", point=point, quantity="combustible_gas",
                                   level1=20, level2=40)
    now = timezone.now()
    alarm = Alarm.objects.create(sensor=sensor, kind="threshold", level=2, opened_at=now, last_at=now, first_value=45,
                                 peak_value=45, last_value=45)
    staff = web("staff")
    assert staff.get(f"/warnings/from-alarm/{alarm.pk}/").status_code == 302  # a prefill link: it only redirects
    assert staff.get(f"/warnings/{warning.pk}/board/").status_code == 200
    client.force_login(make_user("gw", "gateway", region=tree["county"]))  # sees sensors, not alarms or warnings
    assert client.get(f"/warnings/from-alarm/{alarm.pk}/").status_code == 403
    assert client.get(f"/warnings/{warning.pk}/board/").status_code == 403
    assert Warning.objects.count() == 1
