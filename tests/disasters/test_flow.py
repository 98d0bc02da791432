"""灾情报送 through the API as each level uses it: the order of reports (初报 → 续报 → 核报), village and
township entries rolled up into the county's report, the checks on submission (errors on the field,
falling figures refused until explained), copy-forward with its diff, clocks met, scope."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yingji.disasters.models import CasualtyRow, DisasterEvent, DisasterReport

ID_NUMBER = "11010519491231002X"  # GB 11643-1999's own example


@pytest.fixture
def event(tree, users):
    e = DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                     learned_at=timezone.now(), region=tree["county"])
    e.townships.set([tree["a"]])
    return e


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def open_report(api, event, kind, who="staff"):
    return post(api(who), f"/api/disaster-events/{event.pk}/open-report/", {"kind": kind})


def entry(api, event, who="village_a") -> int:
    response = post(api(who), f"/api/disaster-events/{event.pk}/my-entry/")
    assert response.status_code == 200, response.json()
    return response.json()["report"]


def submit(api, report_id, who, **data):
    return post(api(who), f"/api/disaster-reports/{report_id}/submit/", data)


TEXT = {part: "已核实" for part in ("background", "course", "features", "trend", "relief", "needs", "next_steps")}


def send_county(api, event, who="staff") -> DisasterReport:
    """The township rolls up its villages and submits; the county rolls up and submits with its text."""
    county = DisasterReport.objects.get(event=event, level="county", sequence=event.reports.order_by("-sequence")
                                        .first().sequence)
    town = county.entries.get()
    if town.entries.exists():  # a round the villages reported in (else the township's copied figures stand)
        rolled = post(api("township_a"), f"/api/disaster-reports/{town.pk}/roll-up/")
        assert rolled.status_code == 200, rolled.json()
    response = submit(api, town.pk, "township_a")
    assert response.status_code == 200, response.json()
    assert post(api(who), f"/api/disaster-reports/{county.pk}/roll-up/").status_code == 200
    response = submit(api, county.pk, who, **TEXT)
    assert response.status_code == 200, response.json()
    county.refresh_from_db()
    return county


def test_reports_come_in_order(event, api):
    assert open_report(api, event, "followup").status_code == 409  # a 续报 before the 初报
    assert open_report(api, event, "final").status_code == 409  # a 核报 before 灾情稳定
    assert open_report(api, event, "initial").status_code == 200
    assert open_report(api, event, "followup").status_code == 409  # the 初报 not yet submitted
    vid = entry(api, event)
    assert submit(api, vid, "village_a", f_affected_population=120).status_code == 200
    send_county(api, event)
    assert open_report(api, event, "initial").status_code == 409  # one 初报
    assert open_report(api, event, "followup").status_code == 200
    send_county(api, event)
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/declare-stable/", {"comment": "雨停水退"}).status_code == 200
    assert open_report(api, event, "followup").status_code == 409  # no 续报 once stable
    assert open_report(api, event, "final").status_code == 200
    send_county(api, event)
    event.refresh_from_db()
    assert event.state == "closed" and event.closed_at is not None
    assert open_report(api, event, "final").status_code == 409  # one 核报
    assert list(event.reports.filter(level="county").order_by("sequence").values_list("kind", flat=True)) == [
        "initial", "followup", "final"]


def test_village_rolls_up_to_township_and_county_meeting_the_clocks(event, api, tree):
    open_report(api, event, "initial")
    keys = set(event.deadlines.values_list("key", flat=True))
    assert {"initial:county", "township:大瑶镇"} <= keys
    vid = entry(api, event)
    assert DisasterReport.objects.get(pk=vid).region == tree["va"]
    assert submit(api, vid, "village_a", f_affected_population=120, f_relocated_total=30,
                  f_relocated_concentrated=10, f_relocated_dispersed=20, f_direct_loss="12.5").status_code == 200
    county = send_county(api, event)
    assert county.figures["affected_population"] == 120
    assert county.figures["direct_loss"] == "125000"  # 12.5 万元 kept in yuan
    assert county.breakdown == [{"code": "430181110", "name": "大瑶镇", "figures": county.figures}]
    done = dict(event.deadlines.values_list("key", "done_at"))
    assert done["initial:county"] is not None and done["township:大瑶镇"] is not None
    assert "followup-1" in done and done["followup-1"] is None  # the next clock runs


def test_errors_refuse_on_the_field_and_change_nothing(event, api):
    open_report(api, event, "initial")
    vid = entry(api, event)
    response = submit(api, vid, "village_a", f_crop_affected_area="10", f_crop_damaged_area="20")
    assert response.status_code == 400
    assert "f_crop_damaged_area" in response.json() and "不应大于" in response.json()["f_crop_damaged_area"][0]
    report = DisasterReport.objects.get(pk=vid)
    assert report.state == "draft" and report.figures == {}  # nothing half-written
    response = submit(api, vid, "village_a", f_relocated_total=30, f_relocated_concentrated=10, f_relocated_dispersed=5)
    assert response.status_code == 400 and "f_relocated_total" in response.json()


def test_deaths_must_match_the_named_list(event, api, tree):
    open_report(api, event, "initial")
    vid = entry(api, event)
    response = submit(api, vid, "village_a", f_deaths=1)
    assert response.status_code == 400 and "一览表" in response.json()["f_deaths"][0]
    created = post(api("village_a"), "/api/disaster-casualties/", {
        "event": event.pk, "region": tree["va"].code, "name": "张三", "id_number": "11010519491231002X",
        "status": "dead"})
    assert created.status_code == 201, created.json()
    assert submit(api, vid, "village_a", f_deaths=1).status_code == 200


def test_named_list_id_numbers_are_checked_and_unique(event, api, tree):
    bad = post(api("village_a"), "/api/disaster-casualties/", {
        "event": event.pk, "region": tree["va"].code, "name": "李四", "id_number": "110105194912310021",
        "status": "missing"})
    assert bad.status_code == 400 and "X" in str(bad.json()["id_number"])  # names the expected check character
    CasualtyRow.objects.create(event=event, region=tree["va"], name="张三", id_number=ID_NUMBER)
    again = post(api("village_a"), "/api/disaster-casualties/", {
        "event": event.pk, "region": tree["va"].code, "name": "张三", "id_number": ID_NUMBER.lower()})
    assert again.status_code == 400 and "重复" in str(again.json()["id_number"])


def test_a_falling_cumulative_figure_is_refused_until_explained(event, api):
    open_report(api, event, "initial")
    vid = entry(api, event)
    submit(api, vid, "village_a", f_affected_population=120)
    send_county(api, event)
    open_report(api, event, "followup")
    second = entry(api, event)
    assert second != vid
    assert DisasterReport.objects.get(pk=second).figures == {"affected_population": 120}  # copied forward
    response = submit(api, second, "village_a", f_affected_population=100)
    assert response.status_code == 400
    field = "explain_affected_population__大瑶村"
    assert "降为" in response.json()[field][0]
    response = submit(api, second, "village_a", f_affected_population=100, **{field: "重复统计的 20 人已核减"})
    assert response.status_code == 200, response.json()
    report = DisasterReport.objects.get(pk=second)
    assert report.explanations == {field: "重复统计的 20 人已核减"}
    page = api("village_a").get(f"/api/disaster-reports/{second}/").json()
    assert page["state"] == "submitted"


def test_diff_on_the_report_page(event, api, web):
    open_report(api, event, "initial")
    vid = entry(api, event)
    submit(api, vid, "village_a", f_affected_population=120, f_injured=2)
    send_county(api, event)
    open_report(api, event, "followup")
    second = entry(api, event)
    submit(api, second, "village_a", f_affected_population=150, f_injured=2)
    html = web("township_a").get(f"/registry/disaster-reports/{second}/").content.decode()
    assert "与上一报（第1报）相比" in html and "受灾人口：120 → 150 人" in html
    assert "因灾受伤人口：2" not in html  # only what changed


def test_scope_township_and_village_see_only_their_own(event, api, tree):
    event.townships.add(tree["b"])
    open_report(api, event, "initial")
    mine = entry(api, event, "village_a")
    a_town = DisasterReport.objects.get(event=event, region=tree["a"])
    b_town = DisasterReport.objects.get(event=event, region=tree["b"])
    assert api("township_b").get(f"/api/disaster-reports/{a_town.pk}/").status_code == 404
    assert api("township_b").get(f"/api/disaster-reports/{b_town.pk}/").status_code == 200
    seen = {r["id"] for r in api("village_a").get("/api/disaster-reports/").json()["results"]}
    assert seen == {mine}
    assert api("village_a").get(f"/api/disaster-events/{event.pk}/").status_code == 200  # shared down to report into
    assert post(api("township_b"), f"/api/disaster-reports/{mine}/submit/").status_code == 404
    assert open_report(api, event, "followup", who="village_a").status_code == 403  # the county opens reports


def test_receiver_is_the_level_above(event, api):
    open_report(api, event, "initial")
    vid = entry(api, event)
    submit(api, vid, "village_a", f_affected_population=5)
    assert post(api("village_a"), f"/api/disaster-reports/{vid}/accept/").status_code == 403
    back = post(api("township_a"), f"/api/disaster-reports/{vid}/return-back/", {"reason": "受灾人口请核实"})
    assert back.status_code == 200
    assert DisasterReport.objects.get(pk=vid).state == "returned"
    assert submit(api, vid, "village_a", f_affected_population=6).status_code == 200
    assert post(api("township_a"), f"/api/disaster-reports/{vid}/accept/").status_code == 200


def test_no_entry_once_the_round_is_sent(event, api):
    assert post(api("village_a"), f"/api/disaster-events/{event.pk}/my-entry/").status_code == 409  # no 初报 yet
    open_report(api, event, "initial")
    assert submit(api, entry(api, event), "village_a", f_affected_population=3).status_code == 200
    send_county(api, event)
    assert post(api("village_a"), f"/api/disaster-events/{event.pk}/my-entry/").status_code == 409


def test_the_county_names_the_affected_townships_when_opening(event, api, tree):
    response = post(api("staff"), f"/api/disaster-events/{event.pk}/open-report/", {"kind": "initial",
                                                                                 "townships": [tree["b"].pk]})
    assert response.status_code == 200, response.json()
    assert set(event.townships.all()) == {tree["a"], tree["b"]}
    assert set(DisasterReport.objects.filter(event=event, level="township").values_list("region", flat=True)) == {
        tree["a"].pk, tree["b"].pk}
    assert "township:金刚镇" in set(event.deadlines.values_list("key", flat=True))
