"""County → city through the API (two jurisdictions in one test database: the county's outbound sender
posts to the city's inbound endpoint with the city's token, through Django's test client), and the
incident link (a natural-disaster incident opens its 灾情事件; the county's figures re-grade it)."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import make_user
from tests.disasters.test_flow import TEXT, entry, open_report, post, send_county, submit
from yingji.disasters import exchange
from yingji.disasters.models import DisasterEvent, DisasterReport, UpwardLink


@pytest.fixture
def event(tree, users):
    e = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                     learned_at=timezone.now(), region=tree["county"])
    e.townships.set([tree["a"]])
    return e


@pytest.fixture
def city_link(tree, monkeypatch):
    """The city's platform: an account of its own scoped to the city, its token given to the county's
    upward link; HTTP goes through the city's real API (Django's test client)."""
    city = make_user("city_staff", "staff", region=tree["city"])
    token = Token.objects.create(user=city)
    UpwardLink.objects.create(region=tree["county"], name="长沙市应急管理局",
                              url="https://city.example.gov.cn/api/disaster-events/receive/", token=token.key)
    calls = []

    def through_api(url, body, key):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.post(urlsplit(url).path, data=body, content_type="application/json")
        calls.append(response.status_code)
        if response.status_code >= 400:
            raise exchange.urllib.error.HTTPError(url, response.status_code, "refused", {}, None)
        return json.loads(response.content)

    monkeypatch.setattr(exchange, "post", through_api)
    return {"user": city, "calls": calls}


def test_county_report_reaches_the_city_once(event, api, tree, city_link):
    open_report(api, event, "initial")
    vid = entry(api, event)
    assert submit(api, vid, "village_a", f_affected_population=120, f_deaths=0).status_code == 200
    county = send_county(api, event)
    sent = post(api("staff"), f"/api/disaster-reports/{county.pk}/send-up/")
    assert sent.status_code == 200, sent.json()
    assert city_link["calls"] == [200] and "已报送长沙市应急管理局" in sent.json()["result"]
    copy = DisasterEvent.objects.get(region=tree["city"])
    assert copy.received_from == "浏阳市" and copy.county_code == "430181"
    received = copy.reports.get()
    assert received.source_uuid == county.uuid and received.figures == county.figures
    assert received.breakdown[0]["name"] == "大瑶镇"  # figures per township, as sent
    # the city's clock starts from what the county sent
    city_clock = copy.deadlines.get(key="initial:city")
    assert city_clock.due_at == county.submitted_at + datetime.timedelta(hours=2)
    # idempotent by the report's UUID: sending again updates the same record
    assert post(api("staff"), f"/api/disaster-reports/{county.pk}/send-up/").status_code == 200
    assert DisasterReport.objects.filter(source_uuid=county.uuid).count() == 1 and copy.reports.count() == 1
    # the city accepts the county's report on its own copy; the county cannot touch that copy
    assert api("staff").get(f"/api/disaster-reports/{received.pk}/").status_code == 404
    city = APIClient()
    city.force_authenticate(city_link["user"])
    assert city.post(f"/api/disaster-reports/{received.pk}/accept/", {}, format="json").status_code == 200


def test_inbound_refuses_what_it_cannot_read(tree, city_link):
    city = APIClient()
    city.force_authenticate(city_link["user"])
    bad = city.post("/api/disaster-events/receive/", {"report": {"format": "other"}}, format="json")
    assert bad.status_code == 400 and "format" in bad.json()["report"][0]
    anonymous = APIClient().post("/api/disaster-events/receive/", {"report": {}}, format="json")
    assert anonymous.status_code in (401, 403)


def test_send_up_without_a_link_is_a_conflict(event, api):
    open_report(api, event, "initial")
    county = send_county(api, event)
    assert post(api("staff"), f"/api/disaster-reports/{county.pk}/send-up/").status_code == 409


def _incident(tree, **figures):
    from yingji.incidents.models import Incident

    return Incident.objects.create(title="大瑶镇山洪", event_type="11100", occurred_at=timezone.now(),
                                   received_at=timezone.now(), address="大瑶镇大瑶村", region=tree["va"],
                                   description="强降雨引发山洪", **figures)


def test_incident_opens_its_disaster_event_with_its_figures(tree, api):
    incident = _incident(tree, deaths=1, relocated=40)
    response = post(api("staff"), f"/api/incidents/{incident.pk}/open-disaster/")
    assert response.status_code == 200, response.json()
    event = DisasterEvent.objects.get(pk=response.json()["event"])
    assert event.disaster_type == "flood" and event.region == tree["county"] and event.incident == incident
    assert list(event.townships.all()) == [tree["a"]]
    county = event.reports.get(level="county")
    assert county.kind == "initial" and county.figures == {"deaths": 1, "relocated_total": 40}
    assert post(api("staff"), f"/api/incidents/{incident.pk}/open-disaster/").status_code == 409  # once


def test_the_grade_reads_newer_disaster_figures(tree, api):
    incident = _incident(tree)
    event = DisasterEvent.objects.get(pk=post(api("staff"), f"/api/incidents/{incident.pk}/open-disaster/").json()["event"])
    before = incident.grade_label
    vid = entry(api, event)
    from yingji.disasters.models import CasualtyRow

    ids = ["11010519491231002X", "440524188001010014", "110101199003074477"]
    for n in ids:
        CasualtyRow.objects.create(event=event, region=tree["va"], name="某", id_number=n)
    assert submit(api, vid, "village_a", f_deaths=3, f_relocated_total=150000, f_relocated_concentrated=150000,
                  f_relocated_dispersed=0).status_code == 200
    county = event.reports.get(level="county")
    county.course = ""
    county.save()
    send_county(api, event)
    incident.refresh_from_db()
    assert incident.deaths == 3 and incident.relocated == 150000
    assert incident.grade_label != before and "Ⅳ" in incident.grade_label, incident.grade_label


def test_a_report_needs_photos_while_a_response_is_active(tree, api, monkeypatch):
    from yingji.disasters.models import DisasterEvent as Event

    monkeypatch.setattr(Event, "response_active", property(lambda self: True))
    incident = _incident(tree)
    event = Event.objects.get(pk=post(api("staff"), f"/api/incidents/{incident.pk}/open-disaster/").json()["event"])
    county = event.reports.get(level="county")
    refused = submit(api, county.pk, "staff", **TEXT)
    assert refused.status_code == 400 and "不少于 3 张" in str(refused.json())
