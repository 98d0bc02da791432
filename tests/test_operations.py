"""Declared operations, generically: every operation (hand-declared or a workflow transition) is in
the OpenAPI schema, answers JSON to token clients (401, never a login redirect), 404 outside the
user's scope (page and API), 403 to a role that may not take it, and 400 naming each missing input.
Then the desk defects the review found, as regressions."""

import pytest
from django.urls import reverse

from tests.samples import make_record
from yingji.core.framework import operations
from yingji.core.framework.registry import get_registry


def all_operations():
    from django.apps import apps

    assert apps.ready
    return operations.operations()


OPS = all_operations()
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
def test_every_operation_answers_as_declared(op, tree, orgs, users, api, client):
    """One test per operation (the fixtures are most of the cost): 401 JSON to a client without a
    token, 404 outside the scope on page and API, 403 and nothing written for a read-only role,
    400 naming every missing required input."""
    unauthenticated = client.post(api_url(op, 1 if op.detail else None), {}, content_type="application/json")
    assert unauthenticated.status_code == 401 and unauthenticated["Content-Type"].startswith("application/json")

    if op.detail:  # township B's record; the user holds every role, in township A only
        other = make_record(op.reg, tree["vb"], orgs["b"])
        assert api("all_in_a").post(api_url(op, other.pk), {}, format="json").status_code == 404
        if op.page:
            client.force_login(users["all_in_a"])
            assert client.get(page_url(op, other.pk)).status_code == 404
            assert client.post(page_url(op, other.pk), {}).status_code == 404

    record = make_record(op.reg, tree["va"], orgs["a"]) if op.detail else None
    pk = record.pk if record else None
    before = op.model.objects.count()
    refused = api("readonly").post(api_url(op, pk), {}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"]
    if op.page:
        client.force_login(users["readonly"])
        assert client.post(page_url(op, pk), {}).status_code == 403
    assert op.model.objects.count() == before

    required = required_inputs(op)
    if not required or op.refused(users["admin"], record):
        return  # nothing to leave out, or not an administrator's to take (its roles)
    response = api("admin").post(api_url(op, pk), {}, format="json")
    assert response.status_code == 400 and required <= set(response.json()), response.json()
    if op.page:
        client.force_login(users["admin"])
        page = client.post(page_url(op, pk), {})
        assert page.status_code == 400 and "已填写的内容都保留着" in page.content.decode()


def test_an_object_where_a_field_takes_text_is_refused_at_that_field(tree, orgs, users, api):
    """A JSON object or nested array at a text, number, date, choice or file field: 400 naming that
    field (the form field itself would fail on it with a server error, as the API contract run found
    at a date), once for each kind of field any operation has."""
    from django import forms

    covered = set()
    for op in OPS:
        kinds = {type(f): name for name, f in (op.form(user=None).fields.items() if op.form else ())
                 if not isinstance(f, forms.JSONField) and not getattr(f, "takes_objects", False)}
        if not set(kinds) - covered:
            continue
        record = make_record(op.reg, tree["va"], orgs["a"]) if op.detail else None
        if op.refused(users["admin"], record):
            continue
        for name in kinds.values():
            for value in ({"value": 1}, [[1, 2]]):
                response = api("admin").post(api_url(op, record.pk if record else None), {name: value}, format="json")
                assert response.status_code == 400 and name in response.json(), (op.label, name, response.content)
        covered |= set(kinds)
    assert {forms.DateField, forms.IntegerField, forms.ModelChoiceField, forms.CharField} <= covered


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


def test_files_are_attached_through_the_api_with_the_pages_rules(orgs, users, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.core.models import Attachment

    url = f"/api/organizations/{orgs['a'].pk}/attach/"
    ok = api("staff").post(url, {"file": SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4 x"), "description": "现场检查"},
                           format="multipart")
    assert ok.status_code == 200 and ok.json()["name"] == "检查记录.pdf"
    assert Attachment.objects.get(pk=ok.json()["id"]).description == "现场检查"
    refused = api("staff").post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}, format="multipart")
    assert refused.status_code == 400 and refused.json()["file"][0].startswith("不支持的文件类型 .exe")
    assert api("readonly").post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF")}, format="multipart").status_code == 403
    assert api("township_b").post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF")},
                                  format="multipart").status_code == 404
    assert Attachment.objects.count() == 1
