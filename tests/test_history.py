"""One change history: who, when, field by field — from pages and the API alike."""

from auditlog.models import LogEntry

from yingji.core.models import Organization


def test_page_edit_records_actor_and_field_changes(orgs, users, web):
    client = web("staff")
    org = orgs["a"]
    form = {f: getattr(org, f) or "" for f in ("credit_code", "name", "kind", "industry_code", "address",
                                                "legal_representative", "safety_manager", "phone")}
    form.update(region=org.region.code, name="大瑶花炮厂（改名）", employees=120)
    response = client.post(f"/registry/organizations/{org.pk}/edit/", form)
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(org).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == users["staff"]
    assert entry.changes_dict["name"] == ["大瑶花炮厂", "大瑶花炮厂（改名）"]
    assert entry.changes_dict["employees"] == ["None", "120"]
    page = client.get(f"/registry/organizations/{org.pk}/").content.decode()
    assert "单位名称：大瑶花炮厂 → 大瑶花炮厂（改名）" in page


def test_api_create_update_delete_are_all_recorded(tree, users, api):
    from tests.conftest import credit

    rest = api("staff")
    created = rest.post("/api/organizations/", {"credit_code": credit(55), "name": "新企业", "kind": "enterprise",
                                                "region": "430181110001"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert rest.patch(f"/api/organizations/{pk}/", {"employees": 30}, format="json").status_code == 200
    page = rest.get(f"/api/organizations/{pk}/history/").json()
    assert page["count"] == 2 and page["next"] is None  # paginated like every list, as the schema says
    history = page["results"]
    assert [h["action"] for h in history] == ["修改", "新增"]
    assert history[0]["actor"] == "staff"
    assert {"field": "employees", "label": "从业人数", "old": "", "new": "30"} in history[0]["changes"]
    # The creation entry says what the record was given; the fields left empty are not listed.
    given = {c["label"]: c["new"] for c in history[1]["changes"]}
    assert given == {"统一社会信用代码": credit(55), "单位名称": "新企业", "单位类型": "企业", "所属区划": "大瑶村"}, given
    assert rest.delete(f"/api/organizations/{pk}/").status_code == 204
    deleted = LogEntry.objects.filter(content_type__model="organization", object_pk=str(pk),
                                      action=LogEntry.Action.DELETE).get()
    assert deleted.actor == users["staff"]
    assert not Organization.objects.filter(pk=pk).exists()


def test_delete_blocked_by_related_records_explains_why(orgs, tree, users, api):
    response = api("admin").delete(f"/api/regions/{tree['va'].pk}/")
    assert response.status_code == 400
    assert "还有关联的" in response.json()["detail"][0]


def test_history_reads_as_people_read_it(orgs, users, web, settings):
    """Field labels, choice labels, related names, 是/否, Asia/Shanghai times to the minute; never a
    raw code, an id, ``None``, UTC with microseconds or a many-to-many manager's name (issue 15)."""
    import datetime

    from auditlog.models import LogEntry

    from yingji.core.framework import history
    from yingji.core.framework.registry import get_registry
    from yingji.hazards.models import Hazard

    users["staff"].first_name = "安全生产基础科"
    users["staff"].save()
    hazard = Hazard(title="消防通道堵塞", organization=orgs["a"], region=orgs["a"].region, channel="self_inspection",
                    description="二号仓库门前", finder="张三",
                    found_at=datetime.datetime(2026, 12, 1, 6, 49, 12, 345678, tzinfo=datetime.UTC))
    from yingji.core.framework import services

    services.save_instance(users["staff"], hazard)
    hazard.grade, hazard.organization, hazard.region = "major", orgs["b"], orgs["b"].region
    hazard.major_basis = "疏散通道被堵"
    services.save_instance(users["staff"], hazard)
    entry = LogEntry.objects.get_for_object(hazard).filter(action=LogEntry.Action.UPDATE).get()
    entry.changes = {**entry.changes_dict, "notes": ["None", "resources.Expert.None"]}  # as auditlog writes them
    seen = history.describe(entry, get_registry("hazards"))
    by_field = {c["field"]: c for c in seen["changes"]}
    assert by_field["grade"]["label"] == "隐患等级"
    assert (by_field["grade"]["old"], by_field["grade"]["new"]) == ("一般事故隐患", "重大事故隐患")
    assert (by_field["organization"]["old"], by_field["organization"]["new"]) == ("大瑶花炮厂", "金刚化工有限公司")
    assert (by_field["notes"]["old"], by_field["notes"]["new"]) == ("", "")
    assert seen["actor"] == "安全生产基础科"
    created = history.describe(LogEntry.objects.get_for_object(hazard).get(action=LogEntry.Action.CREATE))
    assert "id" not in {c["field"] for c in created["changes"]}  # the record's own id is not a change people read
    found = next(c for c in created["changes"] if c["field"] == "found_at")
    assert found["label"] == "发现时间" and found["new"] == "2026-12-01 14:49"  # 06:49 UTC is 14:49 in Shanghai
    assert len(seen["time"]) == 16 and seen["time"][10] == " "  # YYYY-MM-DD HH:MM
    page = web("staff").get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert "隐患等级：一般事故隐患 → 重大事故隐患" in page and "所属单位：大瑶花炮厂 → 金刚化工有限公司" in page
    for raw in ("None", "major", "+00:00", ".345678"):
        assert raw not in page.split('id="history"')[1]
    log = web("admin").get("/system/audit-log/?q=消防通道").content.decode()
    assert "隐患等级：一般事故隐患 → 重大事故隐患" in log and "grade" not in log


def test_codes_kept_as_data_read_as_their_labels(tree, users, api):
    """A coded field whose codes are data (the 灾种 of disasters/data/disaster_types.csv, given to the
    field as a callable ``choices``) reads in its history as on its page: 洪涝 → 滑坡, not flood → landslide."""
    rest = api("staff")
    created = rest.post("/api/disaster-events/", {"name": "大瑶镇暴雨", "disaster_type": "flood", "onset_date": "2026-06-20",
                                                  "region": tree["county"].code}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert rest.patch(f"/api/disaster-events/{pk}/", {"disaster_type": "landslide"}, format="json").status_code == 200
    changes = rest.get(f"/api/disaster-events/{pk}/history/").json()["results"][0]["changes"]
    assert {"field": "disaster_type", "label": "灾害种类", "old": "洪涝", "new": "滑坡"} in changes
    bad = rest.patch(f"/api/disaster-events/{pk}/", {"disaster_type": "tsunami2"}, format="json")
    assert bad.status_code == 400 and "disaster_type" in bad.json()


def test_a_coded_field_that_says_how_it_reads_reads_so_in_its_history(tree, users, api):
    """GB/T 35561 event types are looked up, not choices: the history reads them as the record page does
    (Incident.display_event_type), the old value as well as the new."""
    from yingji.incidents import event_types
    from yingji.incidents.models import Incident
    from yingji.incidents.services import intake

    incident = intake(users["admin"], Incident(event_type="21400", title="某厂爆炸", address="大瑶镇大瑶村",
                                               region=tree["va"], occurred_at="2026-12-01T08:00+08:00",
                                               description="仓库爆炸"))
    rest = api("admin")
    assert rest.patch(f"/api/incidents/{incident.pk}/", {"event_type": "21200"}, format="json").status_code == 200
    changes = rest.get(f"/api/incidents/{incident.pk}/history/").json()["results"][0]["changes"]
    (change,) = [c for c in changes if c["field"] == "event_type"]
    assert change["old"] == f"21400 {event_types.path('21400')}" and change["new"] == f"21200 {event_types.path('21200')}"
    assert "事故" in change["old"]
