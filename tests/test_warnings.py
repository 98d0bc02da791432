"""Early warnings: review flow, precise targeting, delivery per recipient, 叫应 with re-send and
escalation, statistics, CAP 1.2 against the official schema both ways, public page."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from tests.conftest import make_user
from yingji.core.framework import workflow
from yingji.core.framework.statemachine import TransitionError
from yingji.core.models import Notification, Person
from yingji.warnings import cap, dissemination, exchange
from yingji.warnings.models import Delivery, Recipient, Warning


@pytest.fixture
def people(tree, orgs):
    mk = lambda name, mobile, region, role, **kw: Person.objects.create(  # noqa: E731
        name=name, mobile=mobile, region=region, contact_role=role, **kw)
    return {
        "leader_a": mk("王镇长", "13800000001", tree["a"], "township_leader"),
        "cadre_a": mk("李书记", "13800000002", tree["va"], "village_cadre", email="li@example.cn"),
        "grid_a": mk("张网格", "13800000003", tree["va"], "grid_worker"),
        "cadre_b": mk("赵书记", "13800000004", tree["vb"], "village_cadre"),
        "other_a": mk("钱某", "13800000005", tree["va"], "other"),
    }


@pytest.fixture
def warning(tree, users):
    now = timezone.now()
    return Warning.objects.create(
        event_type="rainstorm", level="orange", title="大瑶镇暴雨橙色预警", content="预计未来6小时降雨量将达100毫米以上。",
        measures="转移危险区域人员。", effective=now, expires=now + datetime.timedelta(hours=12), region=tree["county"],
        target_regions=tree["a"].code, target_roles="township_leader,village_cadre", ack_minutes=30,
        area=json.dumps({"circle": [113.78, 27.98, 5]}))


def publish(w, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(users["staff"], w, "submit")
        workflow.apply(users["leader"], w, "approve")
    w.refresh_from_db()
    return w


def test_review_flow_refuses_wrong_roles_and_states(warning, users):
    with pytest.raises(TransitionError):
        workflow.apply(users["leader"], warning, "approve")  # not submitted yet
    workflow.apply(users["staff"], warning, "submit")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        workflow.apply(users["staff"], warning, "approve")  # the drafter cannot release it
    with pytest.raises(TransitionError, match="意见"):
        workflow.apply(users["leader"], warning, "reject")  # a rejection says why


def test_published_warning_reaches_exactly_the_targets_on_every_channel(warning, people, users,
                                                                        django_capture_on_commit_callbacks):
    account = make_user("li_user", "village", region=warning.region)
    account.phone = people["cadre_a"].mobile
    account.save()
    w = publish(warning, users, django_capture_on_commit_callbacks)
    assert w.state == "published" and w.published_at and w.cap_identifier.endswith(w.code)
    names = set(w.recipients.values_list("person__name", flat=True))
    assert names == {"王镇长", "李书记"}  # township A, the two target roles; not B, not grid/other
    by = {(d.recipient.person.name, d.channel): d.state for d in Delivery.objects.select_related("recipient__person")}
    assert by[("李书记", "sms")] == "delivered" and by[("李书记", "email")] == "delivered"
    assert by[("李书记", "inapp")] == "delivered" and by[("王镇长", "inapp")] == "failed"  # no account
    assert by[("王镇长", "email")] == "failed"  # no address
    assert Notification.objects.filter(user=account, title__contains="大瑶镇暴雨橙色预警").exists()
    s = dissemination.stats(w)
    assert (s["recipients"], s["delivered"], s["acked"], s["delivery_rate"], s["ack_rate"]) == (2, 2, 0, 100.0, 0.0)


def test_ack_link_records_once_and_stats_follow(warning, people, users, client, django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    r = w.recipients.get(person=people["cadre_a"])
    page = client.get(f"/ack/{r.token}/")
    assert "我已收到" in page.content.decode() and "防御指南" in page.content.decode()
    client.post(f"/ack/{r.token}/")
    r.refresh_from_db()
    first = r.acked_at
    assert first and r.ack_via == "link"
    client.post(f"/ack/{r.token}/")
    r.refresh_from_db()
    assert r.acked_at == first
    assert client.get("/ack/not-a-token/").status_code == 404
    s = dissemination.stats(w)
    assert (s["acked"], s["ack_rate"]) == (1, 50.0) and s["median_ack_minutes"] is not None


def test_unanswered_recipients_are_resent_and_their_superior_told(warning, people, users,
                                                                  django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    dissemination.acknowledge(w.recipients.get(person=people["leader_a"]), "inapp")
    Recipient.objects.filter(warning=w).update(created_at=timezone.now() - datetime.timedelta(minutes=29))
    assert dissemination.chase_unanswered() == {"resent": 0, "escalated": 0}  # within 30 minutes
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert dissemination.chase_unanswered(later) == {"resent": 1, "escalated": 1}
    late = w.recipients.get(person=people["cadre_a"])
    assert late.resend_count == 1 and late.escalated_to == people["leader_a"]  # the township leader above
    assert Delivery.objects.filter(recipient=late, attempt=2, channel="sms").exists()
    assert dissemination.chase_unanswered(later) == {"resent": 0, "escalated": 0}  # waits another period
    assert dissemination.stats(w)["escalated"] == 1


def test_update_supersedes_and_cancel_tells_recipients(warning, people, users, django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    newer = Warning.objects.create(event_type="rainstorm", level="red", title="大瑶镇暴雨红色预警", content="升级。",
                                   effective=w.effective, expires=w.expires, region=w.region, target_regions=w.target_regions,
                                   target_roles=w.target_roles, supersedes=w)
    newer = publish(newer, users, django_capture_on_commit_callbacks)
    w.refresh_from_db()
    assert (w.state, newer.state) == ("updated", "published")
    xml = exchange.document(newer)
    assert b"<msgType>Update</msgType>" in xml and w.cap_identifier.encode() in xml
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(users["leader"], newer, "cancel", comment="降雨减弱")
    newer.refresh_from_db()
    assert newer.state == "cancelled" and newer.cancelled_at
    assert Delivery.objects.filter(recipient__warning=newer, attempt=dissemination.LIFT_NOTICE).count() >= 2
    assert b"<msgType>Cancel</msgType>" in exchange.document(newer)


def test_cap_export_is_valid_against_the_official_schema_and_round_trips(warning, users,
                                                                        django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    xml = exchange.document(w)
    cap.schema().assertValid(cap.validate(xml))
    text = xml.decode()
    assert "<severity>Severe</severity>" in text and "<category>Met</category>" in text
    assert "<circle>27.980000,113.780000 5</circle>" in text and "+08:00</sent>" in text
    back = cap.parse(xml)
    assert back.infos[0].headline == w.title and cap.own_level(back.infos[0])[0] == "orange"
    # A township code is not GB/T 2260 (which stops at counties): its 12-digit 统计用区划代码.
    assert back.infos[0].areas[0].geocodes == [("统计用区划代码", "430181110000")]
    assert exchange.region_codes_of(back.infos[0].areas[0].geocodes) == [w.target_regions]
    for level, severity in (("red", "Extreme"), ("yellow", "Moderate"), ("blue", "Minor")):
        w.level = level
        alert = exchange.alert_for(w, msg_type="Alert", identifier="x", sent=back.sent, references=None)
        assert alert.infos[0].severity == severity


def test_cap_import_keeps_an_external_warning_and_refuses_invalid_messages(tree, web):
    now = datetime.datetime.now(tz=cap.CHINA).replace(microsecond=0)
    outside = f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>43018141600000_20261122</identifier>
<sender>liuyang-qxj</sender><sent>{now.isoformat()}</sent><status>Actual</status><msgType>Alert</msgType>
<scope>Public</scope><info><category>Met</category><event>大风蓝色预警</event><urgency>Expected</urgency>
<severity>Minor</severity><certainty>Likely</certainty><expires>{(now + datetime.timedelta(hours=6)).isoformat()}</expires>
<headline>浏阳市气象台发布大风蓝色预警</headline><description>预计24小时内将出现6级以上大风。</description>
<area><areaDesc>大瑶镇</areaDesc><polygon>27.9,113.7 27.9,113.9 28.1,113.9 28.1,113.7 27.9,113.7</polygon>
<geocode><valueName>GB/T 2260</valueName><value>430181110</value></geocode></area></info></alert>"""
    client = web("staff")
    from django.core.files.uploadedfile import SimpleUploadedFile

    res = client.post("/warnings/import-cap/", {"file": SimpleUploadedFile("a.xml", outside.encode())})
    assert res.status_code == 302, res.content.decode()[-2500:]
    from yingji.warnings.models import CapMessage

    m = CapMessage.objects.get()
    assert (m.outgoing, m.state, m.review, m.level, m.sender) == (False, "active", "pending", "blue", "liuyang-qxj")
    assert res["Location"] == f"/registry/cap-messages/{m.pk}/" and not Warning.objects.exists()
    broken = outside.replace("<severity>Minor</severity>", "<severity>Huge</severity>")
    refused = client.post("/warnings/import-cap/", {"file": SimpleUploadedFile("b.xml", broken.encode())})
    page = refused.content.decode()
    assert refused.status_code == 400  # the operation's page: the form again, the error on the file
    assert "不符合 CAP 1.2 规范" in page and "行" in page and "severity" in page
    assert CapMessage.objects.count() == 1


def test_bad_targets_are_refused_with_the_field(tree):
    now = timezone.now()
    w = Warning(event_type="gale", level="blue", title="t", content="c", effective=now, expires=now, region=tree["county"],
                target_regions="430181110,999999", target_roles="mayor", area='{"circle": [113, 28]}')
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        w.full_clean()
    assert set(err.value.message_dict) >= {"expires", "target_regions", "target_roles", "area"}
    assert "999999" in err.value.message_dict["target_regions"][0]


def test_public_page_lists_only_active_published_warnings(warning, users, client, django_capture_on_commit_callbacks):
    assert "当前没有生效的预警" in client.get("/public/warnings/").content.decode()
    publish(warning, users, django_capture_on_commit_callbacks)
    page = client.get("/public/warnings/").content.decode()
    assert "大瑶镇暴雨橙色预警" in page
    layer = client.get("/public/warnings.geojson").json()
    assert layer["features"][0]["properties"]["level"] == "orange"
    assert layer["features"][0]["geometry"]["type"] == "Polygon"


def test_board_and_draft_from_alarm(warning, people, users, web, sensor_alarm, django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    board = web("staff").get(f"/warnings/{w.pk}/board/").content.decode()
    assert "王镇长" in board and "未叫应" in board and "叫应率" in board
    assert web("township_b").get(f"/warnings/{w.pk}/board/").status_code == 404  # county warning, B's scope
    form = web("staff").get(f"/warnings/from-alarm/{sensor_alarm.pk}/", follow=True)
    html = form.content.decode()
    assert form.redirect_chain[0][0].startswith("/registry/warnings/new/?")
    assert "甲醇储罐区超限报警（2级）" in html and 'value="430181110"' in html
    assert '<option value="yellow" selected>' in html and '<option value="hazmat" selected>' in html  # 2级 → 黄色
    from urllib.parse import parse_qsl, urlsplit

    prefilled = dict(parse_qsl(urlsplit(form.redirect_chain[0][0]).query))
    saved = web("staff").post("/registry/warnings/new/", {**prefilled, "ack_minutes": 30})
    assert saved.status_code == 302, saved.content.decode()[-1500:]
    drafted = Warning.objects.get(source="alarm")
    assert (drafted.alarm, drafted.state, drafted.level) == (sensor_alarm, "draft", "yellow")


@pytest.fixture
def sensor_alarm(tree, orgs):
    from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor

    point = MonitoringPoint.objects.create(name="甲醇储罐区", kind="hazard_source", organization=orgs["a"],
                                           region=tree["va"], lon=113.78, lat=27.98)
    sensor = Sensor.objects.create(device_id="GAS-9", name="可燃气体9号", point=point, quantity="combustible_gas",
                                   level1=20, level2=40)
    now = timezone.now()
    return Alarm.objects.create(sensor=sensor, kind="threshold", level=2, opened_at=now, last_at=now, first_value=45,
                                peak_value=45, last_value=45)


def test_a_released_warning_changes_only_through_its_flow(warning, users, web, api, django_capture_on_commit_callbacks):
    w = publish(warning, users, django_capture_on_commit_callbacks)
    client = web("staff")
    page = client.get(f"/registry/warnings/{w.pk}/").content.decode()
    assert "不能直接修改或删除" in page and f"/registry/warnings/{w.pk}/edit/" not in page
    assert "大瑶镇（430181110）" in page and "乡镇领导、村干部" in page  # codes read as names
    assert client.get(f"/registry/warnings/{w.pk}/edit/").status_code == 302  # back to the record, with the reason
    res = client.post(f"/registry/warnings/{w.pk}/edit/", {"title": "改过的标题"}, follow=True)
    assert "不能直接修改" in res.content.decode()
    assert api("admin").patch(f"/api/warnings/{w.pk}/", {"title": "x"}, format="json").status_code == 403
    client.post(f"/registry/warnings/{w.pk}/delete/")
    w.refresh_from_db()
    assert w.title == "大瑶镇暴雨橙色预警"  # neither edited nor deleted


def test_warning_form_asks_in_chinese_with_pickers_and_defaults(users, web, tree):
    """通知对象 are ticked by their Chinese names (stored as codes), times have the browser's picker and
    start from now / a day later, regions have the map picker (issue 15)."""
    page = web("staff").get("/registry/warnings/new/").content.decode()
    assert 'type="checkbox" name="target_roles" value="township_leader"' in page and "乡镇领导" in page
    assert "township_leader 乡镇领导" not in page
    assert 'type="datetime-local" name="effective"' in page and 'data-pick="regions"' in page
    now = timezone.localtime()
    effective = re.search(r'name="effective" value="([^"]+)"', page).group(1)
    expires = re.search(r'name="expires" value="([^"]+)"', page).group(1)
    start = datetime.datetime.fromisoformat(effective)
    assert abs((start - now.replace(tzinfo=None)).total_seconds()) < 120
    assert datetime.datetime.fromisoformat(expires) - start == datetime.timedelta(days=1)


def test_target_roles_take_chinese_names_too(tree):
    w = Warning(event_type="rainstorm", level="blue", title="t", content="c", region=tree["county"],
                effective=timezone.now(), expires=timezone.now() + datetime.timedelta(hours=2),
                target_roles="乡镇领导，grid_worker")
    w.full_clean()
    assert w.role_codes() == ["township_leader", "grid_worker"]
