"""接报登记 takes its source alarm and warning as ids from the page: one outside the user's scope is
answered exactly like one that does not exist, and nothing of it is linked or read back."""

import datetime

from django.utils import timezone

from tests.incidents.test_pages import intake_post
from tests.roads import LAT
from yingji.incidents.models import Incident


def alarm_in(region, device_id, name):
    from yingji.monitoring.models import Alarm, MonitoringPoint, Sensor

    point = MonitoringPoint.objects.create(name=name, region=region, lon=113.77, lat=LAT)
    sensor = Sensor.objects.create(point=point, device_id=device_id, name="可燃气体探测器", quantity="combustible_gas",
                                   level1=20)
    return Alarm.objects.create(sensor=sensor, kind="threshold", level=3, opened_at=timezone.now(),
                                last_at=timezone.now(), last_value=45, peak_value=52)


def county_warning(tree):
    from yingji.warnings.models import Warning

    now = timezone.now()
    return Warning.objects.create(event_type="rainstorm", level="orange", title="全市暴雨橙色预警",
                                  content="金刚镇山洪风险极高，已通知转移。", effective=now,
                                  expires=now + datetime.timedelta(hours=12), region=tree["county"])


def errors_of(page, value):
    html = page.content.decode()
    start = html.index('<div class="alert alert-danger')
    return html[start:html.index("</div></div>", start)].replace(str(value), "<key>")


def test_intake_refuses_alarms_and_warnings_outside_scope_like_missing_ones(client, users, places, tree):
    other = alarm_in(tree["vb"], "GAS-B", "金刚化工储罐区")
    warning = county_warning(tree)
    client.force_login(users["township_a"])
    nobody_has = max(other.pk, warning.pk) + 1000
    for field, record in (("alarm", other), ("warning", warning)):
        refused = client.post("/incidents/intake/", intake_post(**{field: record.pk}))
        missing = client.post("/incidents/intake/", intake_post(**{field: nobody_has}))
        assert refused.status_code == missing.status_code == 400  # the form again, with the reason
        assert errors_of(refused, record.pk) == errors_of(missing, nobody_has)
        assert f"找不到编号为“<key>”的{record._meta.verbose_name}，或不在您的管辖范围内" in errors_of(refused, record.pk)
        assert "金刚化工储罐区" not in refused.content.decode() and "山洪风险" not in refused.content.decode()
    assert not Incident.objects.exists()
    # The prefill from them is a 404, as for an id nobody has.
    assert client.get(f"/incidents/intake/?alarm={other.pk}").status_code == 404
    assert client.get(f"/incidents/intake/?warning={warning.pk}").status_code == 404


def test_intake_links_an_alarm_in_scope(client, users, places, tree):
    own = alarm_in(tree["va"], "GAS-A", "大瑶花炮厂仓库")
    client.force_login(users["township_a"])
    response = client.post("/incidents/intake/", intake_post(alarm=own.pk, source="alarm"))
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.alarm == own and incident.warning is None


def test_the_service_checks_the_ids_too(users, tree):
    import pytest
    from django.core.exceptions import ValidationError

    from yingji.incidents import services

    other = alarm_in(tree["vb"], "GAS-B", "金刚化工储罐区")
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.intake(users["township_a"], Incident(
            title="大瑶村火情", event_type="21500", occurred_at=now, received_at=now, address="大瑶村", region=tree["va"],
            description="起火", alarm_id=other.pk))
    assert list(refused.value.message_dict) == ["alarm"]
    assert not Incident.objects.exists()


def test_a_place_in_another_village_than_the_enterprise_warns_and_saves_when_confirmed(client, users, places, tree,
                                                                                    orgs):
    """接报 at 3 a.m.: the caller's place (大瑶村) differs from where 金刚化工 is registered (金刚村). The
    officer is warned, keeps everything typed, and saves by confirming (issue 15: it used to refuse)."""
    from tests.conftest import make_user

    duty = make_user("duty_mismatch", "duty", region=tree["county"])
    client.force_login(duty)
    data = intake_post(organization=orgs["b"].credit_code, reporter="王五")
    warned = client.post("/incidents/intake/", data)
    html = warned.content.decode()
    assert warned.status_code == 400 and not Incident.objects.exists()
    assert 'data-testid="confirm-place"' in html and "金刚村" in html and "确认保存" in html
    assert 'value="王五"' in html and "工房起火" in html  # nothing lost
    saved = client.post("/incidents/intake/", {**data, "confirm_place": "on"})
    incident = Incident.objects.get()
    assert saved.status_code == 302 and incident.region == tree["va"] and incident.organization == orgs["b"]
    assert incident.timeline.filter(text__contains="接报人确认按所填地点登记").exists()
    # The API the same way: 400 naming confirm_place, then 201/200 with it.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(duty)
    refused = api.post("/api/incidents/intake/", intake_post(organization=orgs["b"].credit_code), format="json")
    assert refused.status_code == 400 and "confirm_place" in refused.json()
    accepted = api.post("/api/incidents/intake/", {**intake_post(organization=orgs["b"].credit_code),
                                                   "confirm_place": True}, format="json")
    assert accepted.status_code in (200, 201) and Incident.objects.count() == 2
