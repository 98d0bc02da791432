"""Declared operations, generically: every operation (hand-declared or a workflow transition) is in
the OpenAPI schema, answers JSON to token clients (401, never a login redirect), 404 outside the
user's scope (page and API), 403 to a role that may not take it, and 400 naming each missing input.
Then the desk defects the review found, as regressions."""

import pytest
from django.urls import reverse

from tests.samples import make_record
from yingji.core import operations
from yingji.core.registry import get_registry


def all_operations():
    from django.apps import apps

    assert apps.ready
    return operations.operations()


OPS = all_operations()
DETAIL = [op for op in OPS if op.detail]
IDS = [f"{op.registry}.{op.name}" for op in OPS]


def api_url(op, pk=None):
    return reverse(f"{op.registry}-op-{op.name}", args=[pk] if op.detail else [])


def page_url(op, pk=None):
    return reverse("record_operation", args=[op.registry, pk, op.name]) if op.detail else \
        reverse("operation", args=[op.registry, op.name])


def required_inputs(op):
    if op.form is None:
        return set()
    return {name for name, f in op.form(user=None).fields.items() if f.required and not f.disabled}


def test_every_operation_is_declared_once_and_in_the_schema(client, users):
    assert {("incidents", "intake"), ("incidents", "activate"), ("incidents", "add-entry"),
            ("incidents", "dispatch-team"), ("responses", "adjust"), ("hazards", "submit")} <= \
        {(op.registry, op.name) for op in OPS}
    client.force_login(users["admin"])
    schema = client.get("/api/schema/?format=json").json()
    for op in OPS:
        path = "/api/" + op.registry + ("/{id}/" if op.detail else "/") + op.name + "/"
        assert "post" in schema["paths"].get(path, {}), path
        assert set(schema["paths"][path]["post"]["responses"]) >= {"200", "400", "401", "403", "404", "409"}


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_token_clients_get_json_never_a_login_page(op, tree, orgs, client):
    record = make_record(op.reg, tree["va"], orgs["a"]) if op.detail else None
    response = client.post(api_url(op, record.pk if record else None), {}, content_type="application/json")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("op", DETAIL, ids=[f"{op.registry}.{op.name}" for op in DETAIL])
def test_out_of_scope_is_not_found_on_page_and_api(op, tree, orgs, users, api, client):
    other = make_record(op.reg, tree["vb"], orgs["b"])  # township B; the user holds every role in A only
    assert api("all_in_a").post(api_url(op, other.pk), {}, format="json").status_code == 404
    client.force_login(users["all_in_a"])
    assert client.get(page_url(op, other.pk)).status_code in (404,) if op.page else True
    assert client.post(page_url(op, other.pk), {}).status_code == 404 if op.page else True


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_a_role_without_the_permission_is_refused(op, tree, orgs, users, api, client):
    record = make_record(op.reg, tree["va"], orgs["a"]) if op.detail else None
    before = op.model.objects.count()
    response = api("readonly").post(api_url(op, record.pk if record else None), {}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    if op.page:
        client.force_login(users["readonly"])
        assert client.post(page_url(op, record.pk if record else None), {}).status_code == 403
    assert op.model.objects.count() == before


@pytest.mark.parametrize("op", [op for op in OPS if required_inputs(op)],
                         ids=[f"{op.registry}.{op.name}" for op in OPS if required_inputs(op)])
def test_missing_inputs_are_named(op, tree, orgs, users, api, client):
    record = make_record(op.reg, tree["va"], orgs["a"]) if op.detail else None
    user = users["admin"]
    if op.refused(user, record):
        pytest.skip(f"{op.label}: not an administrator's to take (its roles: {sorted(op.roles)})")
    response = api("admin").post(api_url(op, record.pk if record else None), {}, format="json")
    assert response.status_code == 400, response.json()
    assert required_inputs(op) <= set(response.json()), response.json()
    if op.page:
        client.force_login(user)
        page = client.post(page_url(op, record.pk if record else None), {})
        assert page.status_code == 400 and "已填写的内容都保留着" in page.content.decode()


# ---- the review's defects ------------------------------------------------------------------------

@pytest.fixture
def incident(tree, users):
    from yingji.incidents.models import Incident
    from yingji.incidents.services import intake

    return intake(users["admin"], Incident(event_type="21400", title="大瑶花炮厂爆炸", address="大瑶镇大瑶村",
                                           region=tree["va"], occurred_at="2026-12-01T08:00+08:00", deaths=1,
                                           description="仓库爆炸，1 人死亡"))


def test_read_only_user_cannot_post_a_decision(incident, users, client, api):
    client.force_login(users["readonly"])
    desk = client.get(f"/incidents/{incident.pk}/")
    assert desk.status_code == 200 and 'data-testid="add-entry"' not in desk.content.decode()
    assert client.post(f"/incidents/{incident.pk}/timeline/", {"kind": "decision", "text": "全员撤离"}).status_code == 403
    assert api("readonly").post(f"/api/incidents/{incident.pk}/add-entry/", {"kind": "decision", "text": "全员撤离"},
                                format="json").status_code == 403
    assert not incident.timeline.filter(kind="decision").exists()
    ok = api("leader").post(f"/api/incidents/{incident.pk}/add-entry/", {"kind": "decision", "text": "全员撤离"},
                            format="json")
    assert ok.status_code == 200 and incident.timeline.get(kind="decision").text == "全员撤离"


def test_a_gateway_account_gets_no_incident_desk(incident, tree, client, api):
    from tests.conftest import make_user

    gateway = make_user("gw", "gateway", region=tree["county"])
    client.force_login(gateway)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 403
    assert client.get(f"/incidents/{incident.pk}/map/").status_code == 403
    assert client.get(f"/registry/incidents/{incident.pk}/").status_code == 403


def test_incident_json_endpoints_answer_token_clients(incident, api, client):
    assert client.get("/api/incidents/open/").status_code == 401  # not a redirect to the login page
    assert client.get(f"/api/incidents/{incident.pk}/situation/").status_code == 401
    leader = api("leader")
    assert leader.get("/api/incidents/open/").json()["incidents"][0]["number"] == incident.number
    assert leader.get(f"/api/incidents/{incident.pk}/situation/?radius_km=abc").status_code == 400
    assert leader.get(f"/api/incidents/{incident.pk}/situation/").status_code == 200
    schema = leader.get("/api/schema/?format=json").json()["paths"]
    assert "/api/incidents/open/" in schema and "/api/incidents/{id}/situation/" in schema


def test_a_response_level_is_adjusted_through_the_api(incident, users, api, tree):
    from yingji.incidents.models import Plan, Response

    plan = make_record(get_registry("plans"), tree["county"])
    Plan.objects.filter(pk=plan.pk).update(event_types=["21400"])
    started = api("leader").post(f"/api/incidents/{incident.pk}/activate/", {"plan": plan.pk, "level": "IV",
                                                                             "reason": "有人员死亡"}, format="json")
    assert started.status_code == 200, started.json()
    response = Response.objects.get(pk=started.json()["id"])
    again = api("leader").post(f"/api/incidents/{incident.pk}/activate/", {"plan": plan.pk, "level": "IV"},
                               format="json")
    assert again.status_code == 409 and "请调整级别而不是重复启动" in again.json()["detail"]
    bad = api("leader").post(f"/api/responses/{response.pk}/adjust/", {"level": "V", "reason": "扩大"}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()
    up = api("leader").post(f"/api/responses/{response.pk}/adjust/", {"level": "III", "reason": "事态扩大"},
                            format="json")
    assert up.status_code == 200 and up.json()["state"] == "active", up.json()
    response.refresh_from_db()
    assert response.level == "III"
    assert "提升响应级别：Ⅳ级响应 → Ⅲ级响应（事态扩大）" in incident.timeline.values_list("text", flat=True)
    # The older generic endpoint takes every declared input too.
    down = api("leader").post(f"/api/responses/{response.pk}/transitions/",
                              {"name": "adjust", "level": "IV", "reason": "得到控制"}, format="json")
    assert down.status_code == 200 and Response.objects.get(pk=response.pk).level == "IV"


def test_a_transition_takes_photos_through_the_api(tree, orgs, users, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core.models import Attachment
    from yingji.hazards.models import Hazard

    hazard = make_record(get_registry("hazards"), tree["va"], orgs["a"])
    Hazard.objects.filter(pk=hazard.pk).update(state="rectifying")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    photos = [SimpleUploadedFile("现场1.png", png, "image/png"), SimpleUploadedFile("现场2.png", png, "image/png")]
    done = api("enterprise_a").post(f"/api/hazards/{hazard.pk}/submit/", {"comment": "已清理", "photos": photos},
                                    format="multipart")
    assert done.status_code == 200, done.json()
    assert Hazard.objects.get(pk=hazard.pk).state == "awaiting_acceptance"
    assert Attachment.objects.filter(object_id=hazard.pk, description__contains="时上传的照片").count() == 2
    # Refused (wrong state now): none of the photos is kept.
    again = api("enterprise_a").post(f"/api/hazards/{hazard.pk}/submit/",
                                     {"comment": "再次", "photos": [SimpleUploadedFile("x.png", png, "image/png")]},
                                     format="multipart")
    assert again.status_code == 409
    assert Attachment.objects.filter(object_id=hazard.pk).count() == 2
