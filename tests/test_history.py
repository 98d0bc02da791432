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
    assert {"field": "employees", "label": "从业人数", "old": "None", "new": "30"} in history[0]["changes"]
    assert rest.delete(f"/api/organizations/{pk}/").status_code == 204
    deleted = LogEntry.objects.filter(content_type__model="organization", object_pk=str(pk),
                                      action=LogEntry.Action.DELETE).get()
    assert deleted.actor == users["staff"]
    assert not Organization.objects.filter(pk=pk).exists()


def test_delete_blocked_by_related_records_explains_why(orgs, tree, users, api):
    response = api("admin").delete(f"/api/regions/{tree['va'].pk}/")
    assert response.status_code == 400
    assert "还有关联的" in response.json()["detail"][0]
